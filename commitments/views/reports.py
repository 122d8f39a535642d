"""The year's handling report: public (published data only) and the office's (with what is not
published yet), each as a page for screen and print and as an Excel workbook.

A report runs the same few grouped queries whatever the number of organisations (reports.py);
the workbook adds one query for the commitment list, read through an iterator.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..models import Commitment, Status
from ..permissions import WorkspaceMixin, can_see_internal_report
from ..report_charts import month_bars, status_bar_blocks
from ..report_summary import summary_sentences
from ..report_tables import report_tables
from ..reports import FIRST_YEAR, LAST_YEAR, build_report, report_years
from ..workbooks import workbook_response, write_report_workbook
from .export import commitment_rows, header_row


def report_title(report):
    if report.internal:
        return _("Handling report %(year)s (office)") % {"year": report.year}
    return _("Handling report %(year)s") % {"year": report.year}


class ReportMixin:
    """Who reads the report: the public (`internal` False) or the office."""

    internal = False
    namespace = "commitments"

    def check_reader(self):
        if self.internal and not can_see_internal_report(self.request.user):
            raise PermissionDenied(_("Only the supervising office sees the internal report."))

    def get_report(self, year):
        self.check_reader()
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404
        report = build_report(year, internal_for=self.request.user if self.internal else None)
        if report.is_empty:
            raise Http404(_("No proposals, replies or commitments for this year."))
        return report


class ReportIndexView(ReportMixin, TemplateView):
    template_name = "commitments/report_index.html"

    def get_context_data(self, **kwargs):
        self.check_reader()
        return super().get_context_data(
            years=report_years(), internal=self.internal, namespace=self.namespace, **kwargs
        )


class ReportView(ReportMixin, TemplateView):
    template_name = "commitments/report_detail.html"

    def get_context_data(self, **kwargs):
        report = self.get_report(self.kwargs["year"])
        return super().get_context_data(
            report=report,
            title=report_title(report),
            summary=summary_sentences(report),
            tables=report_tables(report),
            status_blocks=status_bar_blocks(report),
            months=month_bars(report),
            status_choices=Status.choices,
            stale_days=settings.TRACKER_STALE_DAYS,
            namespace=self.namespace,
            **kwargs,
        )


class ReportWorkbookView(ReportMixin, View):
    def get(self, request, year):
        report = self.get_report(year)
        commitments = (
            Commitment.objects.public()
            .of_year(year)
            .order_by("lead_organisation__name", "reply_id", "position")
        )

        def write(book):
            write_report_workbook(
                book,
                report=report,
                title=report_title(report),
                sentences=summary_sentences(report),
                tables=report_tables(report),
                commitment_rows=commitment_rows(commitments, request),
                headers=header_row(),
            )

        suffix = "-office" if report.internal else ""
        return workbook_response(write, f"handling-report-{year}{suffix}.xlsx")


class OfficeReportMixin(WorkspaceMixin, ReportMixin):
    internal = True
    namespace = "workspace"


class OfficeReportIndexView(OfficeReportMixin, ReportIndexView):
    template_name = "commitments/workspace_report_index.html"


class OfficeReportView(OfficeReportMixin, ReportView):
    template_name = "commitments/workspace_report_detail.html"


class OfficeReportWorkbookView(OfficeReportMixin, ReportWorkbookView):
    pass
