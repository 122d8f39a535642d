"""The data version: one counter that moves whenever anything a page shows changes.

The page cache (page_cache.py) keys every stored page by it. Writers bump it in the same
transaction as their change, so a reader either sees the old version and the old rows, or the new
version and the new rows: a page rendered from new rows may be stored under the old version (no
harm: nobody reads that version once the new one is committed), but never the reverse.

Saves and deletes of the models below bump it through signals. Writes that skip signals —
QuerySet.update(), bulk_create(), raw SQL, COPY — must call `bump_data_version()` themselves,
inside the same transaction.

Reading the counter costs a query per request: two thirds of the time of a cached page. On
PostgreSQL a bump also sends NOTIFY, which arrives only once the transaction has committed; each
worker LISTENs on a connection of its own and counts what arrives (`DataVersionWatcher`), which
costs a poll of a socket instead. Elsewhere, or when that connection is lost, pages fall back to
reading the counter.
"""

import logging
import os
import selectors
import threading
import time

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)


class DataVersion(models.Model):
    """A counter bumped in the same transaction as every change the public or workspace pages
    show; cached pages are keyed by it."""

    # Internal bookkeeping, shown nowhere: no translated labels.
    version = models.BigIntegerField("data version", default=0)

    class Meta:
        verbose_name = "data version"
        verbose_name_plural = "data version"

    def __str__(self):
        return str(self.version)


TABLE = "commitments_dataversion"
CHANNEL = "tracker_data_version"
READ = f"SELECT version FROM {TABLE} WHERE id = 1"
# An upsert, so that a database emptied by a test's flush gets its counter back.
BUMP = (
    f"INSERT INTO {TABLE} (id, version) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET version = {TABLE}.version + 1"
)

# Everything the public pages, the workspace or the admin changelists show, including the users
# and groups that decide what a signed-in user sees. Not django.contrib.sessions' rows: the page
# cache keys signed-in pages by session and checks the session before serving one.
TRACKED_MODELS = [
    "commitments.Organisation",
    "commitments.Session",
    "commitments.Proposal",
    "commitments.Reply",
    "commitments.Measure",
    "commitments.Commitment",
    "commitments.ProgressUpdate",
    "commitments.Evidence",
    "commitments.Review",
    "commitments.SatisfactionRating",
    "commitments.Rehandling",
    "commitments.Follow",
    settings.AUTH_USER_MODEL,
    "auth.Group",
]
M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}


def read_data_version(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The current version; None when the counter row is missing (a freshly flushed database)."""
    with connections[using].cursor() as cursor:
        cursor.execute(READ)
        row = cursor.fetchone()
    return row[0] if row else None


def bump_data_version(using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the version on; call it inside the transaction that changes the data."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(BUMP)
        if connection.vendor == "postgresql":
            cursor.execute(f"NOTIFY {CHANNEL}")
    # This process need not wait for its own notification to come back.
    transaction.on_commit(watcher.changed, using=using)


def _bump_on_change(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    bump_data_version(using)


def _bump_on_m2m_change(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in M2M_ACTIONS:
        bump_data_version(using)


def connect_signals() -> None:
    """Bump the version on every save and delete of a tracked model (AppConfig.ready)."""
    # Per model rather than for every sender: a post_delete receiver on a model turns off
    # Django's fast bulk delete for it, which models nobody shows should keep.
    for label in TRACKED_MODELS:
        model = apps.get_model(label)
        uid = f"data-version-{label}"
        post_save.connect(_bump_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_bump_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _bump_on_m2m_change,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )


class DataVersionWatcher:
    """The data version as one worker process sees it, without a query per request."""

    RETRY_SECONDS = 10  # between attempts to open the listening connection

    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.using = using
        self._lock = threading.Lock()
        self._listener = None  # the listening psycopg connection
        self._selector = None  # tells whether anything arrived on it, without waiting
        self._pid = None
        self._generation = 0
        self._next_attempt = 0.0

    def current(self):
        """A value that differs whenever the data may have changed; None when unknown."""
        if settings.TRACKER_PAGE_CACHE_LISTEN and connections[self.using].vendor == "postgresql":
            with self._lock:
                generation = self._poll()
            if generation is not None:
                return ("notified", generation)
        version = read_data_version(self.using)
        return None if version is None else ("read", version)

    def changed(self):
        with self._lock:
            self._generation += 1

    def close(self):
        with self._lock:
            self._close()

    def _close(self):
        if self._listener is not None:
            self._selector.close()
            self._listener.close()
            self._listener = self._selector = None

    def _poll(self):
        if self._pid != os.getpid():  # a forked child must not share its parent's socket
            self._listener = self._selector = None
            self._pid = os.getpid()
        if self._listener is None and not self._listen():
            return None
        pgconn = self._listener.pgconn
        try:
            # A closed socket reads as ready; the consume_input() after that raises.
            while self._selector.select(timeout=0):
                pgconn.consume_input()
                while pgconn.notifies() is not None:
                    self._generation += 1
        except (self._listener.Error, OSError, ValueError) as error:
            logger.warning("Lost the connection listening for data changes: %s", error)
            self._close()
            return None
        return self._generation

    def _listen(self) -> bool:
        if time.monotonic() < self._next_attempt:
            return False
        wrapper = connections.create_connection(self.using)
        try:
            wrapper.ensure_connection()
            listener = wrapper.connection
            listener.autocommit = True
            listener.execute(f"LISTEN {CHANNEL}")
        except (DatabaseError, wrapper.Database.Error) as error:
            logger.warning("Cannot listen for data changes: %s", error)
            self._next_attempt = time.monotonic() + self.RETRY_SECONDS
            if wrapper.connection is not None:
                wrapper.connection.close()
            return False
        # What changed while nobody listened went unnoticed: start a generation of its own.
        self._generation += 1
        self._listener = listener
        self._selector = selectors.DefaultSelector()
        self._selector.register(listener.fileno(), selectors.EVENT_READ)
        return True


watcher = DataVersionWatcher()
