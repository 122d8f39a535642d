"""Cells for files that spreadsheet programs open (the CSV export; an Excel workbook alike).

Excel, WPS and LibreOffice read a cell that starts with = + - or @ as a formula, and skip a tab
or carriage return (and, on import, spaces) before it; a formula can compute, fetch addresses
and, through DDE, run programs on the reader's machine. Update texts and titles come from bureau
staff and imported letters, so every text cell that could start a formula is written with a
single quote in front, which the programs show as text (OWASP, "CSV Injection"). Numbers, dates
and other values that are no text stay as they are: a real negative number is no formula.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Blanks a program may skip before the first character on import, and, as a precaution that
# costs a reader nothing, the full-width signs an input method may turn into formula signs.
LEADING_BLANKS = " \t\r\n\u3000"
FULL_WIDTH_STARTS = ("＝", "＋", "－", "＠")


def text_cell(value):
    """The value, with a single quote in front if it is a text a spreadsheet would calculate."""
    if not isinstance(value, str) or not value:
        return value
    first = value.lstrip(LEADING_BLANKS)[:1] or value[:1]
    if value.startswith(FORMULA_STARTS) or first in FORMULA_STARTS + FULL_WIDTH_STARTS:
        return "'" + value
    return value


def spreadsheet_row(cells):
    """A row of cells, each text that would start a formula neutralised by text_cell."""
    return [text_cell(cell) for cell in cells]
