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
    Follow,
    ProgressUpdate,
    Proposal,
    Proposer,
    Rehandling,
    Reply,
    Review,
    ReviewMessage,
    SatisfactionRating,
    User,
)
from .notices import KIND_KEYS
from .notifications import notify
from .permissions import (
    EDITABLE_STATES,
    can_answer_query,
    can_change_profile,
    can_correct_commitment,
    can_correct_reply,
    can_decide_updates,
    can_follow_up_query,
    can_import_for,
    can_link_proposers,
    can_publish_query,
    can_rate_reply,
    can_review_update,
    can_set_original_target_date,
    can_split_commitment,
    can_write_update,
    require,
    works_on_update,
)
from .subtargets import parent_roll_up, roll_up


def _require_state(update, states, message):
    if update.state not in states:
        raise PermissionDenied(message)


def _submit(update: ProgressUpdate) -> None:
    update.full_clean()
    update.check_proof()
    update.state = ProgressUpdate.State.SUBMITTED
    update.submitted_at = timezone.now()
    update.save()
    notify("update_submitted", update.pk)


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
    # A sub-target's parent moves with it: lock the parent first, as the sub-target writes do.
    parent_id = Commitment.objects.values_list("parent", flat=True).get(pk=update.commitment_id)
    commitments = Commitment.objects.select_for_update()
    parent = commitments.get(pk=parent_id) if parent_id else None
    commitment = commitments.get(pk=update.commitment_id)
    if commitment_version is not None:
        commitment.lock_version(commitment_version)
    update.commitment = commitment
    if commitment.rolls_up():
        # A parent's status and progress are its sub-targets' (subtargets.py), whatever was typed.
        summary = roll_up(commitment.children.all())
        update.status, update.progress = summary.status, summary.progress
    update.full_clean()
    update.check_proof()
    update.status_before = commitment.status
    update.progress_before = commitment.progress
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
    if parent is not None:
        parent_roll_up(parent, published_at=now)
    notify("update_published", update.pk)
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
    notify("update_returned", update.pk)
    return update


@transaction.atomic
def review_save(*, update: ProgressUpdate, member: User, verdict: str, comment: str) -> Review:
    """A member's review of a published update; reviewing again replaces the earlier verdict.

    A query (存疑, 需补充) opens a thread for the bureau to answer; a changed query opens it again.
    """
    require(can_review_update(member, update), _("Committee members review published updates."))
    review, created = Review.objects.get_or_create(
        update=update, member=member, defaults={"verdict": verdict, "comment": comment}
    )
    if not created:
        review = Review.objects.select_for_update().get(pk=review.pk)
        if (review.verdict, review.comment) == (verdict, comment):
            return review
        review.verdict, review.comment = verdict, comment
        review.answered_at = review.resolved_at = None
        review.save()
    if review.is_query:
        notify("update_queried", review.pk)
    return review


def _locked_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("update__commitment")
        .get(pk=review.pk)
    )


@transaction.atomic
def query_answer(
    *, review: Review, by: User, text: str, follow_up: ProgressUpdate | None = None
) -> ReviewMessage:
    """The bureau answers a member's query, in words and perhaps with a newer update of its own."""
    review = _locked_review(review)
    require(can_answer_query(by, review), _("Only the bureau that wrote the update answers."))
    if follow_up is not None and not (
        follow_up.commitment_id == review.update.commitment_id
        and follow_up.organisation_id == by.organisation_id
        and follow_up.state != ProgressUpdate.State.DRAFT
    ):
        raise PermissionDenied(_("Point only to your own submitted or published updates."))
    answer = ReviewMessage.objects.create(
        review=review, author=by, organisation=by.organisation, text=text, follow_up=follow_up
    )
    review.answered_at = answer.created_at
    review.save(update_fields=["answered_at"])
    notify("query_answered", answer.pk)
    return answer


@transaction.atomic
def query_follow_up(*, review: Review, by: User, text: str) -> ReviewMessage:
    """The member writes again: the query waits for the bureau's answer once more."""
    review = _locked_review(review)
    require(can_follow_up_query(by, review), _("Only the member who raised the query."))
    message = ReviewMessage.objects.create(review=review, author=by, text=text)
    review.answered_at = None
    review.save(update_fields=["answered_at"])
    notify("update_queried", review.pk)
    return message


@transaction.atomic
def query_resolve(*, review: Review, by: User) -> Review:
    review = _locked_review(review)
    require(can_follow_up_query(by, review), _("Only the member who raised the query."))
    review.resolved_at = timezone.now()
    review.save(update_fields=["resolved_at"])
    return review


@transaction.atomic
def query_publish(*, review: Review, by: User) -> Review:
    """The office makes the exchange public: the messages written until now, never later ones."""
    review = _locked_review(review)
    require(can_publish_query(by, review), _("Only the office publishes an answered query."))
    review.exchange_published_at = timezone.now()
    review.save(update_fields=["exchange_published_at"])
    return review


@transaction.atomic
def rating_save(
    *, reply: Reply, member: User, handling: str, outcome: str, comment: str
) -> tuple[SatisfactionRating, Rehandling | None]:
    """Record a member's rating; an outcome rated 不满意 opens the next reply round."""
    require(can_rate_reply(member, reply), _("Committee members rate replies."))
    rating, _created = SatisfactionRating.objects.update_or_create(
        reply=reply,
        member=member,
        defaults={"handling": handling, "outcome": outcome, "comment": comment},
    )
    notify("reply_rated", rating.pk)
    if outcome != SatisfactionRating.Level.DISSATISFIED:
        return rating, None
    latest_round = reply.proposal.replies.aggregate(latest=Max("round"))["latest"] or reply.round
    due_date = timezone.localdate() + datetime.timedelta(days=settings.TRACKER_REHANDLING_DAYS)
    # Several dissatisfied members open one round, not one each.
    rehandling, created = Rehandling.objects.get_or_create(
        proposal=reply.proposal,
        round=latest_round + 1,
        defaults={"rating": rating, "due_date": due_date},
    )
    if created:
        notify("rehandling_opened", rehandling.pk)
    return rating, rehandling


@transaction.atomic
def subtarget_create(
    *, parent: Commitment, by: User, title: str, text: str, weight: int
) -> Commitment:
    """Split off a sub-target: the bureau's own breakdown, filed after the letter's commitments.

    It takes the parent's bureaus and target dates (the letter's, for the parent) and starts
    unassessed; the parent rolls up from its sub-targets once one of them is published.
    """
    # The reply first, as the importer locks it: two splits must not take the same position.
    list(Reply.objects.select_for_update().filter(pk=parent.reply_id).values_list("pk"))
    parent.lock_version()
    require(can_split_commitment(by, parent), _("Only the lead bureau splits its commitments."))
    last = Commitment.objects.filter(reply=parent.reply_id).aggregate(last=Max("position"))
    child = Commitment(
        reply_id=parent.reply_id,
        parent=parent,
        position=(last["last"] or 0) + 1,
        title=title,
        promised_text=text,
        weight=weight,
        lead_organisation_id=parent.lead_organisation_id,
        original_target_date=parent.original_target_date,
        current_target_date=parent.current_target_date,
    )
    child.save()
    child.co_organisations.set(parent.co_organisations.all())
    parent_roll_up(parent)
    return child


@transaction.atomic
def subtargets_weigh(*, parent: Commitment, by: User, weights: dict[int, int]) -> None:
    """Set the sub-targets' weights, and the parent's progress from them."""
    parent.lock_version()
    require(can_split_commitment(by, parent), _("Only the lead bureau splits its commitments."))
    for child in parent.children.select_for_update().order_by("position"):
        if child.pk in weights and weights[child.pk] != child.weight:
            child.weight = weights[child.pk]
            child.save(update_fields=["weight", "updated_at"])
    parent_roll_up(parent)


@transaction.atomic
def profile_save(*, user: User, by: User, muted: list[str]) -> User:
    """The kinds of email a user turned off (notices.py)."""
    require(can_change_profile(by, user), _("You may change only your own profile."))
    user.muted_notices = sorted(set(muted) & KIND_KEYS)
    user.save(update_fields=["muted_notices"])
    return user


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


def member_candidates(name: str):
    """Active members who file under this name (their `filing_names`, or their full name)."""
    members = User.objects.filter(role=User.Role.MEMBER, is_active=True).order_by("pk")
    return [m for m in members if name in (m.filing_names or []) or name == m.display_name()]


@transaction.atomic
def proposers_match(*, proposal: Proposal) -> list[Proposer]:
    """One link per name as written; a name that exactly one member files under is proposed
    as that member, for the office to confirm. Confirmed links are never changed here."""
    links = []
    for name in proposal.proposers or []:
        link, _created = Proposer.objects.get_or_create(proposal=proposal, name=name)
        if link.confirmed_at is None:
            candidates = member_candidates(name)
            link.member = candidates[0] if len(candidates) == 1 else None
            link.save(update_fields=["member"])
        links.append(link)
    return links


@transaction.atomic
def proposer_confirm(*, link: Proposer, member: User, by: User) -> Proposer:
    """The office confirms (or picks) the member a proposer's name stands for; the member
    then rates the proposal's replies and follows its commitments."""
    require(can_link_proposers(by), _("Only the office links proposers to members."))
    if not (member.is_member and member.is_active):
        raise PermissionDenied(_("Only an active committee member can be a proposer."))
    link = Proposer.objects.select_for_update().get(pk=link.pk)
    link.member, link.confirmed_at = member, timezone.now()
    link.save(update_fields=["member", "confirmed_at"])
    proposers_follow(proposal=link.proposal)
    return link


def proposers_follow(*, proposal: Proposal) -> None:
    """Confirmed proposers follow every commitment of their proposal (email on publication)."""
    links = Proposer.objects.confirmed().filter(proposal=proposal)
    members = links.values_list("member", flat=True)
    commitments = Commitment.objects.filter(reply__proposal=proposal).values_list("pk", flat=True)
    Follow.objects.bulk_create(
        [Follow(user_id=m, commitment_id=c) for m in set(members) for c in commitments],
        ignore_conflicts=True,
    )
