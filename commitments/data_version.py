"""Data versions: counters that move after every change a page shows, one per scope.

- `public`: what anonymous visitors can see — proposals, replies, measures, commitments,
  organisations, sessions, published progress updates and their evidence, the reviews and query
  threads on them (a published update shows that a query was raised and answered), and the
  ratings and re-handling rounds that the year's public report counts.
- `workspace`: what only signed-in pages show — drafts, submitted and returned updates and their
  evidence, follows, users and groups.

The page cache (page_cache.py) keys public pages by the public version and signed-in pages by
both, so a draft or a follow empties no public page. A sign-in (a save of a user that
changes only `last_login`) moves neither.

A bump runs after the writing transaction has committed, never inside it
------------------------------------------------------------------------
A counter row bumped inside the writing transaction stays locked until that transaction ends:
every write then waits for every other open write, and two writes that lock their own rows in
different orders deadlock through the counter (an `import_reply --update` against a publish on
the same reply did). So a write only asks for a bump, with `transaction.on_commit`; once it has
committed, one short autocommit statement per scope moves the counter and, on PostgreSQL, sends
NOTIFY with the new value. The writing transaction takes no shared lock at all. A bump statement
locks one counter row for the time of one single-row upsert and holds nothing else, so bumps can
only queue for a moment, never deadlock.

Why a page can never be stored under a version newer than its rows: the new version exists only
after the write has committed, so a request that sees it (by reading the counter or by the
notification) renders from queries that start later and see the new rows. A request that saw
the old version may render the new rows and store them under the old version: no harm, nobody
asks for the old version once the new one is visible. The price is a short window between the
commit and the bump (a few milliseconds) in which a visitor may still get the page stored before
the change; should the process die in that window, until TRACKER_PAGE_CACHE_SECONDS.

A sequence was considered: nextval() never blocks either, but it gives no order between the
counter and the rows unless it too runs after the commit, SQLite has none, and NOTIFY still needs
a statement of its own. The counter rows do the same with one code path for both databases.

Saves and deletes of the models below bump through signals. Writes that skip signals —
QuerySet.update(), bulk_create(), raw SQL, COPY — must call `bump_data_version()` themselves,
anywhere in their transaction (or after it).
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

PUBLIC = "public"
WORKSPACE = "workspace"
SCOPES = (PUBLIC, WORKSPACE)


class DataVersion(models.Model):
    """A counter bumped after every change of its scope; cached pages are keyed by it."""

    # Internal bookkeeping, shown nowhere: no translated labels.
    scope = models.CharField("scope", max_length=20, primary_key=True)
    version = models.BigIntegerField("data version", default=0)

    class Meta:
        verbose_name = "data version"
        verbose_name_plural = "data versions"

    def __str__(self):
        return f"{self.scope} {self.version}"


TABLE = "commitments_dataversion"
CHANNEL = "tracker_data_version"
READ = f"SELECT scope, version FROM {TABLE}"
# An upsert, so that a database emptied by a test's flush gets its counters back.
UPSERT = (
    f"INSERT INTO {TABLE} (scope, version) VALUES (%s, 1) "
    f"ON CONFLICT (scope) DO UPDATE SET version = {TABLE}.version + 1 RETURNING version"
)
# One statement, so the notification goes out exactly when the new value commits.
UPSERT_AND_NOTIFY = (
    f"WITH bumped AS ({UPSERT}) "
    f"SELECT version, pg_notify('{CHANNEL}', %s::text || ':' || version::text) FROM bumped"
)

# Models every change of which is public.
PUBLIC_MODELS = [
    "commitments.Organisation",
    "commitments.Session",
    "commitments.Proposal",
    "commitments.Reply",
    "commitments.Measure",
    "commitments.Commitment",
    # Counted by the public handling report (reports.py): satisfaction and re-handling rounds.
    "commitments.SatisfactionRating",
    "commitments.Rehandling",
    # A published update shows the queries raised on it and whether they were answered.
    "commitments.Review",
    "commitments.ReviewMessage",
]
# Models only signed-in pages show, including the users and groups that decide what a signed-in
# user sees. Not django.contrib.sessions' rows: the page cache keys signed-in pages by session
# and checks the session before serving one.
WORKSPACE_MODELS = [
    "commitments.Follow",
    # Which proposals are a member's own: their workspace lists them and their replies to rate.
    "commitments.Proposer",
    settings.AUTH_USER_MODEL,
    "auth.Group",
]
# Public once published (see scope_of).
STATEFUL_MODELS = ["commitments.ProgressUpdate", "commitments.Evidence"]
M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}

# Sent with `scope` and `version` after each bump this process makes (version_watcher.py).
bumped = Signal()


def read_data_versions(using: str = DEFAULT_DB_ALIAS) -> tuple[int, int] | None:
    """The public and workspace versions; None when a counter is missing (a flushed database)."""
    with connections[using].cursor() as cursor:
        cursor.execute(READ)
        versions = dict(cursor.fetchall())
    if not all(scope in versions for scope in SCOPES):
        return None
    return tuple(versions[scope] for scope in SCOPES)


def bump_data_version(using: str = DEFAULT_DB_ALIAS, *, scope: str = PUBLIC) -> None:
    """Move a scope's version on once the current transaction commits (at once outside one).

    The default, public, also refreshes every signed-in page: they are keyed by both scopes.
    """
    if scope not in SCOPES:
        raise ValueError(f"Unknown data version scope: {scope!r}")
    connection = connections[using]
    pending = getattr(connection, "_pending_data_version_bump", None)
    # One bump per scope and transaction, however many rows it writes. A rolled-back
    # transaction discards its callbacks; only a callback still queued can take more scopes.
    if pending is not None and any(entry[1] is pending for entry in connection.run_on_commit):
        pending.scopes.add(scope)
        return
    pending = PendingBump(using, scope)
    connection._pending_data_version_bump = pending
    # Robust: the write has committed by then; a failed bump must not turn it into an error
    # page. The pages it leaves stale expire after TRACKER_PAGE_CACHE_SECONDS.
    transaction.on_commit(pending, using=using, robust=True)


class PendingBump:
    """The scopes a transaction changed, bumped once it has committed."""

    def __init__(self, using: str, scope: str):
        self.using = using
        self.scopes = {scope}

    def __call__(self):
        connection = connections[self.using]
        if getattr(connection, "_pending_data_version_bump", None) is self:
            connection._pending_data_version_bump = None
        # In a fixed order, each scope in a statement (and so a transaction) of its own.
        for scope in (scope for scope in SCOPES if scope in self.scopes):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(UPSERT_AND_NOTIFY, [scope, scope])
                else:
                    cursor.execute(UPSERT, [scope])
                version = cursor.fetchone()[0]
            bumped.send(sender=DataVersion, scope=scope, version=version)


def scope_of(instance) -> str:
    """Which scope a saved or deleted row belongs to."""
    meta = instance._meta
    if meta.label == "commitments.ProgressUpdate":
        update = instance
    elif meta.label == "commitments.Evidence":
        try:
            update = instance.update
        except ObjectDoesNotExist:  # deleted along with its update
            return PUBLIC
    else:
        return PUBLIC if meta.label in PUBLIC_MODELS else WORKSPACE
    # `published_at` stays set should an update ever leave the published state again.
    published = update.state == "published" or update.published_at is not None
    return PUBLIC if published else WORKSPACE


def _bump_on_save(sender, instance, using=DEFAULT_DB_ALIAS, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in: nothing any page shows
    bump_data_version(using, scope=scope_of(instance))


def _bump_on_delete(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    bump_data_version(using, scope=scope_of(instance))


def _m2m_receiver(scope):
    def bump_on_m2m_change(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
        if action in M2M_ACTIONS:
            bump_data_version(using, scope=scope)

    return bump_on_m2m_change


def connect_signals() -> None:
    """Bump a version on every save and delete of a tracked model (AppConfig.ready)."""
    # Per model rather than for every sender: a post_delete receiver on a model turns off
    # Django's fast bulk delete for it, which models nobody shows should keep.
    for label in PUBLIC_MODELS + WORKSPACE_MODELS + STATEFUL_MODELS:
        model = apps.get_model(label)
        uid = f"data-version-{label}"
        post_save.connect(_bump_on_save, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_bump_on_delete, sender=model, dispatch_uid=f"{uid}-delete")
        scope = PUBLIC if label in PUBLIC_MODELS else WORKSPACE
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_receiver(scope),
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
                weak=False,
            )
