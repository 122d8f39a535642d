"""The public site: overview, list with filters, commitment, reply, scorecard, methodology."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from workspace_support import publish, submit

from commitments.filters import DEFAULT_SORT, SORT_ORDERINGS
from commitments.models import Commitment, Evidence, Measure, Proposal, Reply, Session

pytestmark = pytest.mark.django_db


def add_commitment(reply, position, title, *, text="按计划推进。", **fields):
    return Commitment.objects.create(
        reply=reply,
        position=position,
        title=title,
        promised_text=text,
        lead_organisation=fields.pop("lead_organisation", reply.organisation),
        **fields,
    )


def make_stale(commitment):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Commitment.objects.filter(pk=commitment.pk).update(created_at=long_ago)


def titles_listed(response):
    return [c.title for c in response.context["page_obj"].object_list]


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


@pytest.fixture
def investment(reply):
    return add_commitment(reply, 2, "开展精准招商，强化龙头企业引领", text="围绕强链补链开展招商。")


@pytest.fixture
def overdue_commitment(reply):
    return add_commitment(reply, 3, "改造老旧小区", original_target_date=datetime.date(2020, 1, 1))


def test_root_address_redirects_to_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"


def test_pages_declare_their_language(client, commitment):
    assert '<html lang="zh-hans">' in client.get("/zh-hans/").text
    assert '<html lang="en">' in client.get("/en/").text


def test_navigation_links_to_overview_list_and_methodology(client, db):
    page = client.get("/en/").text
    for address in ('href="/en/"', 'href="/en/commitments/"', 'href="/en/methodology/"'):
        assert address in page


def test_overview_counts_commitments_by_status_in_words(
    client, commitment, investment, publish_update
):
    publish_update(commitment, status="on_track", progress=40)

    page = client.get("/en/").text

    assert "Under way – on track" in page
    assert "Not yet assessed" in page
    assert 'href="/en/commitments/?status=on_track"' in page


def test_overview_shows_overdue_and_stale_counts(client, commitment, overdue_commitment):
    make_stale(commitment)

    response = client.get("/en/")

    assert response.context["counts"] == {"total": 2, "completed": 0, "overdue": 1, "stale": 1}
    assert 'href="/en/commitments/?overdue=1"' in response.text
    [by_organisation] = response.context["by_organisation"]
    assert (by_organisation["total"], by_organisation["overdue"], by_organisation["stale"]) == (
        2,
        1,
        1,
    )


def test_overview_breaks_counts_down_by_organisation_and_session(client, commitment, bureau):
    page = client.get("/en/").text
    assert bureau.short_name in page
    assert f'href="/en/organisations/{bureau.slug}/"' in page
    assert commitment.reply.proposal.session.name in page


def test_overview_lists_latest_published_updates(client, commitment, publish_update):
    publish_update(commitment, text="完成了选址和立项。")
    assert "完成了选址和立项。" in client.get("/zh-hans/").text


def test_list_search_finds_a_chinese_substring(client, commitment, investment):
    response = client.get("/zh-hans/commitments/", {"q": "招商"})
    assert titles_listed(response) == ["开展精准招商，强化龙头企业引领"]


def test_list_filters_by_status(client, commitment, investment, publish_update):
    publish_update(investment, status="challenges", progress=10)
    response = client.get("/en/commitments/", {"status": "challenges"})
    assert titles_listed(response) == [investment.title]


def test_list_filters_by_organisation_including_co_handled(
    client, commitment, investment, other_bureau
):
    investment.co_organisations.add(other_bureau)
    response = client.get("/en/commitments/", {"organisation": other_bureau.slug})
    assert titles_listed(response) == [investment.title]


def test_list_filters_by_session_and_year(client, commitment, bureau):
    session = Session.objects.create(body="cppcc", name="测试区政协一届二次会议", year=2025)
    proposal = Proposal.objects.create(session=session, number="3", title="关于绿道的提案")
    later = Reply.objects.create(proposal=proposal, organisation=bureau)
    greenway = add_commitment(later, 1, "建设城市绿道")

    by_session = client.get("/en/commitments/", {"session": session.pk})
    by_year = client.get("/en/commitments/", {"year": 2024})

    assert titles_listed(by_session) == [greenway.title]
    assert titles_listed(by_year) == [commitment.title]


def test_list_filters_overdue_and_stale(client, commitment, overdue_commitment):
    make_stale(commitment)
    assert titles_listed(client.get("/en/commitments/", {"overdue": "1"})) == ["改造老旧小区"]
    assert titles_listed(client.get("/en/commitments/", {"stale": "1"})) == [commitment.title]


def test_list_sorts_by_target_date(client, reply):
    add_commitment(reply, 1, "later", original_target_date=datetime.date(2031, 1, 1))
    add_commitment(reply, 2, "sooner", original_target_date=datetime.date(2030, 1, 1))
    add_commitment(reply, 3, "undated")
    response = client.get("/en/commitments/", {"sort": "target"})
    assert titles_listed(response) == ["sooner", "later", "undated"]


def test_list_sorts_by_last_published_update(client, reply, publish_update):
    first = add_commitment(reply, 1, "first")
    add_commitment(reply, 2, "never updated")
    second = add_commitment(reply, 3, "second")
    publish_update(first)
    publish_update(second)
    response = client.get("/en/commitments/", {"sort": "updated"})
    assert titles_listed(response) == ["second", "first", "never updated"]


def test_list_paginates_and_keeps_filters_in_page_links(client, reply):
    for position in range(1, 26):
        add_commitment(reply, position, f"道路{position}")
    response = client.get("/en/commitments/", {"q": "道路"})
    assert len(titles_listed(response)) == 20
    assert 'href="?q=%E9%81%93%E8%B7%AF&amp;page=2"' in response.text

    second_page = client.get("/en/commitments/", {"q": "道路", "page": 2})
    assert len(titles_listed(second_page)) == 5


def test_list_address_restores_the_chosen_filters_in_the_form(client, commitment, bureau):
    page = client.get(
        "/en/commitments/", {"status": "on_track", "organisation": bureau.slug, "overdue": "1"}
    ).text
    assert '<option value="on_track" selected>' in page
    assert f'<option value="{bureau.slug}" selected>' in page
    assert 'name="overdue" value="1" checked' in page


def test_list_says_which_filter_it_could_not_use(client, commitment):
    response = client.get("/en/commitments/", {"status": "finished-somehow"})
    assert response.status_code == 200
    assert titles_listed(response) == []
    assert 'role="alert"' in response.text


def test_list_offers_the_csv_with_the_same_filters(client, commitment):
    page = client.get("/en/commitments/", {"q": "停车", "page": "1"}).text
    assert 'href="/en/commitments/export.csv?q=%E5%81%9C%E8%BD%A6"' in page


def test_csv_export_is_utf8_with_bom_and_applies_the_filters(client, commitment, investment):
    response = client.get("/zh-hans/commitments/export.csv", {"q": "招商"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert len(rows) == 1
    assert rows[0][2] == investment.title
    assert investment.promised_text in rows[0]


def test_csv_export_in_english_has_english_headings(client, commitment):
    header, row = csv_rows(client.get("/en/commitments/export.csv"))
    assert header[:3] == ["ID", "Web address", "Title"]
    assert row[1] == f"http://testserver/en/commitments/{commitment.pk}/"


def test_csv_export_rejects_a_malformed_filter(client, commitment):
    assert client.get("/en/commitments/export.csv", {"year": "soon"}).status_code == 400
    assert client.get("/en/commitments/export.csv", {"year": "99999"}).status_code == 400


def test_commitment_page_quotes_the_promise_and_links_to_it_in_the_letter(client, commitment):
    page = client.get(f"/en/commitments/{commitment.pk}/").text
    assert "年内新建公共停车位200个。" in page
    assert f'href="/en/replies/{commitment.reply.pk}/#commitment-1"' in page


def test_commitment_page_shows_status_definition_and_accessible_progress(
    client, commitment, publish_update
):
    publish_update(commitment, status="on_track", progress=45)
    page = client.get(f"/en/commitments/{commitment.pk}/").text
    assert "Work is under way and on schedule." in page
    assert '<progress class="progress" max="100" value="45" aria-label="Progress">' in page


def test_commitment_page_keeps_the_original_date_beside_a_revision_and_its_reason(
    client, commitment, publish_update
):
    publish_update(
        commitment,
        new_target_date=datetime.date(2031, 6, 30),
        target_date_reason="用地审批延后。",
    )
    page = client.get(f"/en/commitments/{commitment.pk}/").text
    assert "Dec. 31, 2030" in page
    assert "June 30, 2031" in page
    assert "用地审批延后。" in page


def test_commitment_page_formats_dates_for_the_language(client, commitment):
    assert "2030年12月31日" in client.get(f"/zh-hans/commitments/{commitment.pk}/").text
    assert "Dec. 31, 2030" in client.get(f"/en/commitments/{commitment.pk}/").text


def test_list_and_timeline_write_dates_in_each_language_in_turn(client, commitment, publish_update):
    publish_update(commitment, as_of=datetime.date(2024, 9, 1))
    for _ in range(2):  # each language after the other, in one process
        listed = client.get("/zh-hans/commitments/").text
        assert "2030年12月31日" in listed
        assert "2030年12月31日" not in client.get("/en/commitments/").text
        assert "Dec. 31, 2030" in client.get("/en/commitments/").text
        assert "Sept. 1, 2024" in client.get(f"/en/commitments/{commitment.pk}/").text
        assert "2024年9月1日" in client.get(f"/zh-hans/commitments/{commitment.pk}/").text


def test_commitment_page_timeline_shows_published_updates_with_evidence(
    client, commitment, make_update, office_user
):
    update = make_update(commitment, text="已开工建设。", status="on_track", progress=50)
    Evidence.objects.create(update=update, url="https://example.org/photo", description="现场照片")
    submit(update)
    publish(update, by=office_user)

    page = client.get(f"/en/commitments/{commitment.pk}/").text

    assert "已开工建设。" in page
    assert f'id="update-{update.pk}"' in page
    assert '<a href="https://example.org/photo" rel="nofollow noopener">现场照片</a>' in page
    assert f'href="/feeds/commitments/{commitment.pk}/"' in page


def test_commitment_page_badges_overdue_and_stale_in_words(client, overdue_commitment):
    make_stale(overdue_commitment)
    page = client.get(f"/en/commitments/{overdue_commitment.pk}/").text
    assert '<span class="badge overdue">Overdue</span>' in page
    assert '<span class="badge stale">Not updated recently</span>' in page


def test_commitment_page_says_when_it_was_last_updated(client, commitment, publish_update):
    assert "No published update yet" in client.get(f"/en/commitments/{commitment.pk}/").text
    publish_update(commitment)
    page = client.get(f"/en/commitments/{commitment.pk}/").text
    assert "Last updated" in page
    assert "ago" in page


def test_unknown_commitment_is_not_found(client, db):
    assert client.get("/en/commitments/999999/").status_code == 404


def test_reply_page_shows_metadata_proposal_measures_and_commitments_in_order(
    client, reply, commitment, investment
):
    Reply.objects.filter(pk=reply.pk).update(category="B", published_date=datetime.date(2024, 6, 5))
    Measure.objects.create(reply=reply, position=1, title="摸排需求", text="全面摸排停车需求。")

    page = client.get(f"/en/replies/{reply.pk}/").text

    assert "TEST/2024-0007" in page
    assert "June 1, 2024" in page and "June 5, 2024" in page
    assert "B: being solved or planned to be solved step by step" in page
    assert "关于改善社区停车的建议" in page and "王小明" in page
    assert "全面摸排停车需求。" in page
    assert page.index('id="commitment-1"') < page.index('id="commitment-2"')
    assert page.index("新建停车位") < page.index("开展精准招商")


def test_reply_page_offers_the_full_letter_text(client, reply):
    assert "王小明委员：……" in client.get(f"/en/replies/{reply.pk}/").text


def test_organisation_scorecard_counts_led_and_co_handled_commitments(
    client, commitment, overdue_commitment, other_bureau
):
    overdue_commitment.co_organisations.add(other_bureau)

    response = client.get(f"/en/organisations/{other_bureau.slug}/")

    assert response.context["counts"]["total"] == 1
    assert response.context["counts"]["overdue"] == 1
    assert "改造老旧小区" in response.text


def test_methodology_explains_every_status_and_the_stale_threshold(client, settings, db):
    settings.TRACKER_STALE_DAYS = 60
    page = client.get("/en/methodology/").text
    assert "Not being pursued" in page
    assert "The bureau has decided not to pursue it and has given its reason." in page
    assert "60 days" in page


def test_public_pages_load_no_outside_assets(client, commitment):
    for address in ("/en/", "/en/commitments/", f"/en/commitments/{commitment.pk}/"):
        page = client.get(address).text
        assert '<script src="http' not in page
        assert 'rel="stylesheet" href="http' not in page
        assert "//cdn" not in page


def test_commitment_page_lets_a_visitor_open_an_uploaded_evidence_file(
    client, commitment, make_update, office_user
):
    update = make_update(commitment)
    minutes = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes")
    evidence = Evidence.objects.create(update=update, file=minutes, description="会议纪要")
    submit(update)
    publish(update, by=office_user)

    page = client.get(f"/en/commitments/{commitment.pk}/").text
    address = evidence.get_absolute_url()
    file_response = client.get(address)

    assert f'<a href="{address}">会议纪要</a>' in page
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == b"%PDF-1.4 minutes"


def test_the_stale_list_keeps_the_last_update_order_never_published_last(client, reply):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    for position in range(1, 26):
        commitment = add_commitment(reply, position, f"久未更新{position}")
        make_stale(commitment)
        if position % 3:  # published long ago, some on the same day; the rest never
            Commitment.objects.filter(pk=commitment.pk).update(
                last_published_at=long_ago + datetime.timedelta(days=position % 4)
            )
    add_commitment(reply, 30, "刚刚创建")  # recent: not stale
    stale = Commitment.objects.stale().order_by(*SORT_ORDERINGS[DEFAULT_SORT])
    expected = list(stale.values_list("pk", flat=True))

    shown = []
    for page in (1, 2):
        response = client.get(f"/en/commitments/?stale=1&page={page}")
        assert response.status_code == 200
        shown += [commitment.pk for commitment in response.context["page_obj"].object_list]

    assert len(expected) == 25
    assert shown == expected
    assert Commitment.objects.get(pk=shown[-1]).last_published_at is None
