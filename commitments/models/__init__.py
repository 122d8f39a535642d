"""The domain: proposals, the replies that answer them, and the commitments in those replies.

A commitment's status and progress move only when a progress update is published
(`ProgressUpdate.publish`); see DESIGN.md, "Rules".

The models live in modules by subject: organisations, replies, commitments, updates and
participation, with what they build on in base. Import them from here, `commitments.models`.
"""

from ..data_version import DataVersion
from ..throttling import RequestCount
from .base import EditConflict, InArray, SortIndex, Versioned
from .commitments import (
    COMPLETED_STATUSES,
    FINAL_STATUSES,
    LAST_ACTIVITY,
    STATUS_DEFINITIONS,
    STATUS_RANK,
    STATUSES_NEEDING_PROOF,
    Commitment,
    CommitmentCount,
    CommitmentQuerySet,
    ListedCommitment,
    Status,
    stale_cutoff,
)
from .organisations import Organisation, Session, User
from .participation import (
    Follow,
    Rehandling,
    RehandlingQuerySet,
    Review,
    ReviewMessage,
    ReviewQuerySet,
    SatisfactionRating,
)
from .reminders import ReminderRun
from .replies import (
    Measure,
    Proposal,
    ProposalQuerySet,
    Proposer,
    ProposerQuerySet,
    Reply,
    ReplyQuerySet,
)
from .updates import Evidence, ProgressUpdate, ProgressUpdateQuerySet, evidence_upload_to

__all__ = [
    "COMPLETED_STATUSES",
    "FINAL_STATUSES",
    "InArray",
    "LAST_ACTIVITY",
    "STATUS_DEFINITIONS",
    "STATUS_RANK",
    "STATUSES_NEEDING_PROOF",
    "Commitment",
    "CommitmentCount",
    "CommitmentQuerySet",
    "DataVersion",
    "EditConflict",
    "Evidence",
    "Follow",
    "ListedCommitment",
    "Measure",
    "Organisation",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "Proposal",
    "ProposalQuerySet",
    "Proposer",
    "ProposerQuerySet",
    "Rehandling",
    "RehandlingQuerySet",
    "ReminderRun",
    "Reply",
    "ReplyQuerySet",
    "RequestCount",
    "Review",
    "ReviewMessage",
    "ReviewQuerySet",
    "SatisfactionRating",
    "Session",
    "SortIndex",
    "Status",
    "User",
    "Versioned",
    "evidence_upload_to",
    "stale_cutoff",
]
