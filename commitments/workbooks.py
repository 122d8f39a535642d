"""Excel workbooks (.xlsx): the handling report and the commitment list, in constant memory.

XlsxWriter's `constant_memory` mode writes each row out to a temporary file as soon as the next
one starts and keeps its texts inline instead of in a shared-strings table, so memory stays flat
however many rows the database iterator hands over. An .xlsx is a zip whose directory comes last,
so it cannot go out before it is finished: the workbook is written into an anonymous temporary
file, which the response then streams in blocks and which disappears when the response closes.

Texts are written as texts, never as formulas, numbers or links, and a text that a spreadsheet
would read as a formula gets the same single quote in front as in the CSV (spreadsheet.py).
Excel and WPS read the UTF-8 inside an .xlsx as it is: Chinese needs no byte-order mark here.
"""

import datetime
import re
import tempfile

import xlsxwriter
from django.http import FileResponse
from django.utils.translation import gettext as _

from .spreadsheet import text_cell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
# Excel's limits: characters in a cell, and in a sheet's name (which may not hold []:*?/\).
LONGEST_TEXT = 32767
LONGEST_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class Sheet:
    """One worksheet, written a row at a time from the top (as constant_memory requires)."""

    def __init__(self, book, name, widths):
        self.book = book
        self.worksheet = book.workbook.add_worksheet(name)
        self.row = 0
        for column, width in enumerate(widths):
            self.worksheet.set_column(column, column, width)

    def write(self, cells, style=None, kinds=()):
        for column, value in enumerate(cells):
            kind = kinds[column] if column < len(kinds) else None
            self.write_cell(column, value, style, kind)
        self.row += 1

    def write_cell(self, column, value, style, kind):
        styles = self.book.styles
        if kind == "percent":
            if value is None:
                self.worksheet.write_blank(self.row, column, None, style)
            else:
                self.worksheet.write_number(self.row, column, value / 100, styles["percent"])
        elif value is None or value == "":
            self.worksheet.write_blank(self.row, column, None, style)
        elif isinstance(value, bool):
            self.worksheet.write_boolean(self.row, column, value, style)
        elif isinstance(value, int | float):
            self.worksheet.write_number(self.row, column, value, style)
        elif isinstance(value, datetime.date):
            self.worksheet.write_datetime(self.row, column, value, styles["date"])
        else:
            text = text_cell(str(value))[:LONGEST_TEXT]
            self.worksheet.write_string(self.row, column, text, style)

    def skip(self, rows=1):
        self.row += rows


class Book:
    def __init__(self, workbook):
        self.workbook = workbook
        self.names = set()
        self.styles = {
            "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "total": workbook.add_format({"bold": True}),
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "percent": workbook.add_format({"num_format": "0.0%"}),
        }

    def sheet(self, name, widths=()):
        return Sheet(self, self.sheet_name(name), widths)

    def sheet_name(self, name):
        """A valid name, unique in the workbook: Excel refuses long names and some signs."""
        base = SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:LONGEST_SHEET_NAME] or "Sheet"
        candidate, number = base, 2
        while candidate.lower() in self.names:
            suffix = f" ({number})"
            candidate = base[: LONGEST_SHEET_NAME - len(suffix)] + suffix
            number += 1
        self.names.add(candidate.lower())
        return candidate


def workbook_response(write, filename):
    """A response streaming the workbook that `write(book)` fills, from a temporary file."""
    output = tempfile.TemporaryFile()
    try:
        workbook = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
        write(Book(workbook))
        workbook.close()
        output.seek(0)
    except BaseException:
        output.close()
        raise
    # FileResponse reads the file in blocks and closes (so deletes) it when the response ends.
    return FileResponse(output, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)


def write_commitment_sheet(book, name, headers, rows):
    """The commitment list as the CSV has it: same columns, same order."""
    sheet = book.sheet(name, widths=[8, 30, 40, 60, 18, 14, 10, 12, 12, 8, 8, 12, 24, 30, 40, 24])
    sheet.write(headers, book.styles["header"])
    sheet.worksheet.freeze_panes(1, 0)
    for row in rows:
        sheet.write(row)


def write_table_sheet(book, table):
    sheet = book.sheet(table.title, widths=[28, *([14] * len(table.columns))])
    kinds = [None, *(column.kind for column in table.columns)]
    sheet.write(table.flat_headers(), book.styles["header"])
    sheet.worksheet.freeze_panes(1, 1)
    for row in table.rows:
        sheet.write([row.label, *row.cells], kinds=kinds)
    if table.total is not None:
        sheet.write([table.total.label, *table.total.cells], book.styles["total"], kinds=kinds)
    if table.notes:
        sheet.skip()
        for note in table.notes:
            sheet.write([note])


def write_report_workbook(book, *, report, title, sentences, tables, commitment_rows, headers):
    """A summary sheet, one sheet per table of the page, and the year's commitments."""
    summary = book.sheet(_("Summary"), widths=[40, 16])
    summary.write([title], book.styles["title"])
    summary.write([_("As of %(date)s") % {"date": report.as_of.isoformat()}])
    summary.skip()
    for sentence in sentences:
        summary.write([sentence])
    summary.skip()
    overall = report.overall
    for label, value in [
        (_("Proposals and suggestions"), overall.proposals),
        (_("Proposals answered"), overall.proposals_answered),
        (_("Replies"), overall.replies),
        (_("Commitments"), overall.commitments),
        (_("Completed"), overall.completed),
        (_("Overdue"), overall.overdue),
        (_("Not updated recently"), overall.stale),
        (_("Ratings"), overall.ratings),
        (_("Re-handling rounds"), overall.rehandling_rounds),
    ]:
        summary.write([label, value])
    summary.write([_("Completion rate"), overall.completion_rate], kinds=[None, "percent"])
    for table in tables:
        write_table_sheet(book, table)
    write_commitment_sheet(book, _("Commitments"), headers, commitment_rows)
