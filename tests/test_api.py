"""The read-only JSON API: published data, filterable like the list, paginated, described."""

import datetime

import pytest
from workspace_support import publish, submit

from commitments.models import Commitment, Evidence, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def investment(reply):
    return Commitment.objects.create(
        reply=reply,
        position=2,
        title="开展精准招商，强化龙头企业引领",
        promised_text="围绕强链补链开展系统的项目招引。",
        lead_organisation=reply.organisation,
        original_target_date=datetime.date(2020, 12, 31),
    )


def test_commitments_are_listed_with_pagination(client, commitment, investment):
    body = client.get("/api/v1/commitments/").json()
    assert body["count"] == 2
    assert {item["title"] for item in body["results"]} == {commitment.title, investment.title}
    assert "next" in body and "previous" in body


def test_commitments_take_the_same_filters_as_the_list(client, commitment, investment):
    def titles(**params):
        return [
            item["title"] for item in client.get("/api/v1/commitments/", params).json()["results"]
        ]

    assert titles(q="招商") == [investment.title]
    assert titles(overdue="1") == [investment.title]
    assert titles(organisation=commitment.lead_organisation.slug, sort="target") == [
        investment.title,
        commitment.title,
    ]
    assert titles(year="1999") == []


def test_a_malformed_filter_is_a_client_error(client, commitment):
    assert client.get("/api/v1/commitments/", {"status": "nonsense"}).status_code == 400


def test_commitment_shows_status_dates_flags_and_its_web_page(client, investment):
    item = client.get(f"/api/v1/commitments/{investment.pk}/").json()
    assert item["status"] == "not_assessed"
    assert item["original_target_date"] == "2020-12-31"
    assert item["current_target_date"] == "2020-12-31"
    assert item["is_overdue"] is True
    assert item["lead_organisation"]["slug"] == investment.lead_organisation.slug
    assert item["web_url"].endswith(f"/commitments/{investment.pk}/")


def test_reply_includes_measures_and_commitments_but_no_contact_fields(client, reply, commitment):
    Measure.objects.create(reply=reply, position=1, title="摸排", text="全面摸排停车需求。")

    item = client.get(f"/api/v1/replies/{reply.pk}/").json()

    assert item["index_number"] == "TEST/2024-0007"
    assert item["measures"] == [{"position": 1, "title": "摸排", "text": "全面摸排停车需求。"}]
    assert item["commitments"] == [commitment.pk]
    assert "contact_name" not in item and "contact_phone" not in item


def test_proposals_list_their_replies(client, reply):
    item = client.get("/api/v1/proposals/").json()["results"][0]
    assert item["title"] == "关于改善社区停车的建议"
    assert item["proposers"] == ["王小明"]
    assert item["replies"] == [reply.pk]
    assert item["session"]["year"] == 2024


def test_updates_are_published_ones_with_evidence_and_no_internal_fields(
    client, commitment, make_update, publish_update, office_user
):
    update = make_update(commitment, text="已开工。")
    Evidence.objects.create(update=update, url="https://example.org/a", description="开工照片")
    submit(update)
    publish(update, by=office_user)
    make_update(commitment, text="草稿")

    results = client.get("/api/v1/updates/", {"commitment": commitment.pk}).json()["results"]

    assert [item["text"] for item in results] == ["已开工。"]
    assert results[0]["evidence"] == [
        {"description": "开工照片", "url": "https://example.org/a", "file": None}
    ]
    for internal in ("return_note", "state", "author", "published_by", "version"):
        assert internal not in results[0]


def test_api_is_read_only(client, commitment):
    assert client.post("/api/v1/commitments/", {"title": "x"}).status_code == 405
    assert client.delete(f"/api/v1/commitments/{commitment.pk}/").status_code == 405


def test_openapi_schema_describes_the_endpoints_and_filters(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/commitments/", "/api/v1/replies/", "/api/v1/updates/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]}
    assert {
        "status",
        "organisation",
        "session",
        "year",
        "overdue",
        "stale",
        "q",
        "page",
    } <= parameters


def test_updates_page_through_newest_first_without_a_total(client, commitment, make_update):
    for day in range(1, 56):
        publish(
            make_update(commitment, as_of=datetime.date(2024, 1, 1) + datetime.timedelta(days=day))
        )

    first = client.get("/api/v1/updates/").json()
    second = client.get(first["next"]).json()

    assert "count" not in first
    assert len(first["results"]) == 50 and len(second["results"]) == 5
    published = [u["published_at"] for u in first["results"] + second["results"]]
    assert published == sorted(published, reverse=True)
    assert second["next"] is None
