"""Atom feeds of published progress updates (to be written: issue 4)."""

from django.contrib.syndication.views import Feed


class PublishedUpdatesFeed(Feed):
    pass


class CommitmentUpdatesFeed(Feed):
    pass
