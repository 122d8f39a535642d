"""The workspace's writes: each saves whole or not at all, checked again under a row lock.

A form carries the `version` of the row it was loaded from; `lock_version` refuses the save with
`EditConflict` when someone else saved in between, so the second of two editors never overwrites
the first. The state is checked after the lock, because it may have moved since the page loaded.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ProgressUpdate, Rehandling, Reply, Review, SatisfactionRating, User
from .permissions import EDITABLE_STATES


def _require_state(update, states, message):
    if update.state not in states:
        raise PermissionDenied(message)


@transaction.atomic
def update_save(
    *,
    update: ProgressUpdate,
    evidence_formset,
    author: User,
    version: int | None = None,
    submit: bool = False,
) -> ProgressUpdate:
    """Save a new or edited update with its evidence, and submit it for publication if asked."""
    if update.pk:
        update.lock_version(version)
        _require_state(update, EDITABLE_STATES, _("This update can no longer be edited."))
    else:
        update.author = author
        update.organisation = author.organisation
    update.save()
    evidence_formset.instance = update
    evidence_formset.save()
    if submit:
        update.submit()
    return update


@transaction.atomic
def update_submit(*, update: ProgressUpdate, version: int) -> ProgressUpdate:
    update.lock_version(version)
    _require_state(update, EDITABLE_STATES, _("This update can no longer be submitted."))
    update.submit()
    return update


@transaction.atomic
def update_publish(
    *, update: ProgressUpdate, by: User, update_version: int, commitment_version: int
) -> ProgressUpdate:
    """Publish a submitted update, provided neither it nor its commitment changed meanwhile."""
    update.lock_version(update_version)
    update.commitment.lock_version(commitment_version)
    _require_state(
        update, [ProgressUpdate.State.SUBMITTED], _("Only submitted updates can be published.")
    )
    update.publish(by=by)
    return update


@transaction.atomic
def update_return(
    *, update: ProgressUpdate, by: User, note: str, update_version: int
) -> ProgressUpdate:
    update.lock_version(update_version)
    _require_state(
        update, [ProgressUpdate.State.SUBMITTED], _("Only submitted updates can be returned.")
    )
    update.return_to_author(note=note, by=by)
    return update


@transaction.atomic
def review_save(*, update: ProgressUpdate, member: User, verdict: str, comment: str) -> Review:
    """A member's review of a published update; reviewing again replaces the earlier verdict."""
    review, _created = Review.objects.update_or_create(
        update=update, member=member, defaults={"verdict": verdict, "comment": comment}
    )
    return review


@transaction.atomic
def rating_save(
    *, reply: Reply, member: User, handling: str, outcome: str, comment: str
) -> tuple[SatisfactionRating, Rehandling | None]:
    """Record a member's rating; an outcome rated 不满意 opens the next reply round."""
    rating, _created = SatisfactionRating.objects.update_or_create(
        reply=reply,
        member=member,
        defaults={"handling": handling, "outcome": outcome, "comment": comment},
    )
    if outcome != SatisfactionRating.Level.DISSATISFIED:
        return rating, None
    latest_round = reply.proposal.replies.aggregate(latest=Max("round"))["latest"] or reply.round
    due_date = timezone.localdate() + datetime.timedelta(days=settings.TRACKER_REHANDLING_DAYS)
    # Several dissatisfied members open one round, not one each.
    rehandling, _created = Rehandling.objects.get_or_create(
        proposal=reply.proposal,
        round=latest_round + 1,
        defaults={"rating": rating, "due_date": due_date},
    )
    return rating, rehandling
