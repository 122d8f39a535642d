"""The Excel workbooks: the report's (the page's figures, sheet by sheet, and the year's
commitments) and the commitment list's (the CSV's rows and columns), formula-safe, Chinese intact,
written in constant memory."""

import csv
import datetime
import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from report_support import YEAR, build_year, page_tables, year_of_commitment
from test_export_formulas import FORMULAS

from commitments.models import Commitment, Organisation
from commitments.workbooks import workbook_response, write_commitment_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_data(django_user_model, office_user):
    return build_year(django_user_model, office_user)


def download(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return b"".join(response.streaming_content)


def workbook(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def cell_text(value):
    """A cell as the page or the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def test_report_workbook_holds_the_pages_figures_sheet_by_sheet(client, year_of_data):
    page = client.get(f"/en/reports/{YEAR}/")
    tables = page.context["tables"]

    book = workbook(download(client, f"/en/reports/{YEAR}.xlsx"))

    assert book.sheetnames == ["Summary", *(table.title for table in tables), "Commitments"]
    expected = page_tables(page.content.decode())
    for table in tables:
        header, *rows = book[table.title].iter_rows(values_only=True)
        assert list(header) == table.flat_headers()
        sheet = {}
        for label, *cells in rows:
            if label is None:
                break  # the notes follow after an empty row
            sheet[label] = [
                "–"
                if cell is None and column.kind == "percent"
                else f"{100 * cell:.1f}%"
                if column.kind == "percent"
                else cell_text(cell)
                for column, cell in zip(table.columns, cells, strict=True)
            ]
        assert sheet == expected[table.key], table.key
    summary = [row[0] for row in book["Summary"].iter_rows(values_only=True)]
    assert all(sentence in summary for sentence in page.context["summary"])


def test_report_workbook_lists_the_years_commitments_with_the_csv_columns(client, year_of_data):
    csv_header = next(csv.reader(io.StringIO(client_csv(client, "/en/commitments/export.csv"))))

    book = workbook(download(client, f"/zh-hans/reports/{YEAR}.xlsx"))
    header, *rows = book.worksheets[-1].iter_rows(values_only=True)

    zh_header = next(csv.reader(io.StringIO(client_csv(client, "/zh-hans/commitments/export.csv"))))
    assert list(header) == zh_header and len(header) == len(csv_header)
    expected = {
        c.pk: c.title
        for c in Commitment.objects.select_related("session", "reply")
        if year_of_commitment(c) == YEAR
    }
    assert {row[0]: row[2] for row in rows} == expected
    assert "承诺1-1" in expected.values()  # Chinese, as written


def client_csv(client, address, params=None):
    response = client.get(address, params or {})
    return b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")


@pytest.mark.parametrize("query", [{}, {"status": "completed"}, {"q": "承诺2", "sort": "target"}])
def test_commitment_list_xlsx_has_the_csvs_rows_and_columns_for_the_same_filters(
    client, year_of_data, query
):
    expected = list(
        csv.reader(io.StringIO(client_csv(client, "/en/commitments/export.csv", query)))
    )

    response = client.get("/en/commitments/export.xlsx", query)
    book = workbook(b"".join(response.streaming_content))

    assert 'filename="commitments.xlsx"' in response["Content-Disposition"]
    rows = [[cell_text(cell) for cell in row] for row in book.active.iter_rows(values_only=True)]
    assert rows == expected
    assert len(rows) > 1


def test_commitment_list_xlsx_refuses_filters_it_cannot_use(client, commitment):
    assert client.get("/en/commitments/export.xlsx", {"session": "x"}).status_code == 400


@pytest.mark.parametrize("formula", FORMULAS)
def test_xlsx_texts_that_would_start_a_formula_stay_text(client, commitment, formula):
    commitment.title = formula
    commitment.save()
    Organisation.objects.filter(pk=commitment.lead_organisation_id).update(name=formula)

    content = download(client, "/en/commitments/export.xlsx")
    sheet = workbook(content).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}

    for column in ("Title", "Lead organisation"):
        # A carriage return is stored as Excel writes it, _x000D_, which openpyxl leaves as is.
        assert row[column].value.replace("_x000D_", "\r") == "'" + formula
        assert row[column].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(name) for name in sheets)


def peak_memory_writing(rows):
    """The largest Python memory in use while a workbook of `rows` rows is written."""
    text = "推进产业发展，年内完成项目建设。" * 8

    def write(book):
        write_commitment_sheet(
            book,
            "承诺",
            ["ID", "Title", "Text", "Date", "Progress"],
            ([n, f"承诺{n}", text, datetime.date(2024, 1, 1), n % 100] for n in range(rows)),
        )

    tracemalloc.start()
    try:
        response = workbook_response(write, "test.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = sum(len(block) for block in response.streaming_content)
    response.close()
    return peak, size


def test_workbook_memory_stays_flat_however_many_rows(client):
    small_peak, small_size = peak_memory_writing(1_000)
    large_peak, large_size = peak_memory_writing(20_000)

    assert large_size > 10 * small_size  # twenty times the rows, on disk
    assert large_peak < small_peak + 2_000_000  # but no more memory for them
