"""What each worker keeps for the current public data version: counts, and the parts of pages made
from them.

The overview, the organisation pages and the list's "N found" show counts over every commitment,
and the latest updates and a scorecard's overdue list read a few rows out of a million. Between two
changes they are the same for every visitor. So a worker keeps them in Django's cache with the
public data version (data_version.py) as the cache version: a change to anything public moves
the version, and the next page makes them again. What moves with the clock as well (overdue,
stale) is at most TRACKER_SUMMARY_CACHE_SECONDS old (60), as a shared proxy may keep the page
itself (conditional.py). 0 keeps nothing; the tests run so, but for test_kept_summaries.py.

Unlike the page cache, what is kept is shared by every address that shows it, in both languages
for the counts, and is not what makes a page cheap to render: a page's own rows are read and
rendered for each request.
"""

from django.conf import settings
from django.core.cache import cache

from .version_watcher import watcher


def public_version() -> int | None:
    """The current public data version, when summaries are kept and the version is known."""
    if not settings.TRACKER_SUMMARY_CACHE_SECONDS:
        return None
    versions = watcher.current()
    return versions[0] if versions else None


def kept(key: str, make):
    """make(), as this worker last made it for the current public data version."""
    version = public_version()
    if version is None:
        return make()
    return cache.get_or_set(key, make, settings.TRACKER_SUMMARY_CACHE_SECONDS, version=version)


def fragment_context() -> dict:
    """For a template's {% cache kept_seconds name … kept_for LANGUAGE_CODE %}: 0 seconds (kept
    for none) when nothing is kept."""
    version = public_version()
    return {
        "kept_for": version,
        "kept_seconds": settings.TRACKER_SUMMARY_CACHE_SECONDS if version is not None else 0,
    }
