"""Saving a parsed reply letter: one transaction, so a failure leaves no rows behind."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .data_version import bump_data_version
from .letters import read_heading
from .models import Commitment, Measure, Organisation, Proposal, Rehandling, Reply, Session, User
from .notifications import notify
from .permissions import can_correct_reply, can_import_for, can_reply_to_rehandling, require
from .workflow import proposers_follow, proposers_match


class LetterImportError(Exception):
    """The letter cannot be saved; the message says why, for the person importing it."""


class DuplicateReply(LetterImportError):
    def __init__(self, reply):
        self.reply = reply
        super().__init__(
            _("This reply has already been imported (reply #%(id)s); use update to replace it.")
            % {"id": reply.pk}
        )


def _date(value):
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def organisation_for_name(name: str) -> Organisation:
    """The organisation with this full or short name, created if it is new."""
    name = name.strip()
    existing = (
        Organisation.objects.filter(name=name).first()
        or Organisation.objects.filter(short_name=name).first()
    )
    if existing:
        return existing
    # Chinese names slugify to nothing; a short stable hash keeps addresses readable and unique.
    slug = slugify(name) or "org-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return Organisation.objects.create(name=name, slug=slug)


def session_for_name(name: str, *, kind: str, year: int) -> Session:
    body = Session.Body.CONGRESS if ("人大" in name or kind == "suggestion") else Session.Body.CPPCC
    session, _created = Session.objects.get_or_create(
        name=name, defaults={"body": body, "year": year}
    )
    return session


@transaction.atomic
def reply_import(
    *,
    letter: dict,
    full_text: str,
    organisation: Organisation | None = None,
    source_url: str = "",
    update: bool = False,
    by: User | None = None,
    rehandling: Rehandling | None = None,
) -> Reply:
    """Save a parsed letter (the parser's JSON shape) as proposal, reply, measures, commitments.

    `by` is the person importing, whose rights permissions.py checks; None is the server's
    operator running `import_reply`. Raises DuplicateReply when the letter was imported before
    and `update` is false. With `rehandling`, the letter is that round's reply: filed under its
    proposal and round, whatever the letter says of the proposal.
    """
    if rehandling is not None and by is not None:
        require(
            can_reply_to_rehandling(by, rehandling),
            _("Only the bureaus handling the proposal reply to its re-handling."),
        )
    if organisation is None:
        if not letter.get("organisation"):
            raise LetterImportError(_("The letter does not say which organisation replied."))
        if by is not None:
            require(
                can_import_for(by, None), _("You may import only your own organisation's replies.")
            )
        organisation = organisation_for_name(letter["organisation"])
    if by is not None:
        require(
            can_import_for(by, organisation),
            _("You may import only your own organisation's replies."),
        )
    if not letter.get("title"):
        raise LetterImportError(_("The letter does not give the proposal's title."))

    reply_date = _date(letter.get("reply_date"))
    published_date = _date(letter.get("published_date"))
    year = (reply_date or published_date or timezone.localdate()).year
    kind = letter.get("kind") or Proposal.Kind.PROPOSAL
    session = (
        session_for_name(letter["session"], kind=kind, year=year) if letter.get("session") else None
    )
    number = letter.get("number") or ""
    lookup = {"session": session, "kind": kind}
    lookup.update({"number": number} if number else {"number": "", "title": letter["title"]})
    if rehandling is not None:
        proposal, reply_round = rehandling.proposal, rehandling.round
    else:
        reply_round = 1
        proposal, _created = Proposal.objects.get_or_create(
            **lookup,
            defaults={
                "title": letter["title"],
                "proposers": letter.get("proposers") or [],
                "lead_organisation": organisation,
            },
        )

    index_number = letter.get("index_number") or ""
    # Locked, as are its commitments below (in position order, after the reply, as every other
    # writer takes them), so that a correction or a publish committed meanwhile is read, not
    # overwritten with what was read before it.
    replies = Reply.objects.select_for_update()
    existing = None
    if index_number:
        existing = replies.filter(index_number=index_number).first()
    existing = (
        existing
        or replies.filter(proposal=proposal, organisation=organisation, round=reply_round).first()
    )
    if existing and not update:
        raise DuplicateReply(existing)
    if existing and by is not None:
        require(can_correct_reply(by, existing), _("This reply belongs to another organisation."))

    reply = existing or Reply(proposal=proposal, organisation=organisation, round=reply_round)
    reply.document_number = letter.get("document_number") or ""
    reply.index_number = index_number
    reply.signer = letter.get("signer") or ""
    reply.reply_date = reply_date
    reply.published_date = published_date
    reply.category = letter.get("category") or ""
    reply.full_text = full_text
    reply.title = (read_heading(full_text) or "")[:300]
    reply.source_url = source_url
    contact = letter.get("contact") or {}
    reply.contact_name = contact.get("name") or ""
    reply.contact_phone = contact.get("phone") or ""
    reply.save()

    reply.measures.all().delete()
    Measure.objects.bulk_create(
        Measure(reply=reply, position=position, title=item.get("title") or "", text=item["text"])
        for position, item in enumerate(letter.get("measures") or [], start=1)
    )
    bump_data_version()  # bulk_create sends no post_save
    _save_commitments(reply, letter.get("commitments") or [], organisation)
    proposers_match(proposal=proposal)
    proposers_follow(proposal=proposal)
    if existing is None:
        # The proposers hear of a new reply (a corrected import is not news).
        notify("reply_filed", reply.pk)
    return reply


def _save_commitments(reply, items, organisation):
    existing = {c.position: c for c in reply.commitments.select_for_update().order_by("position")}
    for position, item in enumerate(items, start=1):
        commitment = existing.pop(position, None) or Commitment(
            reply=reply, position=position, lead_organisation=organisation
        )
        commitment.title = (item.get("title") or item["text"][:60])[:300]
        commitment.promised_text = item["text"]
        # The due date the letter states is set once; a later import never moves it (a revised
        # date goes through a progress update).
        if commitment.original_target_date is None:
            commitment.original_target_date = _date(item.get("target_date"))
        commitment.save()
    for leftover in existing.values():
        if leftover.updates.exists():
            raise LetterImportError(
                _("Commitment %(position)s has progress updates and cannot be removed.")
                % {"position": leftover.position}
            )
        leftover.delete()
