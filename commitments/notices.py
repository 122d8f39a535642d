"""Which emails the work sends: the kinds a user may turn off, and who hears of each event.

An *event* is something that happened to one row (an update was submitted, returned or
published; a member queried an update, the bureau answered; a reply was rated, re-handling
opened, a reply was filed). Each event reaches one or more *audiences*, each under a *kind* of
email that its members may turn off in their profile. notifications.py queues and sends them;
this module only says who and what, reading the rows again when each email is written.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    ProgressUpdate,
    Proposer,
    Rehandling,
    Reply,
    Review,
    ReviewMessage,
    SatisfactionRating,
    User,
)

Role = User.Role


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    roles: tuple = ()  # the roles the profile page offers it to; () is everyone


KINDS = [
    Kind("update_returned", gettext_lazy("The office returned an update of mine"), (Role.STAFF,)),
    Kind("update_published", gettext_lazy("An update of mine was published"), (Role.STAFF,)),
    Kind("update_queried", gettext_lazy("A member queried an update of ours"), (Role.STAFF,)),
    Kind("reply_rated", gettext_lazy("A member rated a reply of ours"), (Role.STAFF,)),
    Kind(
        "rehandling_opened",
        gettext_lazy("A proposal we handle was sent back for re-handling"),
        (Role.STAFF,),
    ),
    Kind(
        "due_soon",
        gettext_lazy("Daily reminder of overdue, stale and due-soon work"),
        (Role.STAFF,),
    ),
    Kind("update_submitted", gettext_lazy("An update was submitted for review"), (Role.OFFICE,)),
    Kind("query_answered", gettext_lazy("A bureau answered a member's query"), (Role.OFFICE,)),
    Kind("my_query_answered", gettext_lazy("The bureau answered my query"), (Role.MEMBER,)),
    Kind("proposal_replied", gettext_lazy("A new reply to a proposal of mine"), (Role.MEMBER,)),
    Kind("followed_published", gettext_lazy("A commitment I follow has a new published update")),
]
KIND_KEYS = {kind.key for kind in KINDS}


def kinds_for(user) -> list[Kind]:
    """The kinds of email the user's role receives, to choose from in the profile."""
    role = Role.OFFICE if user.is_office else user.role
    return [kind for kind in KINDS if not kind.roles or role in kind.roles]


def absolute_url(path: str) -> str:
    return settings.TRACKER_SITE_URL + path


@dataclass
class Notice:
    """One email's words: the subject, its paragraphs and the link to act on."""

    subject: str
    paragraphs: list[str]
    url: str
    extra: list[str] = field(default_factory=list)


def _active(users):
    return users.filter(is_active=True).exclude(email="").order_by("pk")


def office_users():
    return _active(User.objects.filter(Q(role=Role.OFFICE) | Q(is_superuser=True)))


def staff_of(*organisation_ids):
    return _active(User.objects.filter(role=Role.STAFF, organisation__in=organisation_ids))


def _title(update):
    return update.commitment.title


def _as_of(update):
    return formats.date_format(update.as_of)


# Each event: load(id) gives the row while the event still holds (else nothing is sent);
# audiences(row) gives (kind, users) pairs; notice(kind, row) the words.


class UpdateSubmitted:
    def load(self, pk):
        return _update(pk, ProgressUpdate.State.SUBMITTED)

    def audiences(self, update):
        return [("update_submitted", office_users())]

    def notice(self, kind, update):
        return Notice(
            _("Submitted for review: %(title)s") % {"title": _title(update)},
            [
                _(
                    "%(organisation)s submitted a progress update on “%(title)s” for you to "
                    "publish or return."
                )
                % {"organisation": update.organisation, "title": _title(update)},
                *update.changes(),
                update.text,
            ],
            absolute_url(reverse("workspace:update", args=[update.pk])),
        )


class UpdateReturned:
    def load(self, pk):
        return _update(pk, ProgressUpdate.State.RETURNED)

    def audiences(self, update):
        return [("update_returned", _active(User.objects.filter(pk=update.author_id)))]

    def notice(self, kind, update):
        return Notice(
            _("Returned for correction: %(title)s") % {"title": _title(update)},
            [
                _("The office returned your update of %(date)s on “%(title)s”.")
                % {"date": _as_of(update), "title": _title(update)},
                _("Note from the office: %(note)s") % {"note": update.return_note},
            ],
            absolute_url(reverse("workspace:update", args=[update.pk])),
        )


class UpdatePublished:
    def load(self, pk):
        return _update(pk, ProgressUpdate.State.PUBLISHED)

    def audiences(self, update):
        # A sub-target's update moves its parent too: the parent's followers hear of it.
        followed = {update.commitment_id, update.commitment.parent_id} - {None}
        followers = User.objects.filter(follows__commitment__in=followed).distinct()
        return [
            ("update_published", _active(User.objects.filter(pk=update.author_id))),
            ("followed_published", _active(followers)),
        ]

    def notice(self, kind, update):
        url = absolute_url(update.get_absolute_url())
        if kind == "update_published":
            return Notice(
                _("Published: %(title)s") % {"title": _title(update)},
                [
                    _("The office published your update of %(date)s on “%(title)s”.")
                    % {"date": _as_of(update), "title": _title(update)},
                    *update.changes(),
                ],
                url,
            )
        parent = update.commitment.parent
        return Notice(
            _("New progress: %(title)s") % {"title": _title(update)},
            [
                _("“%(title)s”, a sub-target of “%(parent)s”, has a new published update.")
                % {"title": _title(update), "parent": parent.title}
                if parent
                else _("The commitment “%(title)s”, which you follow, has a new published update.")
                % {"title": _title(update)},
                *update.changes(),
                _("As of %(date)s") % {"date": _as_of(update)},
                update.public_text,
            ],
            url,
            extra=[
                _("To stop these emails, open %(url)s and choose “Stop following”.")
                % {"url": absolute_url(update.commitment.get_absolute_url())}
            ],
        )


class UpdateQueried:
    """A member queried an update, or wrote again in the thread: the bureau should answer."""

    def load(self, pk):
        return (
            Review.objects.awaiting_answer()
            .select_related("update__commitment", "update__organisation")
            .filter(pk=pk, update__state=ProgressUpdate.State.PUBLISHED)
            .first()
        )

    def audiences(self, review):
        return [("update_queried", staff_of(review.update.organisation_id))]

    def notice(self, kind, review):
        latest = review.messages.filter(organisation__isnull=True).last()
        update = review.update
        return Notice(
            _("Query on an update: %(title)s") % {"title": _title(update)},
            [
                _(
                    "A committee member marked your update of %(date)s on “%(title)s” as "
                    "“%(verdict)s”:"
                )
                % {
                    "date": _as_of(update),
                    "title": _title(update),
                    "verdict": review.get_verdict_display(),
                },
                latest.text if latest else review.comment,
                _("Answer in the workspace, or submit a new update that answers it."),
            ],
            absolute_url(reverse("workspace:update", args=[update.pk]) + f"#query-{review.pk}"),
        )


class QueryAnswered:
    def load(self, pk):
        return (
            ReviewMessage.objects.filter(pk=pk, organisation__isnull=False)
            .select_related("review__update__commitment", "organisation")
            .first()
        )

    def audiences(self, answer):
        member = User.objects.filter(pk=answer.review.member_id)
        return [("my_query_answered", _active(member)), ("query_answered", office_users())]

    def notice(self, kind, answer):
        update = answer.review.update
        paragraphs = [
            _("%(organisation)s answered the query on the update of %(date)s on “%(title)s”:")
            % {
                "organisation": answer.organisation,
                "date": _as_of(update),
                "title": _title(update),
            },
            answer.text,
        ]
        if kind == "my_query_answered":
            paragraphs.append(_("If the answer settles your query, mark it resolved."))
        return Notice(
            _("Query answered: %(title)s") % {"title": _title(update)},
            paragraphs,
            absolute_url(
                reverse("workspace:update", args=[update.pk]) + f"#query-{answer.review_id}"
            ),
        )


class ReplyRated:
    def load(self, pk):
        return (
            SatisfactionRating.objects.select_related("reply__proposal", "reply__organisation")
            .filter(pk=pk)
            .first()
        )

    def audiences(self, rating):
        return [("reply_rated", staff_of(rating.reply.organisation_id))]

    def notice(self, kind, rating):
        return Notice(
            _("Reply rated: %(proposal)s") % {"proposal": rating.reply.proposal.title},
            [
                _(
                    "A committee member rated your reply to “%(proposal)s”: handling "
                    "“%(handling)s”, outcome “%(outcome)s”."
                )
                % {
                    "proposal": rating.reply.proposal.title,
                    "handling": rating.get_handling_display(),
                    "outcome": rating.get_outcome_display(),
                },
                rating.comment,
            ],
            absolute_url(rating.reply.get_absolute_url()),
        )


class RehandlingOpened:
    def load(self, pk):
        return Rehandling.objects.open().select_related("proposal").filter(pk=pk).first()

    def audiences(self, rehandling):
        proposal = rehandling.proposal
        organisations = {
            proposal.lead_organisation_id,
            *proposal.co_organisations.values_list("pk", flat=True),
            *proposal.replies.values_list("organisation_id", flat=True),
        }
        return [("rehandling_opened", staff_of(*organisations))]

    def notice(self, kind, rehandling):
        reasons = [rating.comment for rating in rehandling.reasons() if rating.comment]
        return Notice(
            _("Re-handling, round %(round)s: %(proposal)s")
            % {"round": rehandling.round, "proposal": rehandling.proposal.title},
            [
                _(
                    "The outcome of the reply to “%(proposal)s” was rated “Dissatisfied”: the "
                    "proposal is handled again. The reply of round %(round)s is due by %(date)s."
                )
                % {
                    "proposal": rehandling.proposal.title,
                    "round": rehandling.round,
                    "date": formats.date_format(rehandling.due_date),
                },
                *reasons,
            ],
            absolute_url(rehandling.get_absolute_url()),
        )


class ReplyFiled:
    """A reply to a member's proposal: the member can read and rate it."""

    def load(self, pk):
        return Reply.objects.select_related("proposal", "organisation").filter(pk=pk).first()

    def audiences(self, reply):
        proposers = Proposer.objects.confirmed().filter(proposal=reply.proposal_id)
        members = User.objects.filter(role=Role.MEMBER, pk__in=proposers.values("member"))
        return [("proposal_replied", _active(members))]

    def notice(self, kind, reply):
        return Notice(
            _("New reply to your proposal: %(proposal)s") % {"proposal": reply.proposal.title},
            [
                _("%(organisation)s has replied to your proposal “%(proposal)s” (round %(round)s).")
                % {
                    "organisation": reply.organisation,
                    "proposal": reply.proposal.title,
                    "round": reply.round,
                },
                _("Read it: %(url)s") % {"url": absolute_url(reply.get_absolute_url())},
            ],
            absolute_url(reverse("workspace:rate_reply", args=[reply.pk])),
        )


def _update(pk, state):
    return (
        ProgressUpdate.objects.filter(pk=pk, state=state)
        .select_related("commitment__parent", "organisation")
        .first()
    )


EVENTS = {
    "update_submitted": UpdateSubmitted(),
    "update_returned": UpdateReturned(),
    "update_published": UpdatePublished(),
    "update_queried": UpdateQueried(),
    "query_answered": QueryAnswered(),
    "reply_rated": ReplyRated(),
    "rehandling_opened": RehandlingOpened(),
    "reply_filed": ReplyFiled(),
}


def recipients(event: str, row) -> dict[int, str]:
    """{user id: kind} of everyone the event reaches, once each, without kinds they turned off."""
    found = {}
    for kind, users in EVENTS[event].audiences(row):
        for user in users:
            if user.pk not in found and user.wants_notice(kind):
                found[user.pk] = kind
    return found
