"""Atom feeds of published progress updates: all of them, and one commitment's.

Only published updates appear (DESIGN rule 1); the newest come first, by publication time.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Commitment, ProgressUpdate

ITEMS_PER_FEED = 50
# The `updated` date of a feed with no entry yet: any fixed date will do.
NOTHING_PUBLISHED_YET = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class StableAtom1Feed(Atom1Feed):
    """Django's Atom feed, except that a feed without entries is not `updated` at the moment of
    asking: then it would change every second, and a feed reader polling a commitment nothing
    has been published on yet would never get its 304 (conditional.py)."""

    def latest_post_date(self):
        if not self.items:
            return NOTHING_PUBLISHED_YET
        return super().latest_post_date()


def published_updates():
    return (
        ProgressUpdate.objects.published()
        .filter(commitment__in=Commitment.objects.public())
        .select_related("commitment", "organisation")
        .prefetch_related("evidence")
        .order_by("-published_at", "-id")
    )


class PublishedUpdatesFeed(Feed):
    feed_type = StableAtom1Feed
    description_template = "commitments/feeds/update_description.html"

    def title(self):
        return _("Commitment Tracker: published progress updates")

    def subtitle(self):
        return _("What government bureaus have delivered on the promises in their reply letters.")

    def link(self):
        return reverse("commitments:overview")

    def items(self):
        return published_updates()[:ITEMS_PER_FEED]

    def item_title(self, update):
        return _("%(commitment)s: %(status)s (%(progress)s%%)") % {
            "commitment": update.commitment.title,
            "status": update.get_status_display(),
            "progress": update.progress,
        }

    def item_link(self, update):
        return update.get_absolute_url()

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return update.published_at

    def item_author_name(self, update):
        return update.organisation.name if update.organisation else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Feed readers resolve no relative links: evidence files need the full address.
        context["site_url"] = kwargs["request"].build_absolute_uri("/").rstrip("/")
        return context


class CommitmentUpdatesFeed(PublishedUpdatesFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Commitment.objects.public(), pk=pk)

    def title(self, commitment):
        return _("Progress on “%(commitment)s”") % {"commitment": commitment.title}

    def subtitle(self, commitment):
        return commitment.public_promised_text

    def link(self, commitment):
        return commitment.get_absolute_url()

    def items(self, commitment):
        return published_updates().filter(commitment=commitment)[:ITEMS_PER_FEED]
