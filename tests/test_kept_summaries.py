"""A worker reuses the counts and page parts it made (kept.py) only while nothing public changes.

The overview, the scorecards and the list's "N found" keep their figures, and the overview and
scorecards their latest updates and overdue lists, for the current public data version, at most
TRACKER_SUMMARY_CACHE_SECONDS. These tests commit their changes, as a request does, so that the
version moves as it does in production.
"""

import datetime
import re

import pytest
from conftest import link_proposer
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commitments.data_version import SCOPES, bump_data_version
from commitments.models import Commitment, Organisation, Status
from tests.test_commitment_counts import add_commitment
from tests.workspace_support import publish, submit


@pytest.fixture
def kept_counts(settings, transactional_db):
    settings.TRACKER_SUMMARY_CACHE_SECONDS = 60
    cache.clear()
    # The counters exist from the first migration on; the flush between these tests empties them.
    for scope in SCOPES:
        bump_data_version(scope=scope)
    yield
    cache.clear()


def headline_total(client, path):
    page = client.get(path).content.decode()
    return int(re.search(r'class="headline-number">(\d+)<', page)[1])


def found(client, query=""):
    page = client.get(f"/en/commitments/?{query}").content.decode()
    return int(re.search(r"(\d+) commitments? found", page)[1])


@pytest.mark.django_db(transaction=True)
def test_a_search_finds_a_new_commitment_at_once_in_a_bucket_of_ids_it_had_not_asked(
    kept_counts, client, commitment, reply, bureau
):
    assert found(client, "q=停车") == 1  # the proposal's title: 关于改善社区停车的建议

    # Past the kept newest id's bucket (CommitmentQuerySet.search_ids), as a new letter's are.
    add_commitment(reply, bureau, 2, id=commitment.pk + 100_000)

    assert found(client, "q=停车") == 2


@pytest.mark.django_db(transaction=True)
def test_the_overview_and_scorecard_count_a_new_commitment_at_once(
    kept_counts, client, commitment, reply, bureau
):
    scorecard = bureau.get_absolute_url()
    assert headline_total(client, "/en/") == 1
    assert headline_total(client, scorecard) == 1

    add_commitment(reply, bureau, 2)

    assert headline_total(client, "/en/") == 2
    assert headline_total(client, scorecard) == 2


@pytest.mark.django_db(transaction=True)
def test_the_list_says_how_many_it_found_after_a_status_changes(
    kept_counts, client, commitment, reply, bureau
):
    add_commitment(reply, bureau, 2)
    assert found(client) == 2
    assert found(client, "status=stalled") == 0

    # QuerySet.update() bumps nothing through signals: the workflow bumps the version itself,
    # and so must every writer that skips them (data_version.py).
    Commitment.objects.filter(pk=commitment.pk).update(status=Status.STALLED)
    bump_data_version()

    assert found(client, "status=stalled") == 1
    assert found(client) == 2


@pytest.mark.django_db(transaction=True)
def test_between_changes_the_overview_counts_nothing_again(kept_counts, client, commitment):
    first = client.get("/en/").content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get("/en/").content.decode()
    assert headline_total(client, "/en/") == 1
    assert again.count("headline-number") == first.count("headline-number")
    assert not [q for q in second.captured_queries if "commitments_commitment" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_a_publication_shows_at_once_among_the_latest_updates(
    kept_counts, client, commitment, bureau, make_update
):
    scorecard = bureau.get_absolute_url()
    publish(make_update(commitment, text="第一次进展：完成选址。"))
    for page in ("/en/", scorecard):
        assert "第一次进展" in client.get(page).content.decode()

    publish(make_update(commitment, text="第二次进展：开工建设。"))

    for page in ("/en/", scorecard):
        assert "第二次进展" in client.get(page).content.decode(), page


@pytest.mark.django_db(transaction=True)
def test_a_scorecard_lists_a_commitment_once_it_is_overdue(kept_counts, client, commitment, bureau):
    scorecard = bureau.get_absolute_url()
    assert "Nothing is overdue" in client.get(scorecard).content.decode()

    commitment.current_target_date = datetime.date(2020, 1, 1)
    commitment.save()

    page = client.get(scorecard).content.decode()
    assert "Nothing is overdue" not in page
    assert commitment.title in page


@pytest.mark.django_db(transaction=True)
def test_the_list_filter_shows_what_was_chosen_and_every_organisation(
    kept_counts, client, commitment
):
    def selected(page):
        return re.findall(r'<option value="([^"]*)" selected>', page)

    assert selected(client.get("/en/commitments/?status=stalled").content.decode()) == ["stalled"]
    assert selected(
        client.get("/en/commitments/?status=on_track&sort=target").content.decode()
    ) == [
        "on_track",
        "target",
    ]
    assert "stalled" not in selected(client.get("/en/commitments/").content.decode())

    Organisation.objects.create(name="新设的测试局", slug="new-test-bureau")

    assert 'value="new-test-bureau"' in client.get("/en/commitments/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_search_box_shows_each_search_s_own_words(kept_counts, client, commitment):
    def searched(page):
        return re.search(r'<input type="search" name="q" id="id_q" [^>]*value="([^"]*)"', page)[1]

    first = client.get("/en/commitments/?q=加装&status=on_track").content.decode()
    second = client.get("/en/commitments/?q=电梯&status=on_track").content.decode()
    cleared = client.get("/en/commitments/?status=on_track").content.decode()

    assert [searched(first), searched(second), searched(cleared)] == ["加装", "电梯", ""]
    assert re.findall(r'<option value="([^"]*)" selected>', second) == ["on_track"]
    assert "Filter and sort" in second and "Apply filters" in second


def awaiting_count(page):
    return int(re.search(r'Awaiting my decision <span class="count">\((\d+)\)</span>', page)[1])


@pytest.mark.django_db(transaction=True)
def test_the_office_sees_a_submission_awaiting_it_at_once_and_gone_once_published(
    kept_counts, client, office_user, commitment, make_update
):
    client.force_login(office_user)
    update = make_update(commitment, text="第一次进展：完成选址。")
    page = client.get("/en/workspace/").content.decode()
    assert awaiting_count(page) == 0

    submit(update)

    page = client.get("/en/workspace/").content.decode()
    assert awaiting_count(page) == 1
    assert f'href="/en/workspace/updates/{update.pk}/"' in page

    publish(update)

    page = client.get("/en/workspace/").content.decode()
    assert awaiting_count(page) == 0
    assert f'href="/en/workspace/updates/{update.pk}/"' not in page


@pytest.mark.django_db(transaction=True)
def test_a_bureau_never_sees_the_lists_kept_for_another(
    kept_counts, client, staff_user, other_staff_user, commitment
):
    Commitment.objects.filter(pk=commitment.pk).update(
        original_target_date=datetime.date(2020, 1, 1),
        current_target_date=datetime.date(2020, 1, 1),
    )
    bump_data_version()
    client.force_login(staff_user)
    assert f'href="/en/workspace/commitments/{commitment.pk}/"' in (
        client.get("/en/workspace/").content.decode()
    )

    client.force_login(other_staff_user)
    page = client.get("/en/workspace/").content.decode()
    assert f'href="/en/workspace/commitments/{commitment.pk}/"' not in page
    assert "Nothing is overdue." in page


@pytest.mark.django_db(transaction=True)
def test_a_members_rating_form_carries_their_own_token_on_a_kept_page(
    kept_counts, member_user, reply, commitment
):
    link_proposer(member_user, reply.proposal)
    for _visit in range(2):  # two browsers: the second must not get the first one's form
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(member_user)
        page = browser.get("/en/workspace/").content.decode()
    form = page[page.index(f'action="/en/workspace/replies/{reply.pk}/rate/"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]

    response = browser.post(
        f"/en/workspace/replies/{reply.pk}/rate/",
        {"handling": "satisfied", "outcome": "satisfied", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert reply.ratings.filter(member=member_user).exists()


CHANGELIST = "/admin/commitments/commitment/"


def result_table(page):
    return re.search(r'<table id="result_list">.*?</table>', page, re.S)[0]


@pytest.mark.django_db(transaction=True)
def test_the_admin_list_shows_a_changed_title_at_once(kept_counts, client, office_user, commitment):
    client.force_login(office_user)
    assert commitment.title in result_table(client.get(CHANGELIST).content.decode())

    commitment.title = "改过的承诺标题"
    commitment.save()

    assert "改过的承诺标题" in result_table(client.get(CHANGELIST).content.decode())


@pytest.mark.django_db(transaction=True)
def test_admin_rows_kept_for_a_superuser_are_not_shown_to_the_office(
    kept_counts, settings, client, office_user, commitment, django_user_model
):
    client.force_login(office_user)
    settings.TRACKER_SUMMARY_CACHE_SECONDS = 0
    office_rows = result_table(client.get(CHANGELIST).content.decode())
    settings.TRACKER_SUMMARY_CACHE_SECONDS = 60
    client.force_login(django_user_model.objects.create_superuser("root-kept", "r@example.org"))
    superuser_rows = result_table(client.get(CHANGELIST).content.decode())
    assert superuser_rows != office_rows  # the superuser may delete: a checkbox on each row

    client.force_login(office_user)

    assert result_table(client.get(CHANGELIST).content.decode()) == office_rows


@pytest.mark.django_db(transaction=True)
def test_a_member_linked_to_a_proposal_finds_it_at_once(kept_counts, client, member_user, reply):
    client.force_login(member_user)
    assert (
        "No proposal is linked to your account yet" in client.get("/en/workspace/").content.decode()
    )

    link_proposer(member_user, reply.proposal)

    page = client.get("/en/workspace/").content.decode()
    assert "No proposal is linked to your account yet" not in page
    assert 'My proposals <span class="count">(1)</span>' in page


@pytest.mark.django_db(transaction=True)
def test_the_admin_list_filters_offer_a_new_organisation_at_once(
    kept_counts, client, office_user, commitment
):
    client.force_login(office_user)
    assert "新设的测试局" not in client.get(CHANGELIST).content.decode()

    new = Organisation.objects.create(name="新设的测试局", slug="new-test-bureau")

    page = client.get(CHANGELIST).content.decode()
    filters = re.search(r'<nav id="changelist-filter".*?</nav>', page, re.S)[0]
    assert f"lead_organisation__id__exact={new.pk}" in filters
