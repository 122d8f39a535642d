"""Who may do what (DESIGN.md "Who uses it" and rule 4), decided here only.

Every path asks these functions: the workspace views (to offer and to refuse), the write functions
in `workflow.py` and `importing.py` (which check again, under a row lock, so a page that was
right when it loaded cannot act on stale state), and the admin (`admin.py`), which is the
office's and the superusers' tool alone.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from .models import ProgressUpdate

# The author's side may change an update only before the office has it, or after it came back.
EDITABLE_STATES = (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED)


def has_workspace_role(user) -> bool:
    return user.is_authenticated and (user.is_office or user.is_bureau_staff or user.is_member)


def can_use_admin(user) -> bool:
    """`/admin/` is the supervising office's and the superusers' tool, nobody else's."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_office))


def responsible_organisation_ids(commitment) -> set[int]:
    """The lead and co-handling organisations, read once per commitment object."""
    if not hasattr(commitment, "_responsible_ids"):
        co_ids = commitment.co_organisations.values_list("pk", flat=True)
        commitment._responsible_ids = {commitment.lead_organisation_id, *co_ids}
    return commitment._responsible_ids


def _is_staff_of(user, organisation_id) -> bool:
    return (
        user.is_authenticated
        and user.is_bureau_staff
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )


def acts_for(user, commitment) -> bool:
    """Bureau staff act only on commitments their organisation leads or co-handles."""
    return (
        user.is_authenticated
        and user.is_bureau_staff
        and user.organisation_id is not None
        and user.organisation_id in responsible_organisation_ids(commitment)
    )


def can_write_update(user, commitment) -> bool:
    return acts_for(user, commitment)


def works_on_update(user, update) -> bool:
    """Staff of the organisation that wrote the update, still responsible for its commitment."""
    return acts_for(user, update.commitment) and update.organisation_id == user.organisation_id


def can_edit_update(user, update) -> bool:
    return works_on_update(user, update) and update.state in EDITABLE_STATES


def can_decide_updates(user) -> bool:
    """The supervising office publishes or returns submitted updates."""
    return user.is_authenticated and user.is_office


def can_decide_update(user, update) -> bool:
    return can_decide_updates(user) and update.state == ProgressUpdate.State.SUBMITTED


def can_review_updates(user) -> bool:
    return user.is_authenticated and user.is_member


def can_review_update(user, update) -> bool:
    """Members review what the public sees: published updates."""
    return can_review_updates(user) and update.state == ProgressUpdate.State.PUBLISHED


def can_rate_replies(user) -> bool:
    return user.is_authenticated and user.is_member


def can_rate_reply(user, reply) -> bool:
    """Only the proposal's own proposers (confirmed links) rate its reply (满意度测评)."""
    return can_rate_replies(user) and reply.proposal.is_proposed_by(user)


def can_link_proposers(user) -> bool:
    """The office confirms which member a proposer's name stands for."""
    return user.is_authenticated and user.is_office


def handles_proposal(user, proposal) -> bool:
    """Staff of the lead or a co-handling organisation, or of one that replied to it."""
    if not (user.is_authenticated and user.is_bureau_staff and user.organisation_id):
        return False
    organisation_id = user.organisation_id
    return (
        proposal.lead_organisation_id == organisation_id
        or proposal.co_organisations.filter(pk=organisation_id).exists()
        or proposal.replies.filter(organisation_id=organisation_id).exists()
    )


def can_reply_to_rehandling(user, rehandling) -> bool:
    """File the reply of a re-handling round: the bureaus handling the proposal, or the office."""
    if rehandling.closed_at is not None:
        return False
    return user.is_authenticated and (user.is_office or handles_proposal(user, rehandling.proposal))


def can_answer_query(user, review) -> bool:
    """Staff of the organisation that wrote the queried update answer while it is unresolved."""
    return review.is_query and review.resolved_at is None and works_on_update(user, review.update)


def can_follow_up_query(user, review) -> bool:
    """The member who raised a query writes again, or marks it resolved, until it is resolved."""
    return (
        user.is_authenticated
        and review.is_query
        and review.resolved_at is None
        and review.member_id == user.pk
    )


def can_publish_query(user, review) -> bool:
    """The office makes a query and its answers public once the bureau has answered (again,
    when the bureau answered after the last publication)."""
    published = review.exchange_published_at
    return (
        user.is_authenticated
        and user.is_office
        and review.is_query
        and review.answered_at is not None
        and (published is None or review.answered_at > published)
    )


def can_split_commitment(user, commitment) -> bool:
    """Sub-targets: the lead bureau (or the office) splits a commitment, one level deep."""
    return commitment.parent_id is None and can_correct_commitment(user, commitment)


def can_change_profile(actor, user) -> bool:
    """Everyone keeps their own email preferences, nobody else's."""
    return actor.is_authenticated and actor.pk == user.pk


def can_see_internal_report(user) -> bool:
    """The year's report with what is not published yet (submitted, returned): the office."""
    return user.is_authenticated and user.is_office


def can_import(user) -> bool:
    """Bureau staff (for their own organisation) and the office import reply letters."""
    return user.is_authenticated and (
        user.is_office or (user.is_bureau_staff and user.organisation_id is not None)
    )


def can_import_for(user, organisation) -> bool:
    """Staff file replies only in their own organisation's name; the office in anyone's."""
    if organisation is None:
        return user.is_authenticated and user.is_office
    return user.is_authenticated and (user.is_office or _is_staff_of(user, organisation.pk))


def can_correct_reply(user, reply) -> bool:
    """Correct what an import read (or replace the import): the replying bureau, or the office."""
    return user.is_authenticated and (user.is_office or _is_staff_of(user, reply.organisation_id))


def can_correct_commitment(user, commitment) -> bool:
    """A commitment's wording and co-handling bureaus: its lead bureau, or the office."""
    return user.is_authenticated and (
        user.is_office or _is_staff_of(user, commitment.lead_organisation_id)
    )


def can_set_original_target_date(user) -> bool:
    """The letter's own date: read by the importer, or set by the office, never by a revision."""
    return user.is_authenticated and user.is_office


def can_change_account(actor, target) -> bool:
    """The office keeps accounts (names, addresses, passwords); only a superuser a superuser's."""
    if not actor.is_authenticated:
        return False
    return actor.is_superuser or (actor.is_office and not target.is_superuser)


def can_change_role(actor, target) -> bool:
    """Role, organisation and active flag: the office sets others', never its own."""
    return can_change_account(actor, target) and (actor.is_superuser or target.pk != actor.pk)


def can_grant_admin_rights(actor) -> bool:
    """`is_superuser`, `is_staff`, groups and permissions: superusers only."""
    return actor.is_authenticated and actor.is_superuser


def update_actions(user, update) -> dict[str, bool]:
    """What the page may offer this user for one update: only the actions allowed."""
    allowed = {
        "edit": can_edit_update(user, update),
        "decide": can_decide_update(user, update),
        "review": can_review_update(user, update),
    }
    return {action: True for action, ok in allowed.items() if ok}


def require(allowed: bool, message: str = "") -> None:
    """Refuse (403) unless `allowed`: what the write functions call before they change a row."""
    if not allowed:
        raise PermissionDenied(message)


class WorkspaceMixin(LoginRequiredMixin):
    """Signed in with a role: anonymous visitors go to the sign-in page, others get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_workspace_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
