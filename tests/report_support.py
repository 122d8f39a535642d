"""Helpers for the handling-report tests: a year of data, its figures counted independently in
plain Python over the rows, and the report page's tables read back from its HTML."""

import datetime
from collections import Counter, defaultdict
from html.parser import HTMLParser

from django.utils import timezone
from workspace_support import publish

from commitments.models import (
    Commitment,
    Organisation,
    ProgressUpdate,
    Proposal,
    Rehandling,
    Reply,
    SatisfactionRating,
    Session,
)
from tests.conftest import make_user

YEAR = 2024
COMPLETED = {"completed", "completed_modified"}
FINAL = COMPLETED | {"not_pursued"}


def build_year(django_user_model, office_user, *, organisations=3):
    """A year of proposals, replies, commitments, updates, ratings and re-handling rounds, with
    a proposal without a session, one of another year and one not answered yet."""
    session = Session.objects.create(body="cppcc", name="测试区政协一届三次会议", year=YEAR)
    earlier = Session.objects.create(body="cppcc", name="测试区政协一届二次会议", year=YEAR - 1)
    bureaus = [
        Organisation.objects.create(name=f"第{n:02d}局", slug=f"bureau-{n:02d}")
        for n in range(1, organisations + 1)
    ]
    staff = {b.pk: make_user(django_user_model, f"staff-{b.slug}", "staff", b) for b in bureaus}
    members = [make_user(django_user_model, f"member-{n}", "member") for n in range(3)]
    long_ago = timezone.now() - datetime.timedelta(days=400)
    statuses = ["on_track", "completed", "challenges", "completed_modified", "not_pursued"]
    classes = ["A", "B", "C", "D", ""]
    for index, bureau in enumerate(bureaus):
        proposal = Proposal.objects.create(
            session=session,
            number=str(index + 1),
            title=f"提案{index + 1}",
            lead_organisation=bureau,
        )
        reply = Reply.objects.create(
            proposal=proposal,
            organisation=bureau,
            reply_date=datetime.date(YEAR, 5, 1 + index % 28),
            category=classes[index % len(classes)],
        )
        # A co-handling bureau replies too: the proposal counts for both, once in the total.
        co_bureau = bureaus[(index + 1) % len(bureaus)]
        if co_bureau != bureau:
            Reply.objects.create(
                proposal=proposal, organisation=co_bureau, reply_date=reply.reply_date, category="B"
            )
        for position in range(1, 2 + index % 3):
            commitment = Commitment.objects.create(
                reply=reply,
                position=position,
                title=f"承诺{index + 1}-{position}",
                promised_text="年内完成。",
                lead_organisation=bureau,
                # Past its date and still open (on track or with challenges): overdue.
                original_target_date=(
                    datetime.date(YEAR, 1, 1) if (index + position) % 5 in (0, 2) else None
                ),
            )
            status = statuses[(index + position) % len(statuses)]
            update = ProgressUpdate.objects.create(
                commitment=commitment,
                as_of=datetime.date(YEAR, 3 + (index + position) % 9, 10),
                text="进展。",
                status=status,
                progress=100 if status in COMPLETED else 40,
                reason="已办结。" if status in FINAL else "",
                author=staff[bureau.pk],
                organisation=bureau,
            )
            publish(update, by=office_user)
            if position == 1 and index % 2:
                Commitment.objects.filter(pk=commitment.pk).update(last_published_at=long_ago)
        for member in members[: 1 + index % 3]:
            SatisfactionRating.objects.create(
                reply=reply,
                member=member,
                handling=["satisfied", "basically", "dissatisfied"][index % 3],
                outcome=["basically", "dissatisfied", "satisfied"][(index + 1) % 3],
            )
        if index % 2 == 0:
            Rehandling.objects.create(
                proposal=proposal, round=2, due_date=datetime.date(YEAR, 9, 1)
            )
        if index % 4 == 0:
            Reply.objects.create(
                proposal=proposal,
                organisation=bureau,
                round=2,
                reply_date=datetime.date(YEAR, 9, 1),
            )
    # Not answered yet; without a session but answered this year; of another year.
    Proposal.objects.create(session=session, number="99", title="尚未答复的提案")
    loose = Proposal.objects.create(title="无会次的提案")
    Reply.objects.create(
        proposal=loose, organisation=bureaus[0], reply_date=datetime.date(YEAR, 7, 1)
    )
    old = Proposal.objects.create(session=earlier, number="1", title="往年提案")
    old_reply = Reply.objects.create(proposal=old, organisation=bureaus[0], category="A")
    Commitment.objects.create(
        reply=old_reply,
        position=1,
        title="往年承诺",
        promised_text="……",
        lead_organisation=bureaus[0],
    )
    return bureaus, staff


def year_of_commitment(commitment):
    if commitment.session_id:
        return commitment.session.year
    return commitment.reply.reply_date.year if commitment.reply.reply_date else None


def year_of_reply(reply):
    if reply.proposal.session_id:
        return reply.proposal.session.year
    return reply.reply_date.year if reply.reply_date else None


def independent_figures(year, *, office_user=None):
    """The report's figures counted row by row in Python, by organisation name and overall."""
    figures = defaultdict(Counter)
    commitments = [
        c
        for c in Commitment.objects.select_related("session", "reply", "lead_organisation")
        if year_of_commitment(c) == year
    ]
    for c in commitments:
        for key in (c.lead_organisation.name, None):
            row = figures[key]
            row["commitments"] += 1
            row[f"status_{c.status}"] += 1
            row["completed"] += c.status in COMPLETED
            row["open"] += c.status not in FINAL
            row["overdue"] += c.is_overdue()
            row["stale"] += c.is_stale()
    replies = [
        r
        for r in Reply.objects.select_related("proposal__session", "organisation")
        if year_of_reply(r) == year
    ]
    answered = defaultdict(set)
    for r in replies:
        for key in (r.organisation.name, None):
            figures[key]["replies"] += 1
            figures[key][f"class_{r.category}"] += 1
            figures[key]["rehandled_replies"] += r.round >= 2
            answered[key].add(r.proposal_id)
    for key, proposals in answered.items():
        figures[key]["proposals_answered"] = len(proposals)
    figures[None]["proposals"] = sum(
        1
        for p in Proposal.objects.select_related("session").prefetch_related("replies")
        if (
            p.session.year == year
            if p.session
            else any(year_of_reply(r) == year for r in p.replies.all())
        )
    )
    reply_ids = {r.pk for r in replies}
    for rating in SatisfactionRating.objects.select_related("reply__organisation"):
        if rating.reply_id in reply_ids:
            for key in (rating.reply.organisation.name, None):
                figures[key]["ratings"] += 1
                figures[key][f"handling_{rating.handling}"] += 1
                figures[key][f"outcome_{rating.outcome}"] += 1
    year_proposals = {r.proposal_id for r in replies}
    for rehandling in Rehandling.objects.prefetch_related("proposal__replies__organisation"):
        if rehandling.proposal_id not in year_proposals:
            continue
        proposal_replies = list(rehandling.proposal.replies.all())
        still_open = rehandling.closed_at is None and not any(
            r.round >= rehandling.round for r in proposal_replies
        )
        for key in {r.organisation.name for r in proposal_replies} | {None}:
            figures[key]["rehandling_rounds"] += 1
            figures[key]["rehandling_open"] += still_open
    months = Counter()
    for c in commitments:
        if c.status in COMPLETED:
            completing = [
                u.as_of
                for u in c.updates.all()
                if u.state == "published"
                and u.status in COMPLETED
                and u.status_before not in COMPLETED
            ]
            if completing:
                months[max(completing).replace(day=1)] += 1
    if office_user is not None:
        for update in ProgressUpdate.objects.select_related("commitment__lead_organisation"):
            if update.commitment not in commitments or update.state in ("draft", "published"):
                continue
            for key in (update.commitment.lead_organisation.name, None):
                figures[key]["awaiting_publication"] += update.state == "submitted"
                figures[key]["awaiting_completion"] += (
                    update.state == "submitted" and update.status in COMPLETED
                )
                figures[key]["returned"] += update.state == "returned"
    return figures, months


class TableReader(HTMLParser):
    """The report page's tables: {data-table key: {row label: [cell texts]}}."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self.table = self.tables.setdefault(attrs["data-table"], {})
        elif tag == "tbody" and self.table is not None:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row:
            self.table[self.row[0]] = self.row[1:]
            self.row = []
        elif tag == "tbody":
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html):
    reader = TableReader()
    reader.feed(html)
    return reader.tables
