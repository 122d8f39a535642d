"""Text search and the CSV export at scale: the search reads titles, promised text and the
proposal's title; the export reads every row's figures from the database in a fixed number of
queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import Commitment, Organisation

pytestmark = pytest.mark.django_db


def titles_found(client, text):
    response = client.get("/en/commitments/", {"q": text})
    return [c.title for c in response.context["page_obj"].object_list]


def csv_rows(client, address, **params):
    response = client.get(address, params)
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


@pytest.fixture
def latin_commitment(reply, bureau):
    return Commitment.objects.create(
        reply=reply,
        position=2,
        title="5G Base Stations",
        promised_text="Build 5G base stations in every park.",
        lead_organisation=bureau,
    )


def test_search_finds_chinese_words_in_titles_promised_text_and_the_proposal(client, commitment):
    assert titles_found(client, "停车位") == [commitment.title]  # title
    assert titles_found(client, "公共停车") == [commitment.title]  # promised text
    assert titles_found(client, "改善社区") == [commitment.title]  # the proposal's title
    assert titles_found(client, "地铁") == []


def test_search_ignores_the_case_of_latin_letters(client, commitment, latin_commitment):
    assert titles_found(client, "base stations") == [latin_commitment.title]
    assert titles_found(client, "5g BASE") == [latin_commitment.title]


def test_csv_export_lists_other_organisations_by_name_and_flags_in_words(
    client, commitment, bureau
):
    commitment.co_organisations.add(
        Organisation.objects.create(name="乙局", slug="b-bureau"),
        Organisation.objects.create(name="甲局", slug="a-bureau"),
    )
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Commitment.objects.filter(pk=commitment.pk).update(
        current_target_date=datetime.date(2020, 1, 1), created_at=long_ago
    )

    header, row = csv_rows(client, "/en/commitments/export.csv")
    cells = dict(zip(header, row, strict=True))

    assert cells["Other responsible organisations"] == "乙局; 甲局"
    assert (cells["Overdue"], cells["Not updated recently"]) == ("yes", "yes")
    assert cells["Session"] == commitment.reply.proposal.session.name
    assert cells["Status"] == "Not yet assessed"


def test_csv_export_reads_thousands_of_rows_in_the_same_queries_as_one(client, reply, bureau):
    def queries_for_export():
        with CaptureQueriesContext(connection) as queries:
            rows = csv_rows(client, "/en/commitments/export.csv")
        return len(queries), len(rows) - 1

    Commitment.objects.create(
        reply=reply, position=1, title="一", promised_text="……", lead_organisation=bureau
    )
    one = queries_for_export()
    Commitment.objects.bulk_create(
        Commitment(
            reply=reply,
            position=position,
            title=f"承诺{position}",
            promised_text="……",
            lead_organisation=bureau,
            session=reply.proposal.session,
        )
        for position in range(2, 2502)
    )
    many = queries_for_export()

    assert (one[1], many[1]) == (1, 2501)
    assert many[0] == one[0]
