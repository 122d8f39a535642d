"""Atom feeds of published progress updates, for everything and for one commitment."""

import feedparser
import pytest
from workspace_support import publish, submit

from commitments.models import Commitment, Evidence

pytestmark = pytest.mark.django_db


def parse(client, address):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return feedparser.parse(response.content)


@pytest.fixture
def second_commitment(reply, bureau):
    return Commitment.objects.create(
        reply=reply,
        position=2,
        title="增设充电桩",
        promised_text="增设充电桩50个。",
        lead_organisation=bureau,
    )


def test_updates_feed_lists_published_updates_newest_first(
    client, commitment, second_commitment, publish_update
):
    publish_update(commitment, text="已完成选址。")
    latest = publish_update(second_commitment, text="已安装30个。", progress=60)

    feed = parse(client, "/feeds/updates/")

    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [
        "增设充电桩: Under way – on track (60%)",
        "新建停车位: Under way – on track (30%)",
    ]
    assert feed.entries[0].link.endswith(f"/commitments/{second_commitment.pk}/#update-{latest.pk}")
    assert "已安装30个。" in feed.entries[0].summary


def test_updates_feed_leaves_out_updates_not_yet_published(client, commitment, make_update):
    submit(make_update(commitment, text="尚未提交"))
    assert parse(client, "/feeds/updates/").entries == []


def test_commitment_feed_carries_only_that_commitments_updates(
    client, commitment, second_commitment, publish_update
):
    publish_update(commitment, text="已完成选址。")
    publish_update(second_commitment, text="已安装30个。")

    feed = parse(client, f"/feeds/commitments/{commitment.pk}/")

    assert feed.feed.title == "Progress on “新建停车位”"
    assert [entry.summary.count("已完成选址。") for entry in feed.entries] == [1]


def test_feed_entry_links_its_evidence(client, commitment, make_update, office_user):
    update = make_update(commitment)
    Evidence.objects.create(
        update=update, url="https://example.org/minutes", description="会议纪要"
    )
    submit(update)
    publish(update, by=office_user)

    entry = parse(client, f"/feeds/commitments/{commitment.pk}/").entries[0]

    assert '<a href="https://example.org/minutes">会议纪要</a>' in entry.summary


def test_feed_of_an_unknown_commitment_is_not_found(client, db):
    assert client.get("/feeds/commitments/999999/").status_code == 404


def test_list_and_commitment_pages_advertise_their_feeds(client, commitment):
    overview = client.get("/en/").text
    detail = client.get(f"/en/commitments/{commitment.pk}/").text
    assert 'type="application/atom+xml"' in overview and 'href="/feeds/updates/"' in overview
    assert f'href="/feeds/commitments/{commitment.pk}/"' in detail
