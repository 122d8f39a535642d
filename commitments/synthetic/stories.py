"""One commitment's life, decided in pure Python: its status, dates and progress updates.

The story keeps the rules the application enforces one row at a time: the commitment's status,
progress and last publication are those of its latest published update, each published update
records the status before it, and the original target date survives a revision.
"""

import datetime
import random
from dataclasses import dataclass, field

from ..models import FINAL_STATUSES, ProgressUpdate, Status
from . import phrases

# The status mix of a real tracker a few years in (percent of all commitments).
STATUS_MIX = {
    Status.ON_TRACK: 25,
    Status.CHALLENGES: 10,
    Status.STALLED: 5,
    Status.ONGOING: 10,
    Status.COMPLETED: 25,
    Status.COMPLETED_MODIFIED: 5,
    Status.NOT_PURSUED: 3,
    Status.NOT_STARTED: 7,
    Status.NOT_ASSESSED: 10,
}
# Chances for an open commitment; together they give ~15% overdue and ~10% stale open ones
# (never-assessed commitments without any published update are stale as well).
OVERDUE_CHANCE = 0.16
STALE_CHANCE = 0.06
NEVER_UPDATED_CHANCE = 0.3  # of not_assessed commitments
REVISION_CHANCE = 0.15
EVIDENCE_CHANCE = 0.1
FINAL_PROGRESS = {
    Status.NOT_ASSESSED: (0, 0),
    Status.NOT_STARTED: (0, 0),
    Status.ON_TRACK: (10, 90),
    Status.CHALLENGES: (10, 70),
    Status.STALLED: (5, 60),
    Status.ONGOING: (20, 90),
    Status.COMPLETED: (100, 100),
    Status.COMPLETED_MODIFIED: (70, 100),
    Status.NOT_PURSUED: (0, 50),
}
State = ProgressUpdate.State


@dataclass
class UpdateStory:
    state: str
    status: str
    progress: int
    as_of: datetime.date
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None = None
    published_at: datetime.datetime | None = None
    status_before: str = ""
    text: str = ""
    reason: str = ""
    new_target_date: datetime.date | None = None
    target_date_reason: str = ""
    return_note: str = ""
    evidence: str = ""  # a description when the update carries a link as evidence


@dataclass
class CommitmentStory:
    status: str
    progress: int
    original_target_date: datetime.date | None
    current_target_date: datetime.date | None
    last_published_at: datetime.datetime | None
    updates: list[UpdateStory] = field(default_factory=list)


def _between(rng, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    if end <= start:
        return start
    return start + datetime.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def _target_dates(rng, status, created: datetime.date, today: datetime.date, revisable: bool):
    """(original, current) target dates: overdue or not for open commitments, as chance says."""
    if status == Status.ONGOING and rng.random() < 0.5:
        return None, None  # continuing work with no end point
    age = (today - created).days
    if status in FINAL_STATUSES:
        current = created + datetime.timedelta(days=rng.randint(90, 1000))
    elif rng.random() < OVERDUE_CHANCE and age > 60:
        current = created + datetime.timedelta(days=rng.randint(30, age - 1))
    else:
        current = today + datetime.timedelta(days=rng.randint(1, 720))
    original = current
    if revisable and rng.random() < REVISION_CHANCE:
        earlier = current - datetime.timedelta(days=rng.randint(60, 365))
        if earlier > created:
            original = earlier
    return original, current


def _statuses_and_progress(rng, status, count):
    """The published updates' statuses and progress, ending at the commitment's own."""
    low, high = FINAL_PROGRESS[status]
    final_progress = rng.randint(low, high)
    progress = sorted(rng.randint(0, final_progress) for _ in range(count - 1)) + [final_progress]
    statuses = []
    for value in progress[:-1]:
        if status in (Status.NOT_ASSESSED, Status.NOT_STARTED):
            statuses.append(status)
        elif value == 0:
            statuses.append(Status.NOT_STARTED)
        else:
            pool = [Status.ON_TRACK] * 5 + [Status.CHALLENGES] * 2 + [Status.STALLED]
            statuses.append(Status.ONGOING if status == Status.ONGOING else rng.choice(pool))
    return statuses + [status], progress


def _last_published(rng, status, created_at, now, cutoff):
    """When the latest update was published: long ago for a stale open commitment."""
    start = created_at + datetime.timedelta(days=7)
    if status not in FINAL_STATUSES:
        if rng.random() < STALE_CHANCE and start < cutoff:
            return _between(rng, start, cutoff - datetime.timedelta(days=1))
        start = max(start, cutoff + datetime.timedelta(days=1))
    return _between(rng, start, now - datetime.timedelta(hours=1))


def _entered(rng, update_time, created_at):
    """(entered, submitted, as_of) for an update published or submitted at `update_time`."""
    submitted = max(created_at, update_time - datetime.timedelta(hours=rng.uniform(1, 120)))
    entered = max(created_at, submitted - datetime.timedelta(hours=rng.uniform(0, 48)))
    as_of = max(created_at.date(), entered.date() - datetime.timedelta(days=rng.randint(0, 10)))
    return entered, submitted, as_of


def tell(rng: random.Random, *, created_at, now, stale_cutoff) -> CommitmentStory:
    """A commitment created at `created_at`, followed up to `now`."""
    status = rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()))[0]
    if status == Status.NOT_ASSESSED:
        count = 0 if rng.random() < NEVER_UPDATED_CHANCE else rng.randint(1, 3)
    else:
        count = rng.randint(4, 18)
    original, current = _target_dates(rng, status, created_at.date(), now.date(), count > 0)
    if not count:
        story = CommitmentStory(status, 0, original, current, None)
        _add_pending(rng, story, created_at, now)
        return story

    last = _last_published(rng, status, created_at, now, stale_cutoff)
    times = sorted(_between(rng, created_at, last) for _ in range(count - 1)) + [last]
    statuses, progress = _statuses_and_progress(rng, status, count)
    story = CommitmentStory(status, progress[-1], original, current, last)
    before = Status.NOT_ASSESSED
    for published_at, update_status, value in zip(times, statuses, progress, strict=True):
        entered, submitted, as_of = _entered(rng, published_at, created_at)
        update = UpdateStory(
            state=State.PUBLISHED,
            status=update_status,
            progress=value,
            as_of=as_of,
            created_at=entered,
            submitted_at=submitted,
            published_at=published_at,
            status_before=before,
            text=phrases.update_text(rng, update_status, as_of),
        )
        if rng.random() < EVIDENCE_CHANCE:
            update.evidence = rng.choice(phrases.EVIDENCE_DESCRIPTIONS)
        story.updates.append(update)
        before = update_status
    _finish(rng, story, created_at)
    _add_pending(rng, story, last, now)
    return story


def _finish(rng, story, created_at):
    """Proof for the final status, and the update that revised the target date."""
    final = story.updates[-1]
    if story.status == Status.COMPLETED:
        final.evidence = rng.choice(phrases.EVIDENCE_DESCRIPTIONS)
    elif story.status in (Status.NOT_PURSUED, Status.COMPLETED_MODIFIED):
        final.reason = rng.choice(phrases.NOT_PURSUED_REASONS)
    if story.original_target_date != story.current_target_date:
        revision = rng.choice(story.updates)
        revision.new_target_date = story.current_target_date
        revision.target_date_reason = rng.choice(phrases.REVISION_REASONS)
    if rng.random() < 0.05 and len(story.updates) > 1:
        # A returned update sits between two published ones: staff rewrote it and resubmitted.
        earlier = story.updates[rng.randrange(len(story.updates) - 1)]
        entered = earlier.created_at + datetime.timedelta(hours=2)
        story.updates.append(
            UpdateStory(
                state=State.RETURNED,
                status=earlier.status,
                progress=earlier.progress,
                as_of=earlier.as_of,
                created_at=entered,
                submitted_at=entered,
                text=earlier.text,
                return_note=rng.choice(phrases.RETURN_NOTES),
            )
        )


def _add_pending(rng, story, since, now):
    """Now and then an update waits for approval, or a draft is half-written."""
    if story.status in FINAL_STATUSES:
        return
    for state, chance in ((State.SUBMITTED, 0.08), (State.DRAFT, 0.03)):
        if rng.random() >= chance:
            continue
        entered = _between(rng, since, now - datetime.timedelta(minutes=5))
        status = rng.choice([story.status, Status.ON_TRACK, Status.CHALLENGES])
        progress = min(100, story.progress + rng.randint(0, 20))
        as_of = entered.date()
        story.updates.append(
            UpdateStory(
                state=state,
                status=status,
                progress=progress,
                as_of=as_of,
                created_at=entered,
                submitted_at=entered if state == State.SUBMITTED else None,
                text=phrases.update_text(rng, status, as_of),
            )
        )
