"""What each worker keeps for the current public data version: counts, and the parts of pages made
from them.

The overview, the organisation pages and the list's "N found" show counts over every commitment,
and the latest updates and a scorecard's overdue list read a few rows out of a million. Between two
changes they are the same for every visitor. So a worker keeps them in Django's cache with the
public data version (data_version.py) as the cache version: a change to anything public moves
the version, and the next page makes them again. What moves with the clock as well (overdue,
stale) is at most TRACKER_SUMMARY_CACHE_SECONDS old (60), as a shared proxy may keep the page
itself (conditional.py). 0 keeps nothing; the tests run so, but for test_kept_summaries.py.

The workspace's home is made of such lists too: what awaits the office, what is overdue, what a
bureau has in draft. They are the same for every account that sees the same scope (the office, the
staff of one bureau, one member) until something changes, so the counts and the lists are kept
for both data versions (public and workspace): a draft saved or a submission moves the second.
Forms are never kept, as they carry the visitor's own CSRF token.

Unlike the page cache, what is kept is shared by every address and account that shows it, in both
languages for the counts. On the public pages it is not what makes a page cheap to render: a
page's own rows are read and rendered for each request.
"""

from django.conf import settings
from django.core.cache import cache

from .version_watcher import watcher


def current_versions() -> tuple[int, int] | None:
    """The current (public, workspace) data versions, when summaries are kept and they are known."""
    if not settings.TRACKER_SUMMARY_CACHE_SECONDS:
        return None
    return watcher.current()


def kept(key: str, make, *, signed_in: bool = False):
    """make(), as this worker last made it for the current public data version.

    signed_in: what make() reads includes what only signed-in pages show (drafts, submissions),
    so it is kept for the workspace version as well.
    """
    versions = current_versions()
    if versions is None:
        return make()
    public, workspace = versions
    if signed_in:
        key = f"{key}@{workspace}"
    return cache.get_or_set(key, make, settings.TRACKER_SUMMARY_CACHE_SECONDS, version=public)


def fragment_context(*, signed_in: bool = False) -> dict:
    """For a template's {% cache kept_seconds name … kept_for LANGUAGE_CODE %}: 0 seconds (kept
    for none) when nothing is kept. signed_in: as for kept()."""
    versions = current_versions()
    if versions is None:
        return {"kept_for": None, "kept_seconds": 0}
    return {
        "kept_for": "{}.{}".format(*versions) if signed_in else versions[0],
        "kept_seconds": settings.TRACKER_SUMMARY_CACHE_SECONDS,
    }
