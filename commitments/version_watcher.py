"""The data versions (data_version.py) as one worker process sees them, mostly without a query.

Reading the counters costs a query per request: two thirds of the time of a cached page. On
PostgreSQL every bump sends NOTIFY with the new value once it has committed; each worker LISTENs
on a connection of its own and keeps the newest value of each scope that arrives, which costs a
poll of a socket instead. Elsewhere, or while that connection is not known to be alive, pages
fall back to reading the counters.

A connection can fail without closing: a firewall or a frozen server drops it and nothing
arrives any more, not even an error. So the watcher sends itself a heartbeat (NOTIFY on a
channel only it listens on) at most every HEARTBEAT_SECONDS while requests come in. PostgreSQL
delivers notifications in commit order, so once a heartbeat sent at time T is back, every bump
committed before T has arrived too. Notifications are trusted only while the newest heartbeat
back was sent less than TRUST_SECONDS ago; otherwise each request reads the counters (and so a
frozen connection costs at most TRUST_SECONDS of stale pages). A heartbeat not back within
SILENT_SECONDS closes the connection; a new one is tried after RETRY_SECONDS.
"""

import logging
import os
import selectors
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .data_version import CHANNEL, SCOPES, bumped, read_data_versions

logger = logging.getLogger(__name__)


class ListenerSilent(Exception):
    """The listening connection stopped answering without closing."""


class DataVersionWatcher:
    HEARTBEAT_SECONDS = 1.0  # a heartbeat goes out at most this often
    TRUST_SECONDS = 2.0  # notifications count while the newest heartbeat back is this recent
    SILENT_SECONDS = 5.0  # a heartbeat not back after this long: the connection is dead
    RETRY_SECONDS = 5.0  # between attempts to open the listening connection

    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.using = using
        self._lock = threading.Lock()
        self._pid = None
        self._known = dict.fromkeys(SCOPES, 0)  # the newest value seen of each scope
        self._last_seen = None  # what current() last answered
        self._next_attempt = 0.0
        self._reset()

    def _reset(self):
        self._listener = None  # the listening psycopg connection
        self._selector = None  # tells whether anything arrived on it, without waiting
        self._heartbeat_channel = None
        self._heartbeat_sent = None  # monotonic time of the heartbeat on its way, if any
        self._confirmed = None  # when the newest heartbeat that came back was sent
        self._awaiting_result = False  # the server's answer to our NOTIFY is still to be read

    def current(self) -> tuple[int, int] | None:
        """The public and workspace versions; None when unknown (the page is not cached).

        Raises DatabaseError when they cannot be read (the database is down)."""
        versions = self._current()
        if versions is not None:
            self._last_seen = versions
        return versions

    def last_seen(self) -> tuple[int, int] | None:
        """The versions current() last answered: what the newest stored pages were made for."""
        return self._last_seen

    def _current(self):
        if settings.TRACKER_PAGE_CACHE_LISTEN and connections[self.using].vendor == "postgresql":
            with self._lock:
                trusted = self._poll()
                if trusted:
                    return self._versions()
            versions = read_data_versions(self.using)
            if versions is None:
                return None
            with self._lock:
                for scope, version in zip(SCOPES, versions, strict=True):
                    self._saw(scope, version)
                return self._versions()
        return read_data_versions(self.using)

    @property
    def healthy(self) -> bool:
        """Whether pages are answered from notifications rather than a read of the counters."""
        with self._lock:
            return self._trusted(time.monotonic())

    def saw(self, scope: str, version: int):
        """Note a version this process bumped itself."""
        with self._lock:
            self._saw(scope, version)

    def close(self):
        """Stop listening and forget what was seen (a test's database is flushed between)."""
        with self._lock:
            self._close()
            self._known = dict.fromkeys(SCOPES, 0)
            self._last_seen = None
            self._next_attempt = 0.0

    def _saw(self, scope, version):
        # Reads and notifications may cross: a version never goes back.
        if version > self._known.get(scope, 0):
            self._known[scope] = version

    def _versions(self):
        return tuple(self._known[scope] for scope in SCOPES)

    def _trusted(self, now) -> bool:
        return (
            self._listener is not None
            and self._confirmed is not None
            and now - self._confirmed <= self.TRUST_SECONDS
        )

    def _close(self):
        if self._listener is not None:
            self._selector.close()
            self._listener.close()
        self._reset()

    def _poll(self) -> bool:
        """Take in what arrived and keep the heartbeat going; whether notifications count."""
        if self._pid != os.getpid():  # a forked child must not share its parent's socket
            self._reset()
            self._pid = os.getpid()
        if self._listener is None and not self._listen():
            return False
        now = time.monotonic()
        try:
            self._receive()
            if self._heartbeat_sent is not None:
                if now - self._heartbeat_sent > self.SILENT_SECONDS:
                    raise ListenerSilent(f"no heartbeat for {now - self._heartbeat_sent:.1f} s")
            elif now - self._confirmed >= self.HEARTBEAT_SECONDS and not self._awaiting_result:
                self._send_heartbeat(now)
        except (self._listener.Error, OSError, ValueError, ListenerSilent) as error:
            logger.warning("Lost the connection listening for data changes: %s", error)
            self._close()
            self._next_attempt = now + self.RETRY_SECONDS
            return False
        return self._trusted(now)

    def _receive(self):
        pgconn = self._listener.pgconn
        # A closed socket reads as ready; the consume_input() after that raises.
        while self._selector.select(timeout=0):
            pgconn.consume_input()
            while (notification := pgconn.notifies()) is not None:
                channel = notification.relname.decode()
                if channel == self._heartbeat_channel:
                    if self._heartbeat_sent is not None:
                        # Everything committed before this heartbeat went out has arrived.
                        self._confirmed = self._heartbeat_sent
                        self._heartbeat_sent = None
                    continue
                scope, _colon, version = notification.extra.decode().partition(":")
                if scope in self._known and version.isdigit():
                    self._saw(scope, int(version))
            while self._awaiting_result and not pgconn.is_busy():
                result = pgconn.get_result()
                if result is None:
                    self._awaiting_result = False
                elif result.error_message:
                    raise self._listener.Error(result.error_message.decode())
        # Whatever a slow network left unsent of the heartbeat.
        pgconn.flush()

    def _send_heartbeat(self, now):
        # Without waiting: a frozen connection would hold the request for as long as TCP lasts.
        self._listener.pgconn.send_query(f"NOTIFY {self._heartbeat_channel}".encode())
        self._heartbeat_sent = now
        self._awaiting_result = True

    def _listen(self) -> bool:
        if time.monotonic() < self._next_attempt:
            return False
        wrapper = connections.create_connection(self.using)
        try:
            wrapper.ensure_connection()
            listener = wrapper.connection
            listener.autocommit = True
            heartbeat_channel = f"{CHANNEL}_heartbeat_{listener.pgconn.backend_pid}"
            listener.execute(f"LISTEN {CHANNEL}")
            listener.execute(f"LISTEN {heartbeat_channel}")
            # From here on every bump arrives; the read covers those committed before.
            listening_since = time.monotonic()
            versions = read_data_versions(self.using)
        except (DatabaseError, wrapper.Database.Error) as error:
            logger.warning("Cannot listen for data changes: %s", error)
            self._next_attempt = time.monotonic() + self.RETRY_SECONDS
            if wrapper.connection is not None:
                wrapper.connection.close()
            return False
        if versions is None:  # a database without counters yet: try again later
            listener.close()
            self._next_attempt = time.monotonic() + self.RETRY_SECONDS
            return False
        for scope, version in zip(SCOPES, versions, strict=True):
            self._saw(scope, version)
        self._listener = listener
        self._heartbeat_channel = heartbeat_channel
        self._confirmed = listening_since  # LISTEN itself came back: alive until then
        self._selector = selectors.DefaultSelector()
        self._selector.register(listener.fileno(), selectors.EVENT_READ)
        return True


watcher = DataVersionWatcher()


def _note_own_bump(sender, scope, version, **kwargs):
    # This process need not wait for its own notification to come back.
    watcher.saw(scope, version)


bumped.connect(_note_own_bump, dispatch_uid="version-watcher-own-bumps")
