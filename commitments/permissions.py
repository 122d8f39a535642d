"""Who may do what in the workspace (DESIGN.md "Who uses it" and rule 4), decided here only.

Views ask these functions and refuse with 403 when they say no; the workflow functions check the
state again under a row lock, so a page that was right when it loaded cannot act on stale state.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from .models import ProgressUpdate

# The author's side may change an update only before the office has it, or after it came back.
EDITABLE_STATES = (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED)


def has_workspace_role(user) -> bool:
    return user.is_authenticated and (user.is_office or user.is_bureau_staff or user.is_member)


def responsible_organisation_ids(commitment) -> set[int]:
    """The lead and co-handling organisations, read once per commitment object."""
    if not hasattr(commitment, "_responsible_ids"):
        co_ids = commitment.co_organisations.values_list("pk", flat=True)
        commitment._responsible_ids = {commitment.lead_organisation_id, *co_ids}
    return commitment._responsible_ids


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


def update_actions(user, update) -> dict[str, bool]:
    """What the page may offer this user for one update: only the actions allowed."""
    allowed = {
        "edit": can_edit_update(user, update),
        "decide": can_decide_update(user, update),
        "review": can_review_update(user, update),
    }
    return {action: True for action, ok in allowed.items() if ok}


class WorkspaceMixin(LoginRequiredMixin):
    """Signed in with a role: anonymous visitors go to the sign-in page, others get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_workspace_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
