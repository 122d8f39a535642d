"""Importing a batch of reply letters: a status for each, then the ready ones saved together.

Each letter is `ready` (read without doubt: it can be saved as it is), `attention` (the parser
warned, or something needed is missing: it is checked and saved one by one in the preview),
`duplicate` (imported before, or twice in this batch) or `unreadable` (the file itself could not
be read). Saving takes the ready letters' texts, reads them again and saves them in one
transaction: all of them, or none and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .forms_signer import names_the_organisation
from .importing import LetterImportError, reply_import
from .letters import parse_letter
from .letters.batch import BatchLetter
from .models import Reply, User

READY, ATTENTION, DUPLICATE, UNREADABLE = "ready", "attention", "duplicate", "unreadable"


@dataclass
class BatchRow:
    name: str
    text: str = ""
    status: str = READY
    letter: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    duplicate: Reply | None = None

    @property
    def commitment_count(self) -> int:
        return len(self.letter.get("commitments") or [])


def imported_reply(letter: dict) -> Reply | None:
    """The reply this letter was imported as before, if any: the same index number, or the
    same proposal (session, kind, number) answered by a body of the same name."""
    index_number = letter.get("index_number")
    if index_number:
        found = Reply.objects.filter(index_number=index_number).first()
        if found:
            return found
    name, number = letter.get("organisation"), letter.get("number")
    if not name or not (number or letter.get("title")):
        return None
    # The proposal as reply_import looks it up: by number, or by title when it has none.
    proposal = Q(proposal__kind=letter.get("kind") or "proposal")
    if letter.get("session"):
        proposal &= Q(proposal__session__name=letter["session"])
    else:
        proposal &= Q(proposal__session__isnull=True)
    proposal &= Q(proposal__number=number) if number else Q(proposal__title=letter["title"])
    return (
        Reply.objects.filter(proposal)
        .filter(Q(organisation__name=name) | Q(organisation__short_name=name))
        .first()
    )


def _checked(row: BatchRow, user: User, seen: dict[tuple, str]) -> BatchRow:
    letter = row.letter
    key = (letter.get("index_number") or "", letter.get("kind"), letter.get("session"))
    key += (letter.get("number") or letter.get("title"), letter.get("organisation"))
    if key in seen:
        row.status = DUPLICATE
        row.problems.append(_("The same letter as %(name)s in this batch.") % {"name": seen[key]})
        return row
    seen[key] = row.name
    row.duplicate = imported_reply(letter)
    if row.duplicate is not None:
        row.status = DUPLICATE
        return row
    row.problems += [warning.split("] ", 1)[-1] for warning in letter.get("warnings") or []]
    if not letter.get("title"):
        row.problems.append(_("The proposal's title is missing."))
    if not letter.get("organisation"):
        row.problems.append(_("The replying organisation is missing."))
    if not letter.get("commitments"):
        row.problems.append(_("No commitment was found."))
    if not user.is_office and not names_the_organisation(
        letter.get("organisation") or "", user.organisation
    ):
        row.problems.append(
            _("Signed by %(signer)s, not by %(mine)s: a co-handled reply, or the wrong bureau?")
            % {"signer": letter.get("organisation"), "mine": user.organisation.name}
        )
    row.status = ATTENTION if row.problems else READY
    return row


def batch_rows(letters: list[BatchLetter], user: User) -> list[BatchRow]:
    """Each letter of the batch with what was read from it and its status."""
    rows, seen = [], {}
    for item in letters:
        if item.error is not None:
            rows.append(BatchRow(item.name, status=UNREADABLE, problems=[item.error]))
            continue
        row = BatchRow(item.name, item.text, letter=parse_letter(item.text))
        rows.append(_checked(row, user, seen))
    return rows


class BatchSaveError(LetterImportError):
    def __init__(self, name: str, reason: str):
        self.name = name
        super().__init__(
            _("Nothing was saved: %(name)s could not be saved (%(reason)s).")
            % {"name": name, "reason": reason}
        )


@transaction.atomic
def batch_import(*, letters: list[tuple[str, str]], by: User) -> list[Reply]:
    """Save these (name, text) letters together, each read again and checked again: only a
    letter still ready is saved; any other, or any failure, saves none of them."""
    rows = batch_rows([BatchLetter(name, text=text) for name, text in letters], by)
    replies = []
    for row in rows:
        if row.status != READY:
            reason = row.problems[0] if row.problems else _("imported before")
            raise BatchSaveError(row.name, reason)
        try:
            replies.append(
                reply_import(
                    letter=row.letter,
                    full_text=row.text,
                    organisation=None if by.is_office else by.organisation,
                    by=by,
                )
            )
        except LetterImportError as error:
            raise BatchSaveError(row.name, str(error)) from error
    return replies
