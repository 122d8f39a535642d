"""Every change to the record, one function each: who may (permissions.py) and what state allows.

The workspace views, the admin's forms and actions and the management commands all call these;
no model method changes a state on its own. Each saves whole or not at all.

A form carries the `version` of the row it was loaded from; `lock_version` refuses the save with
`EditConflict` when someone else saved in between, so the second of two editors never overwrites
the first. Permission and state are checked after the lock, because they may have moved since
the page loaded. A caller without a version (an admin action over a selection) locks the row as it
is now.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Commitment,
    ProgressUpdate,
    Proposal,
    Rehandling,
    Reply,
    Review,
    SatisfactionRating,
    User,
)
from .permissions import (
    EDITABLE_STATES,
    can_correct_commitment,
    can_correct_reply,
    can_decide_updates,
    can_import_for,
    can_rate_replies,
    can_review_update,
    can_set_original_target_date,
    can_write_update,
    require,
    works_on_update,
)


def _require_state(update, states, message):
    if update.state not in states:
        raise PermissionDenied(message)


def _submit(update: ProgressUpdate) -> None:
    update.full_clean()
    update.check_proof()
    update.state = ProgressUpdate.State.SUBMITTED
    update.submitted_at = timezone.now()
    update.save()


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
        require(works_on_update(author, update), _("Only your organisation's own updates."))
        _require_state(update, EDITABLE_STATES, _("This update can no longer be edited."))
    else:
        require(
            can_write_update(author, update.commitment),
            _("Only staff of a responsible organisation write its updates."),
        )
        update.author = author
        update.organisation = author.organisation
    update.save()
    evidence_formset.instance = update
    evidence_formset.save()
    if submit:
        _submit(update)
    return update


@transaction.atomic
def update_submit(*, update: ProgressUpdate, by: User, version: int | None) -> ProgressUpdate:
    update.lock_version(version)
    require(works_on_update(by, update), _("Only your organisation's own updates."))
    _require_state(update, EDITABLE_STATES, _("This update can no longer be submitted."))
    _submit(update)
    return update


@transaction.atomic
def update_publish(
    *,
    update: ProgressUpdate,
    by: User,
    update_version: int | None = None,
    commitment_version: int | None = None,
) -> Commitment:
    """Publish a submitted update and move its commitment to the status and progress it records.

    Refused when either the update or its commitment changed since the versions given.
    """
    update.lock_version(update_version)
    require(can_decide_updates(by), _("Only the supervising office publishes updates."))
    _require_state(
        update, [ProgressUpdate.State.SUBMITTED], _("Only submitted updates can be published.")
    )
    commitment = Commitment.objects.select_for_update().get(pk=update.commitment_id)
    if commitment_version is not None:
        commitment.lock_version(commitment_version)
    update.commitment = commitment
    update.full_clean()
    update.check_proof()
    update.status_before = commitment.status
    commitment.status = update.status
    commitment.progress = update.progress
    if update.new_target_date:
        # A revision moves the current date only: the original stays the letter's promise.
        commitment.current_target_date = update.new_target_date
    now = timezone.now()
    commitment.last_published_at = now
    commitment._moved_by_update = True
    commitment.save()
    update.state = ProgressUpdate.State.PUBLISHED
    update.published_at = now
    update.published_by = by
    update.save()
    if commitment.parent_id:
        commitment.parent.recompute_from_children()
    if update.status_before != update.status:
        from .notifications import notify_followers

        update_id = update.pk
        transaction.on_commit(lambda: notify_followers(update_id))
    return commitment


@transaction.atomic
def update_return(
    *, update: ProgressUpdate, by: User, note: str, update_version: int | None = None
) -> ProgressUpdate:
    update.lock_version(update_version)
    require(can_decide_updates(by), _("Only the supervising office returns updates."))
    _require_state(
        update, [ProgressUpdate.State.SUBMITTED], _("Only submitted updates can be returned.")
    )
    if not note.strip():
        raise PermissionDenied(_("Write a note when returning an update."))
    update.state = ProgressUpdate.State.RETURNED
    update.return_note = note
    update.save()
    return update


@transaction.atomic
def review_save(*, update: ProgressUpdate, member: User, verdict: str, comment: str) -> Review:
    """A member's review of a published update; reviewing again replaces the earlier verdict."""
    require(can_review_update(member, update), _("Committee members review published updates."))
    review, _created = Review.objects.update_or_create(
        update=update, member=member, defaults={"verdict": verdict, "comment": comment}
    )
    return review


@transaction.atomic
def rating_save(
    *, reply: Reply, member: User, handling: str, outcome: str, comment: str
) -> tuple[SatisfactionRating, Rehandling | None]:
    """Record a member's rating; an outcome rated 不满意 opens the next reply round."""
    require(can_rate_replies(member), _("Committee members rate replies."))
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


def _may_correct(user: User, record) -> bool:
    if isinstance(record, Reply):
        if record.pk is None:
            return can_import_for(user, record.organisation)
        return can_correct_reply(user, record)
    if isinstance(record, Commitment):
        return can_correct_commitment(user, record)
    # Proposals, sessions and organisations are the office's to keep.
    return user.is_authenticated and user.is_office


@transaction.atomic
def record_correct(*, record: Reply | Commitment | Proposal, by: User, version: int | None, save):
    """Save a correction of what an import read (reply, commitment, proposal), kept in history.

    `save` writes the row and its relations (a form's `save`, or the admin's); it runs only once
    the row is locked, unchanged since `version`, and the user may correct it.
    """
    if record.pk is not None:
        loaded_original = getattr(record, "_loaded", {}).get("original_target_date")
        record.lock_version(version)
        if isinstance(record, Commitment) and loaded_original is None:
            require(
                record.original_target_date is None or can_set_original_target_date(by),
                _("The original target date comes from the letter or the office."),
            )
    require(_may_correct(by, record), _("You may correct only your organisation's records."))
    save()
    return record
