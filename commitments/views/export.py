"""The filtered commitment list as CSV or .xlsx: same filters as the page, published data only.

The file is streamed from a database iterator in blocks of rows, so memory stays flat however many
commitments match. One query reads the rows (overdue and stale computed in the database) and one
the co-handling organisations' names, whatever the number of rows.
"""

import csv
import io
from collections import defaultdict

from django.conf import settings
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..filters import CommitmentFilter
from ..models import Commitment, Status
from ..redaction import redact_contacts
from ..spreadsheet import spreadsheet_row
from ..workbooks import workbook_response, write_commitment_sheet

# Spreadsheet programs on Chinese Windows read a UTF-8 file as GBK unless it starts with a BOM.
BYTE_ORDER_MARK = "\ufeff"
# Rows fetched from the database per round trip, and rows written per block of the response.
CHUNK_SIZE = 2000
ROWS_PER_BLOCK = 500

COLUMNS = [
    "pk",
    "title",
    "promised_text",
    "status",
    "progress",
    "original_target_date",
    "current_target_date",
    "flag_overdue",
    "flag_stale",
    "last_published_at",
    "lead_organisation__name",
    "reply__proposal__title",
    "session__name",
    "reply__index_number",
    "reply__reply_date",
    "position",
    "parent_id",
    "weight",
]


def header_row():
    return [
        _("ID"),
        _("Web address"),
        _("Title"),
        _("Promised text"),
        _("Status"),
        _("Status code"),
        _("Progress (%)"),
        _("Original target date"),
        _("Current target date"),
        _("Overdue"),
        _("Not updated recently"),
        _("Last published update"),
        _("Lead organisation"),
        _("Other responsible organisations"),
        _("Proposal"),
        _("Session"),
        _("Reply index number"),
        _("Reply date"),
        _("Position in the letter"),
        _("Parent commitment ID"),
        _("Weight in the parent"),
        _("Text from"),
    ]


def column_descriptions():
    """Each column of header_row() with what it holds, in the same order (the methodology)."""
    descriptions = [
        _("The commitment's number on this site; it never changes."),
        _("The commitment's page: the promise next to what has been delivered."),
        _("The short title of the commitment."),
        _("The promise, word for word from the reply letter, contact details withheld."),
        _("The published status, in the language of the download."),
        _("The same status as a fixed key (on_track, completed …), for scripts and filters."),
        _("Published progress, a whole number from 0 to 100."),
        _("The date promised in the letter (YYYY-MM-DD); empty when the letter gives none."),
        _("The target date after any published revision; the original date if none."),
        _("Yes when the current target date has passed and the status is not final."),
        _("Yes when no update has been published for %(days)s days and the status is not final.")
        % {"days": settings.TRACKER_STALE_DAYS},
        _("The date the latest progress update was published; empty when none has been."),
        _("The organisation that leads on the commitment."),
        _("The other organisations that share it, separated by “; ”."),
        _("The title of the proposal the letter answers."),
        _("The session (会次) the proposal was filed at."),
        _("The letter's index number (索引号), as published."),
        _("The date of the reply letter (成文日期)."),
        _("The commitment's place among the commitments of its letter, from 1."),
        _("For a sub-target, the ID of the commitment it belongs to; empty otherwise."),
        _("For a sub-target, its weight in the parent's progress (a weighted mean)."),
        _(
            "“reply letter” for the letter's own commitments; “bureau's breakdown” for "
            "sub-targets, whose text is the bureau's, not the letter's."
        ),
    ]
    return list(zip(header_row(), descriptions, strict=True))


def co_organisation_names(commitments):
    """Each commitment's other responsible organisations, "; "-joined in name order."""
    through = Commitment.co_organisations.through
    links = (
        through.objects.filter(commitment__in=commitments.values("pk"))
        .order_by("commitment_id", "organisation__name")
        .values_list("commitment_id", "organisation__name")
    )
    names = defaultdict(list)
    for commitment_id, name in links:
        names[commitment_id].append(name)
    return {commitment_id: "; ".join(group) for commitment_id, group in names.items()}


def commitment_rows(commitments, request):
    """The CSV rows of the commitments, in the list's order, as lists of cells."""
    yes, no = _("yes"), _("no")
    from_letter, breakdown = _("reply letter"), _("bureau's breakdown")
    status_labels = {status.value: str(status.label) for status in Status}
    # A commitment's page is at the stable address <list>/<id>/ (DESIGN.md, "Pages").
    list_url = request.build_absolute_uri(reverse("commitments:commitment_list"))
    co_names = co_organisation_names(commitments)
    rows = commitments.with_flags().values_list(*COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    for (
        pk,
        title,
        promised_text,
        status,
        progress,
        original_target_date,
        current_target_date,
        overdue,
        stale,
        last_published_at,
        lead_organisation,
        proposal_title,
        session,
        index_number,
        reply_date,
        position,
        parent_id,
        weight,
    ) in rows:
        yield [
            pk,
            f"{list_url}{pk}/",
            title,
            # The rows are read as values, not models: the same rule as public_promised_text.
            redact_contacts(promised_text),
            status_labels[status],
            status,
            progress,
            original_target_date or "",
            current_target_date or "",
            yes if overdue else no,
            yes if stale else no,
            timezone.localdate(last_published_at) if last_published_at else "",
            lead_organisation,
            co_names.get(pk, ""),
            proposal_title,
            session or "",
            index_number,
            reply_date or "",
            position,
            parent_id or "",
            weight if parent_id else "",
            breakdown if parent_id else from_letter,
        ]


def csv_blocks(rows):
    """The rows as CSV text, a few hundred at a time: fewer, larger writes to the client.

    A text cell that a spreadsheet would read as a formula is written as text (spreadsheet.py).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, row in enumerate(rows, start=1):
        writer.writerow(spreadsheet_row(row))
        if number % ROWS_PER_BLOCK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def filter_errors(filterset):
    """A 400 naming the filters that could not be used."""
    errors = "; ".join(
        f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
    )
    return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")


def commitment_export(request):
    filterset = CommitmentFilter(request.GET, queryset=Commitment.objects.public())
    if not filterset.is_valid():
        return filter_errors(filterset)
    # The rows are produced after the view returns: keep the visitor's language for them.
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield BYTE_ORDER_MARK
            yield from csv_blocks([header_row()])
            yield from csv_blocks(commitment_rows(filterset.qs, request))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="commitments.csv"'
    return response


def commitment_export_xlsx(request):
    """The same filtered list as the CSV, as an Excel workbook (workbooks.py)."""
    filterset = CommitmentFilter(request.GET, queryset=Commitment.objects.public())
    if not filterset.is_valid():
        return filter_errors(filterset)

    def write(book):
        rows = commitment_rows(filterset.qs, request)
        write_commitment_sheet(book, _("Commitments"), header_row(), rows)

    return workbook_response(write, "commitments.xlsx")
