"""The year's handling report: figures that match an independent count, published data only for
the public, the office's unpublished counts, a written summary, charts, and a fixed number of
queries however many organisations there are."""

import datetime

import pytest
from conftest import link_proposer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation
from report_support import YEAR, build_year, independent_figures, page_tables
from workspace_support import publish

from commitments import page_cache, version_watcher, workflow
from commitments.data_version import SCOPES
from commitments.models import (
    Commitment,
    DataVersion,
    Organisation,
    ProgressUpdate,
    Proposal,
    Reply,
    Session,
    Status,
)

pytestmark = pytest.mark.django_db

LEVELS = ["satisfied", "basically", "dissatisfied"]
REPORT = f"/en/reports/{YEAR}/"
OFFICE_REPORT = f"/en/workspace/reports/{YEAR}/"


@pytest.fixture
def year_of_data(django_user_model, office_user):
    return build_year(django_user_model, office_user)


def percent(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "–"


def expected_tables(figures, months, *, internal=False):
    """The page's tables as the independent count says they should read."""
    tables = {name: {} for name in ("replies", "statuses", "completion", "satisfaction")}
    tables["rehandling"] = {}
    if internal:
        tables["unpublished"] = {}
    for key, row in figures.items():
        label = key or "All organisations"
        tables["replies"][label] = [
            row["proposals_answered"],
            row["replies"],
            *(row[f"class_{c}"] for c in ["A", "B", "C", "D", ""]),
        ]
        tables["statuses"][label] = [*(row[f"status_{s}"] for s in Status), row["commitments"]]
        tables["completion"][label] = [
            row["commitments"],
            row["completed"],
            percent(row["completed"], row["commitments"]),
            row["open"],
            row["overdue"],
            row["stale"],
        ]
        tables["satisfaction"][label] = [
            row["ratings"],
            *(row[f"handling_{level}"] for level in LEVELS),
            *(row[f"outcome_{level}"] for level in LEVELS),
        ]
        tables["rehandling"][label] = [
            row["rehandling_rounds"],
            row["rehandling_open"],
            row["rehandled_replies"],
        ]
        if internal:
            tables["unpublished"][label] = [
                row["awaiting_publication"],
                row["awaiting_completion"],
                row["returned"],
            ]
    with translation.override("en"):
        tables["months"] = {
            formats.date_format(datetime.date(YEAR, month, 1), "YEAR_MONTH_FORMAT"): [
                months[datetime.date(YEAR, month, 1)]
            ]
            for month in range(1, 13)
        }
    tables["months"]["Total"] = [sum(months.values())]
    return {
        name: {label: [str(cell) for cell in cells] for label, cells in rows.items()}
        for name, rows in tables.items()
    }


def test_public_report_figures_match_an_independent_count_of_the_rows(client, year_of_data):
    response = client.get(REPORT)

    assert response.status_code == 200
    figures, months = independent_figures(YEAR)
    assert page_tables(response.content.decode()) == expected_tables(figures, months)
    # The data is varied enough for the comparison to mean something.
    overall = figures[None]
    assert overall["overdue"] and overall["stale"] and overall["completed"]
    assert overall["rehandling_open"] and overall["rehandling_rounds"] > overall["rehandling_open"]
    assert overall["proposals"] > overall["proposals_answered"]
    assert len(months) > 1


def test_public_report_leaves_out_unpublished_updates(client, year_of_data, make_update):
    bureaus, staff = year_of_data
    commitment = Commitment.objects.filter(lead_organisation=bureaus[0], session__year=YEAR).first()
    before = client.get(REPORT).content.decode()
    update = make_update(commitment, status="completed", progress=100, reason="已办结。")
    update.author, update.organisation = staff[bureaus[0].pk], bureaus[0]
    update.save()
    workflow.update_submit(update=update, by=update.author, version=update.version)

    after = client.get(REPORT).content.decode()

    assert page_tables(after) == page_tables(before)
    assert "unpublished" not in page_tables(after)
    assert "await publication" not in after


def test_office_report_adds_the_updates_it_may_see_that_are_not_published(
    client, year_of_data, office_user
):
    bureaus, staff = year_of_data
    first, second = (
        Commitment.objects.filter(lead_organisation=b, session__year=YEAR).first()
        for b in bureaus[:2]
    )
    state = ProgressUpdate.State
    for commitment, status, fate in [
        (first, "completed", "submit"),
        (first, "on_track", "submit"),
        (second, "stalled", "return"),
        (second, "completed", "draft"),  # someone else's draft: the office does not see it
    ]:
        author = staff[commitment.lead_organisation_id]
        update = ProgressUpdate.objects.create(
            commitment=commitment,
            as_of=datetime.date(YEAR, 11, 1),
            text="新进展。",
            status=status,
            progress=50,
            reason="已办结。",
            author=author,
            organisation=author.organisation,
        )
        if fate != "draft":
            workflow.update_submit(update=update, by=author, version=update.version)
        if fate == "return":
            workflow.update_return(update=update, by=office_user, note="请补充。")
    client.force_login(office_user)

    response = client.get(OFFICE_REPORT)

    assert response.status_code == 200
    figures, months = independent_figures(YEAR, office_user=office_user)
    assert page_tables(response.content.decode()) == expected_tables(figures, months, internal=True)
    assert figures[None]["awaiting_publication"] == 2
    assert figures[None]["returned"] == 1
    assert ProgressUpdate.objects.filter(state=state.DRAFT).count() == 1


@pytest.mark.parametrize("role", ["anonymous", "staff", "member"])
def test_only_the_office_reads_the_internal_report(client, year_of_data, member_user, role):
    bureaus, staff = year_of_data
    if role == "staff":
        client.force_login(staff[bureaus[0].pk])
    elif role == "member":
        client.force_login(member_user)
    for address in (OFFICE_REPORT, f"/en/workspace/reports/{YEAR}.xlsx", "/en/workspace/reports/"):
        response = client.get(address)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403


def test_summary_states_the_figures_in_sentences(client, year_of_data):
    figures, _months = independent_figures(YEAR)
    overall = figures[None]

    summary = client.get(REPORT).context["summary"]

    text = " ".join(summary)
    assert (
        f"{YEAR}: {overall['proposals']} proposals and suggestions; "
        f"{overall['proposals_answered']} answered in {overall['replies']} reply letters."
    ) in text
    assert f"{overall['overdue']} commitments are overdue." in text or (
        f"{overall['overdue']} commitment is overdue." in text
    )
    rate = percent(overall["completed"], overall["commitments"])
    assert f"{overall['completed']} completed ({rate})" in text
    assert f"Proposers gave {overall['ratings']} ratings." in text
    assert f"{overall['rehandling_rounds']} re-handling rounds were opened" in text


def test_summary_and_tables_are_in_chinese_on_the_chinese_report(client, year_of_data):
    page = client.get(f"/zh-hans/reports/{YEAR}/").content.decode()

    assert "第01局" in page
    with translation.override("en"):
        assert str(Status.ON_TRACK.label) not in page  # the status columns read in Chinese
    with translation.override("zh-hans"):
        assert str(Status.ON_TRACK.label) in page
        assert f"<caption>{translation.gettext('Commitments by status')}</caption>" in page


def test_charts_are_svg_with_titles_and_one_bar_per_organisation(client, year_of_data):
    bureaus, _staff = year_of_data
    page = client.get(REPORT).content.decode()

    assert page.count('<svg class="status-bars"') == 1
    assert page.count('<g class="bar-row">') == len(bureaus)
    assert page.count('<g class="month-bar">') == 12
    assert 'role="img"' in page and "<title" in page and "<desc" in page
    # Attributes only, no style attribute: the Content-Security-Policy forbids them.
    assert "style=" not in page


def test_report_index_lists_the_years_with_data(client, year_of_data):
    response = client.get("/en/reports/")

    years = [row["year"] for row in response.context["years"]]
    assert years == [YEAR, YEAR - 1]
    assert f'href="/en/reports/{YEAR}/"' in response.content.decode()
    assert f'href="/en/reports/{YEAR}.xlsx"' in response.content.decode()


@pytest.mark.parametrize("year", [YEAR + 5, 1900, 3000])
def test_a_year_without_data_has_no_report(client, year_of_data, year):
    assert client.get(f"/en/reports/{year}/").status_code == 404
    assert client.get(f"/en/reports/{year}.xlsx").status_code == 404


def test_overview_and_navigation_link_to_the_reports(client, year_of_data):
    page = client.get("/en/").content.decode()
    assert page.count('href="/en/reports/"') == 2


def queries_for(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_report_runs_the_same_queries_for_three_or_twelve_organisations(
    client, django_user_model, office_user
):
    build_year(django_user_model, office_user, organisations=3)
    addresses = [REPORT, f"/en/reports/{YEAR}.xlsx", "/en/reports/", OFFICE_REPORT]
    client.force_login(office_user)
    few = [queries_for(client, address) for address in addresses]
    more_bureaus()

    many = [queries_for(client, address) for address in addresses]

    assert many == few
    assert max(few) <= 16


def more_bureaus():
    """Nine more organisations with a reply and commitments each, in the same year."""
    session = Session.objects.get(year=YEAR)
    for n in range(9):
        bureau = Organisation.objects.create(name=f"追加{n}局", slug=f"more-{n}")
        proposal = Proposal.objects.create(session=session, number=f"5{n}", title="追加提案")
        reply = Reply.objects.create(proposal=proposal, organisation=bureau, category="B")
        for position in (1, 2):
            Commitment.objects.create(
                reply=reply,
                position=position,
                title="追加承诺",
                promised_text="……",
                lead_organisation=bureau,
            )


@pytest.fixture
def page_cache_on(settings):
    settings.TRACKER_PAGE_CACHE = True
    settings.TRACKER_PAGE_CACHE_LISTEN = False
    for scope in SCOPES:
        DataVersion.objects.get_or_create(scope=scope)
    page_cache.pages.clear()
    yield
    page_cache.pages.clear()
    version_watcher.watcher.close()


def test_a_new_rating_reaches_the_cached_public_report(
    client, year_of_data, member_user, page_cache_on, django_capture_on_commit_callbacks
):
    client.get(REPORT)
    with CaptureQueriesContext(connection) as queries:
        client.get(REPORT)
    assert len(queries) == 1  # from memory: only the versions were read
    reply = Reply.objects.filter(round=1, proposal__session__year=YEAR).first()
    link_proposer(member_user, reply.proposal)

    # The block runs the version bump on commit, as a commit would; the fixtures' writes queued
    # a bump of their own that it would otherwise join, and that never runs.
    connection._pending_data_version_bump = None
    with django_capture_on_commit_callbacks(execute=True):
        workflow.rating_save(
            reply=reply, member=member_user, handling="satisfied", outcome="satisfied", comment=""
        )

    figures, _months = independent_figures(YEAR)
    tables = page_tables(client.get(REPORT).content.decode())
    assert tables["satisfaction"]["All organisations"][0] == str(figures[None]["ratings"])


def test_completion_counts_the_month_of_the_update_that_completed_it(
    client, commitment, make_update, office_user
):
    first = make_update(
        commitment, as_of=datetime.date(YEAR, 3, 5), status="completed", progress=100, reason="办结"
    )
    publish(first, by=office_user)
    # More evidence later, still completed: the completion stays in March.
    later = make_update(
        commitment, as_of=datetime.date(YEAR, 8, 5), status="completed", progress=100, reason="补充"
    )
    publish(later, by=office_user)

    tables = page_tables(client.get(REPORT).content.decode())

    assert tables["months"]["March 2024"] == ["1"]
    assert tables["months"]["August 2024"] == ["0"]
