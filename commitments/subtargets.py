"""Sub-targets: a bureau's breakdown of a commitment, and how the parent rolls up from them.

A parent's progress is the weighted mean of its sub-targets' progress and its status is read
from theirs (`status_from_children`), once any sub-target has a published update; until then
the parent keeps the status its own updates gave it, so splitting a commitment never moves it
backwards. The methodology page explains the rule; the public page shows the sums.
"""

from dataclasses import dataclass

from .models import FINAL_STATUSES, Commitment, Status


def status_from_children(statuses, progress: int) -> str:
    """A parent's status read from its sub-targets'.

    All final: completed when all are, not pursued when all are, otherwise completed with
    changes. Some still open: stalled when all open ones are; with challenges when one meets
    difficulties or stalls; ongoing when all open ones are; under way when work shows (progress,
    or a sub-target under way or done); else not started or, with nothing assessed, not assessed.
    """
    statuses = list(statuses)
    still_open = [status for status in statuses if status not in FINAL_STATUSES]
    if not statuses:
        return Status.NOT_ASSESSED
    if not still_open:
        if all(status == Status.COMPLETED for status in statuses):
            return Status.COMPLETED
        if all(status == Status.NOT_PURSUED for status in statuses):
            return Status.NOT_PURSUED
        return Status.COMPLETED_MODIFIED
    if all(status == Status.STALLED for status in still_open):
        return Status.STALLED
    if any(status in (Status.CHALLENGES, Status.STALLED) for status in still_open):
        return Status.CHALLENGES
    if all(status == Status.ONGOING for status in still_open):
        return Status.ONGOING
    under_way = {Status.ON_TRACK, Status.ONGOING}
    if progress > 0 or len(still_open) < len(statuses) or under_way & set(still_open):
        return Status.ON_TRACK
    if all(status == Status.NOT_ASSESSED for status in statuses):
        return Status.NOT_ASSESSED
    return Status.NOT_STARTED


@dataclass
class RollUpLine:
    child: Commitment
    share: float  # the child's weight as a percentage of all weights
    contribution: float  # percentage points of the parent's progress


@dataclass
class RollUp:
    """The sums behind a parent's progress, for the page that explains them."""

    lines: list[RollUpLine]
    total_weight: int
    progress: int
    status: str
    applies: bool  # False until a sub-target has a published update


def roll_up(children) -> RollUp:
    """(The explanation of) the parent's progress and status from these sub-targets."""
    children = list(children)
    total = sum(child.weight for child in children)
    lines = [
        RollUpLine(
            child,
            share=round(100 * child.weight / total, 1) if total else 0,
            contribution=round(child.progress * child.weight / total, 1) if total else 0,
        )
        for child in children
    ]
    progress = round(sum(c.progress * c.weight for c in children) / total) if total else 0
    return RollUp(
        lines=lines,
        total_weight=total,
        progress=progress,
        status=status_from_children((c.status for c in children), progress),
        applies=any(child.last_published_at for child in children),
    )


def parent_roll_up(parent: Commitment, *, published_at=None) -> None:
    """Move a parent to the status and progress of its sub-targets, once they roll up.

    Called by the write functions in workflow.py, under their locks.
    """
    summary = roll_up(parent.children.only("status", "progress", "weight", "last_published_at"))
    if not summary.applies:
        return
    parent.status, parent.progress = summary.status, summary.progress
    fields = ["status", "progress", "updated_at"]
    if published_at is not None:
        # A sub-target's publication is progress on the parent: the parent is not stale.
        parent.last_published_at = published_at
        fields.append("last_published_at")
    parent._moved_by_update = True
    parent.save(update_fields=fields)
