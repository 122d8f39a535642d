"""The filtered commitment list as CSV: same filters as the page, published data only.

The file is streamed row by row from a database iterator, so memory stays flat however many
commitments match.
"""

import csv

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..filters import CommitmentFilter
from ..models import Commitment

# Spreadsheet programs on Chinese Windows read a UTF-8 file as GBK unless it starts with a BOM.
BYTE_ORDER_MARK = "\ufeff"
CHUNK_SIZE = 2000


class EchoBuffer:
    """A file-like object for csv.writer that hands each written line straight back."""

    def write(self, value):
        return value


def export_queryset():
    return (
        Commitment.objects.public()
        .select_related("reply__proposal__session", "lead_organisation")
        .defer("reply__full_text")
        .prefetch_related("co_organisations")
    )


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
    ]


def commitment_row(commitment, request):
    yes, no = _("yes"), _("no")
    reply = commitment.reply
    proposal = reply.proposal
    last_published = commitment.last_published_at
    return [
        commitment.pk,
        request.build_absolute_uri(commitment.get_absolute_url()),
        commitment.title,
        commitment.promised_text,
        commitment.get_status_display(),
        commitment.status,
        commitment.progress,
        commitment.original_target_date or "",
        commitment.current_target_date or "",
        yes if commitment.is_overdue() else no,
        yes if commitment.is_stale() else no,
        timezone.localdate(last_published) if last_published else "",
        commitment.lead_organisation.name,
        "; ".join(org.name for org in commitment.co_organisations.all()),
        proposal.title,
        proposal.session.name if proposal.session else "",
        reply.index_number,
        reply.reply_date or "",
        commitment.position,
    ]


def commitment_export(request):
    filterset = CommitmentFilter(request.GET, queryset=export_queryset())
    if not filterset.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
        )
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    writer = csv.writer(EchoBuffer())
    # The rows are produced after the view returns: keep the visitor's language for them.
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield BYTE_ORDER_MARK + writer.writerow(header_row())
            for commitment in filterset.qs.iterator(chunk_size=CHUNK_SIZE):
                yield writer.writerow(commitment_row(commitment, request))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="commitments.csv"'
    return response
