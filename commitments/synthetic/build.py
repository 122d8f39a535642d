"""Writing synthetic proposals, replies, commitments and updates to the database in bulk.

bulk_create skips save() and the post_save signal, so django-simple-history records nothing and
Commitment.save()'s rules are not run: bulk demo data deliberately has no history, and the
stories module keeps the rules instead.
"""

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..models import (
    Commitment,
    Evidence,
    Measure,
    Organisation,
    ProgressUpdate,
    Proposal,
    Reply,
    Session,
    User,
)
from ..roles import assign_role
from ..search import commitment_grams
from . import phrases, stories

BATCH_SIZE = 2000
# Commitments written per round: bounds memory whatever the total.
CHUNK_COMMITMENTS = 5000


def ensure_organisations():
    """The bureaus (two levels of each kind) and the supervising offices, created once."""
    bureaus = []
    for stem, full_name, short_name, subjects in phrases.BUREAU_KINDS:
        for level_slug, place, prefix in phrases.LEVELS:
            organisation, _created = Organisation.objects.get_or_create(
                name=place + full_name,
                defaults={"short_name": prefix + short_name, "slug": f"{level_slug}-{stem}"},
            )
            bureaus.append((organisation, subjects))
    offices = [
        Organisation.objects.get_or_create(
            name=name, defaults={"short_name": short_name, "slug": slug, "is_office": True}
        )[0]
        for slug, name, short_name in phrases.OFFICES
    ]
    return bureaus, offices


def ensure_sessions(today: datetime.date):
    """Six years of CPPCC and congress sessions, the latest one at least half a year old."""
    # Replies come some five months after the session; by September all of this year's are in.
    last_year = today.year if today.month >= 9 else today.year - 1
    sessions = []
    for year in range(last_year - 5, last_year + 1):
        # A term lasts five years; meetings are counted within the term.
        term, meeting = divmod(year - 2003, 5)
        term, meeting = phrases.chinese_number(term + 10), phrases.chinese_number(meeting + 1)
        names = {
            Session.Body.CPPCC: f"市政协{term}届{meeting}次会议",
            Session.Body.CONGRESS: f"市{term}届人大{meeting}次会议",
        }
        for body, name in names.items():
            session, _created = Session.objects.get_or_create(
                name=name, defaults={"body": body, "year": year}
            )
            sessions.append(session)
    return sessions


def ensure_users(bureaus, offices):
    """One staff account per bureau and a few office staff; they cannot sign in (no password)."""

    def account(username, role, organisation):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_unusable_password()
            assign_role(user, role, organisation)
        return user

    staff = {org.pk: account(f"demo-{org.slug}", User.Role.STAFF, org) for org, _ in bureaus}
    office = [account(f"demo-office-{n}", User.Role.OFFICE, offices[0]) for n in (1, 2, 3)]
    return staff, office


def _next_numbers():
    """The next free proposal number per session and kind, so --append never collides."""
    numbers = defaultdict(int)
    for session_id, kind, number in Proposal.objects.values_list("session_id", "kind", "number"):
        if number.isdigit():
            numbers[session_id, kind] = max(numbers[session_id, kind], int(number))
    return numbers


class Generator:
    def __init__(self, *, seed: int, now: datetime.datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.stale_cutoff = self.now - datetime.timedelta(days=settings.TRACKER_STALE_DAYS)
        self.bureaus, offices = ensure_organisations()
        self.sessions = ensure_sessions(timezone.localdate(self.now))
        self.staff, self.office = ensure_users(self.bureaus, offices)
        self.numbers = _next_numbers()
        self.serial = Reply.objects.count()
        self.counts = defaultdict(int)

    def run(self, commitments: int, progress: Callable[[dict], None] | None = None):
        """Write `commitments` commitments with their proposals, replies and updates."""
        started = time.monotonic()
        reported = 0
        # Rounds of a tenth at most, so progress shows every 10% whatever the size.
        chunk = max(100, min(CHUNK_COMMITMENTS, -(-commitments // 10)))
        while self.counts["commitments"] < commitments:
            self._write_chunk(min(chunk, commitments - self.counts["commitments"]))
            tenth = self.counts["commitments"] * 10 // commitments
            if progress and tenth > reported:
                reported = tenth
                progress(
                    {**self.counts, "percent": tenth * 10, "seconds": time.monotonic() - started}
                )
        return dict(self.counts)

    def _proposal(self, session):
        rng = self.rng
        kind = Proposal.Kind.PROPOSAL if session.body == Session.Body.CPPCC else "suggestion"
        organisation, subjects = rng.choice(self.bureaus)
        self.numbers[session.pk, kind] += 1
        number = self.numbers[session.pk, kind]
        assigned = datetime.date(session.year, rng.randint(2, 3), rng.randint(1, 28))
        proposal = Proposal(
            kind=kind,
            session=session,
            number=f"{number:03d}" if session.body == Session.Body.CONGRESS else str(number),
            title=phrases.proposal_title(rng, rng.choice(subjects), kind),
            proposers=[phrases.person(rng) for _ in range(rng.choices([1, 2, 3], [6, 3, 1])[0])],
            lead_organisation=organisation,
            is_key=rng.random() < 0.05,
            assigned_date=assigned,
            reply_due_date=assigned + datetime.timedelta(days=90),
        )
        return proposal, organisation, subjects

    def _write_chunk(self, target):
        rng = self.rng
        planned = []  # (proposal, organisation, subjects, number of commitments)
        total = 0
        while total < target:
            count = min(rng.randint(3, 7), target - total)
            planned.append((*self._proposal(rng.choice(self.sessions)), count))
            total += count
        proposals = Proposal.objects.bulk_create([p[0] for p in planned], batch_size=BATCH_SIZE)

        replies, measures, commitments, stories_by_commitment = [], [], [], []
        for proposal, (_p, organisation, subjects, count) in zip(proposals, planned, strict=True):
            reply, reply_measures, reply_commitments, reply_stories = self._reply(
                proposal, organisation, subjects, count
            )
            replies.append(reply)
            measures.append(reply_measures)
            commitments.append(reply_commitments)
            stories_by_commitment.append(reply_stories)
        Reply.objects.bulk_create(replies, batch_size=BATCH_SIZE)
        for reply, reply_measures, reply_commitments in zip(
            replies, measures, commitments, strict=True
        ):
            for item in reply_measures + reply_commitments:
                item.reply = reply
        Measure.objects.bulk_create([m for group in measures for m in group], batch_size=BATCH_SIZE)
        flat_commitments = [c for group in commitments for c in group]
        for commitment in flat_commitments:
            # bulk_create sends no post_save: the search bigrams are set here (search.py).
            commitment.search_grams = commitment_grams(commitment, commitment.reply.proposal.title)
        Commitment.objects.bulk_create(flat_commitments, batch_size=BATCH_SIZE)
        self._write_co_organisations(flat_commitments)
        flat_stories = [s for group in stories_by_commitment for s in group]
        self._write_updates(flat_commitments, flat_stories)
        self.counts["proposals"] += len(proposals)
        self.counts["replies"] += len(replies)
        self.counts["measures"] += sum(len(group) for group in measures)
        self.counts["commitments"] += len(flat_commitments)

    def _reply(self, proposal, organisation, subjects, count):
        rng = self.rng
        pronoun = phrases.we(organisation.name)
        noun = "建议" if proposal.kind == Proposal.Kind.SUGGESTION else "提案"
        year = proposal.session.year
        reply_date = proposal.assigned_date + datetime.timedelta(days=rng.randint(20, 85))
        published = reply_date + datetime.timedelta(days=rng.randint(0, 30))
        created_at = timezone.make_aware(
            datetime.datetime.combine(published, datetime.time(rng.randint(8, 18)))
        )
        measures = []
        for position in range(1, rng.randint(3, 6) + 1):
            title, text = phrases.measure(rng, rng.choice(subjects), pronoun, year)
            measures.append(Measure(position=position, title=title, text=text))
        commitments, tales = [], []
        for position in range(1, count + 1):
            subject = rng.choice(subjects)
            tale = stories.tell(
                rng, created_at=created_at, now=self.now, stale_cutoff=self.stale_cutoff
            )
            lead = organisation if rng.random() < 0.9 else rng.choice(self.bureaus)[0]
            commitments.append(
                Commitment(
                    position=position,
                    title=phrases.commitment_title(rng, subject),
                    promised_text=phrases.promised_text(rng, subject, pronoun, year),
                    lead_organisation=lead,
                    session=proposal.session,
                    original_target_date=tale.original_target_date,
                    current_target_date=tale.current_target_date,
                    status=tale.status,
                    progress=tale.progress,
                    is_key=rng.random() < 0.1,
                    last_published_at=tale.last_published_at,
                    created_at=created_at,
                )
            )
            tales.append(tale)
        self.serial += 1
        reply = Reply(
            proposal=proposal,
            organisation=organisation,
            title=f"对{proposal.session.name}第{proposal.number}号{noun}的答复",
            document_number=f"{organisation.short_name[:2]}函〔{reply_date.year}〕{self.serial}号",
            index_number=f"0140{organisation.pk:05d}/{reply_date.year}-{self.serial:06d}",
            signer=phrases.person(rng),
            reply_date=reply_date,
            published_date=published,
            category=rng.choices("ABCD", weights=[35, 50, 10, 5])[0],
            full_text=phrases.reply_letter(
                proposers=proposal.proposers,
                proposal_title=proposal.title,
                measures=[m.text for m in measures],
                commitments=[c.promised_text for c in commitments],
                organisation_name=organisation.name,
                date=reply_date,
            ),
            contact_name=phrases.person(rng),
            contact_phone=f"0510-{rng.randint(80000000, 89999999)}",
        )
        return reply, measures, commitments, tales

    def _write_co_organisations(self, commitments):
        through = Commitment.co_organisations.through
        links = []
        for commitment in commitments:
            if self.rng.random() < 0.2:
                others = {self.rng.choice(self.bureaus)[0].pk for _ in range(2)}
                others.discard(commitment.lead_organisation_id)
                links += [through(commitment_id=commitment.pk, organisation_id=pk) for pk in others]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def _write_updates(self, commitments, tales):
        updates, evidence_for = [], []
        for commitment, tale in zip(commitments, tales, strict=True):
            author = self.staff.get(commitment.lead_organisation_id)
            for told in tale.updates:
                update = ProgressUpdate(
                    commitment_id=commitment.pk,
                    as_of=told.as_of,
                    created_at=told.created_at,
                    author=author,
                    organisation_id=commitment.lead_organisation_id,
                    text=told.text,
                    status_before=told.status_before,
                    status=told.status,
                    progress=told.progress,
                    reason=told.reason,
                    new_target_date=told.new_target_date,
                    target_date_reason=told.target_date_reason,
                    state=told.state,
                    return_note=told.return_note,
                    submitted_at=told.submitted_at,
                    published_at=told.published_at,
                    published_by=self.rng.choice(self.office) if told.published_at else None,
                    updated_at=told.published_at or told.submitted_at or told.created_at,
                )
                updates.append(update)
                if told.evidence:
                    evidence_for.append((update, told.evidence))
        if connection.vendor == "postgresql":
            copy_rows(updates)
        else:
            ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH_SIZE)
        Evidence.objects.bulk_create(
            [
                Evidence(
                    update=update,
                    url=f"https://www.example.gov.cn/xxgk/{update.as_of:%Y%m}/{update.pk}.html",
                    description=description,
                )
                for update, description in evidence_for
            ],
            batch_size=BATCH_SIZE,
        )
        self.counts["updates"] += len(updates)
        self.counts["evidence"] += len(evidence_for)


def copy_rows(objects):
    """Insert model instances with PostgreSQL's COPY: three times faster than bulk_create here.

    The ids are drawn from the table's sequence first, so the caller can refer to the rows. Every
    concrete field is copied as the instance holds it (auto_now fields included).
    """
    model = type(objects[0])
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            instance.pk = pk
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for instance in objects:
                copy.write_row([getattr(instance, field.attname) for field in fields])
