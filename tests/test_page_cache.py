"""The page cache: pages come from memory until anything they show changes, and a stored page
only ever goes back to the kind of visitor (and, signed in, the very session) it was made for.

Bumps run once the writing transaction commits (data_version.py); a test's transaction never
does, so the writes here run inside `django_capture_on_commit_callbacks(execute=True)`."""

import contextlib
import datetime
import re
import time

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path
from workspace_support import publish, submit

from commitments import page_cache, version_watcher, workflow
from commitments.data_version import (
    PUBLIC,
    SCOPES,
    UPSERT_AND_NOTIFY,
    bump_data_version,
    read_data_versions,
)
from commitments.models import Commitment, DataVersion, Follow, User
from tests.conftest import SEED_LETTER, make_user

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/en/",
    "/en/commitments/",
    "/en/commitments/{commitment}/",
    "/api/v1/updates/",
    "/feeds/updates/",
]


@pytest.fixture(autouse=True)
def page_cache_on(settings, db):
    settings.TRACKER_PAGE_CACHE = True
    # Test transactions never commit, so no NOTIFY would ever arrive: read the counters instead.
    settings.TRACKER_PAGE_CACHE_LISTEN = False
    for scope in SCOPES:
        DataVersion.objects.get_or_create(scope=scope)
    page_cache.pages.clear()
    yield
    page_cache.pages.clear()
    version_watcher.watcher.close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block asks to run on commit, as a real commit would."""

    @contextlib.contextmanager
    def commit():
        # The fixtures' writes queued a bump that this block would otherwise join: it never
        # runs, the test's transaction never commits.
        connection._pending_data_version_bump = None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return commit


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def get_twice(client, address):
    """The second response, once the first has been stored; the signed-in layer keys by the
    CSRF cookie, which the first response sets."""
    client.get(address)
    client.get(address)
    return client.get(address)


def test_a_second_anonymous_visit_is_served_from_memory(
    client, commitment, publish_update, django_assert_num_queries
):
    publish_update(commitment, text="已完成选址。")
    for address in PUBLIC_PAGES:
        address = address.format(commitment=commitment.pk)
        first = client.get(address)
        with django_assert_num_queries(1):  # the data version
            second = client.get(address)
        assert second.status_code == 200
        assert second.content == first.content
        assert list(second.items()) == list(first.items())


def test_a_published_update_shows_at_once_on_every_public_page(
    client, commitment, make_update, office_user, committed
):
    addresses = [address.format(commitment=commitment.pk) for address in PUBLIC_PAGES]
    for address in addresses:
        client.get(address)
    with committed():
        update = make_update(commitment, text="启动招标。", status="challenges")
        submit(update)
        publish(update, by=office_user)
    for address in addresses:
        page = client.get(address).content.decode()
        # The list shows the new status; the other pages the update itself.
        shown = "with challenges" if address == "/en/commitments/" else "启动招标"
        assert shown in page, address


def test_publishing_through_the_workflow_shows_at_once(
    client, commitment, make_update, office_user, committed
):
    update = make_update(commitment, text="启动招标。")
    submit(update)
    page = f"/en/commitments/{commitment.pk}/"
    assert "启动招标" not in client.get(page).content.decode()
    with committed():
        workflow.update_publish(
            update=update,
            by=office_user,
            update_version=update.version,
            commitment_version=Commitment.objects.get(pk=commitment.pk).version,
        )
    assert "启动招标" in client.get(page).content.decode()


def test_an_import_shows_at_once_in_the_list(client, commitment, committed):
    before = client.get("/en/commitments/").content.decode()
    with committed():
        call_command("import_reply", str(SEED_LETTER))
    imported = Commitment.objects.exclude(pk=commitment.pk).first()
    assert imported.title not in before
    assert imported.title in client.get("/en/commitments/").content.decode()


def test_an_admin_edit_shows_at_once(client, commitment, bureau, office_user, committed):
    page = f"/en/commitments/{commitment.pk}/"
    assert "测试工信局" in client.get(page).content.decode()
    admin = signed_in(office_user)
    with committed():
        response = admin.post(
            f"/admin/commitments/organisation/{bureau.pk}/change/",
            {"name": bureau.name, "short_name": "改名后的局", "slug": bureau.slug},
        )
    assert response.status_code == 302
    assert "改名后的局" in client.get(page).content.decode()


def test_a_queryset_update_shows_once_it_bumps_the_version(client, commitment, committed):
    page = f"/en/commitments/{commitment.pk}/"
    client.get(page)
    with committed():
        Commitment.objects.filter(pk=commitment.pk).update(title="改过的标题")
        bump_data_version()
    assert "改过的标题" in client.get(page).content.decode()


def public_version():
    return read_data_versions()[0]


def workspace_version():
    return read_data_versions()[1]


def test_co_organisations_added_or_removed_move_the_version(commitment, other_bureau, committed):
    before = public_version()
    with committed():
        commitment.co_organisations.add(other_bureau)
    added = public_version()
    with committed():
        commitment.co_organisations.remove(other_bureau)
    assert before < added < public_version()


def test_a_transaction_bumps_each_scope_it_changed_once(commitment, make_update, committed):
    before = read_data_versions()
    with committed() as callbacks:
        commitment.title = "改一"
        commitment.save()
        commitment.title = "改二"
        commitment.save()
        make_update(commitment)
        make_update(commitment)
    assert len(callbacks) == 1
    assert read_data_versions() == (before[0] + 1, before[1] + 1)


def test_a_rolled_back_transaction_bumps_nothing(commitment, committed):
    before = read_data_versions()
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            commitment.save()
            raise RuntimeError
    assert read_data_versions() == before
    with committed():
        commitment.save()  # the next transaction is not mistaken for the rolled-back one
    assert public_version() == before[0] + 1


def test_signing_in_moves_no_version(client, staff_user, committed):
    before = read_data_versions()
    with committed():
        response = client.post(
            "/accounts/login/",
            {"username": "staff-a", "password": "correct horse battery staple"},
        )
    assert response.status_code == 302
    assert User.objects.get(pk=staff_user.pk).last_login is not None
    assert read_data_versions() == before


def test_drafts_and_follows_leave_public_pages_alone(
    client, commitment, make_update, staff_user, member_user, committed
):
    publish_now(commitment, make_update, committed)
    page = f"/en/commitments/{commitment.pk}/"
    client.get(page)
    member = signed_in(member_user)
    get_twice(member, page)
    for change in (
        lambda: make_update(commitment, text="草稿。"),
        lambda: Follow.objects.create(user=staff_user, commitment=commitment),
    ):
        public, workspace = read_data_versions()
        with committed():
            change()
        assert read_data_versions() == (public, workspace + 1)
        assert queries_of(client, page) == 1  # still from memory
        assert queries_of(member, page) > 3  # rendered again


def test_a_query_on_a_published_update_moves_the_public_version(
    client, commitment, make_update, member_user, committed
):
    # The public page says that a query was raised on the update, and whether it was answered.
    published = publish_now(commitment, make_update, committed)
    page = f"/en/commitments/{commitment.pk}/"
    client.get(page)
    public, _workspace = read_data_versions()

    with committed():
        workflow.review_save(update=published, member=member_user, verdict="queried", comment="?")

    assert public_version() > public
    assert "raised a query" in client.get(page).content.decode()


def test_publishing_moves_the_public_version_and_so_every_page(
    client, commitment, make_update, member_user, committed
):
    page = f"/en/commitments/{commitment.pk}/"
    client.get(page)
    member = signed_in(member_user)
    get_twice(member, page)
    public, workspace = read_data_versions()
    publish_now(commitment, make_update, committed)
    assert public_version() > public
    # Signed-in pages are keyed by both versions: a public change reaches them too.
    assert "已完成选址" in member.get(page).content.decode()
    assert "已完成选址" in client.get(page).content.decode()


def publish_now(commitment, make_update, committed):
    with committed():
        update = make_update(commitment, text="已完成选址。")
        publish(update)
    return update


def test_a_signed_in_visitor_never_gets_the_anonymous_page(client, commitment, staff_user):
    get_twice(client, "/en/")
    page = get_twice(signed_in(staff_user), "/en/").content.decode()
    assert "staff-a" in page
    assert "Sign out" in page


def test_an_anonymous_visitor_never_gets_a_signed_in_page(client, commitment, staff_user):
    get_twice(signed_in(staff_user), "/en/")
    page = client.get("/en/").content.decode()
    assert "staff-a" not in page
    assert "Sign in" in page


def test_one_users_workspace_is_never_served_to_another(staff_user, other_staff_user, commitment):
    first, second = signed_in(staff_user), signed_in(other_staff_user)
    assert "staff-a" in get_twice(first, "/en/workspace/").content.decode()
    assert "staff-b" in get_twice(second, "/en/workspace/").content.decode()
    assert "staff-a" in get_twice(first, "/en/workspace/").content.decode()


def test_a_signed_in_page_comes_from_memory_after_checking_the_session(
    staff_user, commitment, django_assert_num_queries
):
    client = signed_in(staff_user)
    first = get_twice(client, "/en/workspace/")
    # The data version, the session and the user: nothing of the page itself.
    with django_assert_num_queries(3):
        again = client.get("/en/workspace/")
    assert again.content == first.content
    # The CSRF token in the page's forms belongs to the cookie the browser holds.
    assert again.cookies["csrftoken"].value == client.cookies["csrftoken"].value


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_session_check_before_a_stored_page_is_planned_once(staff_user, commitment):
    client = signed_in(staff_user)
    first = get_twice(client, "/en/workspace/")
    for _visit in range(8):
        assert client.get("/en/workspace/").content == first.content
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["%django_session%"],
        )
        plans = cursor.fetchall()
    assert plans, "the session check was not prepared"
    assert all(custom == 0 and generic >= 8 for generic, custom in plans)


def test_forms_on_a_stored_page_pass_the_csrf_check(staff_user, commitment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    client.get("/en/workspace/")  # stored for a browser that had no CSRF cookie yet
    del client.cookies["csrftoken"]
    for _visit in range(3):
        page = client.get("/en/workspace/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_signed_out_session_cookie_gets_no_stored_page(staff_user, commitment):
    client = signed_in(staff_user)
    get_twice(client, "/en/workspace/")
    stolen = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/en/workspace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_waiting_message_is_shown_rather_than_a_stored_page(staff_user, commitment):
    client = signed_in(staff_user)
    get_twice(client, "/en/workspace/")
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, "Saved just now.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "Saved just now." in client.get("/en/workspace/").content.decode()
    assert "Saved just now." not in client.get("/en/workspace/").content.decode()


def test_a_stored_admin_changelist_is_refused_to_a_deactivated_user(
    office_user, office_org, django_user_model, commitment
):
    deputy = make_user(django_user_model, "office-2", "office", office_org)
    changelist = "/admin/commitments/commitment/"
    office, leaving = signed_in(office_user), signed_in(deputy)
    assert get_twice(office, changelist).status_code == 200
    assert get_twice(leaving, changelist).status_code == 200
    # No signal, so the version stays: the session check alone must refuse the stored page.
    User.objects.filter(pk=deputy.pk).update(is_active=False)
    assert leaving.get(changelist).status_code == 302
    assert office.get(changelist).status_code == 200


def test_a_host_not_allowed_is_refused_even_when_the_page_is_stored(client, commitment):
    get_twice(client, "/en/")
    assert client.get("/en/", headers={"host": "evil.example"}).status_code == 400


def test_head_requests_are_answered_and_stored_apart_from_get(
    client, commitment, django_assert_num_queries
):
    assert client.head("/en/").status_code == 200
    with django_assert_num_queries(1):
        assert client.head("/en/").status_code == 200
    page = client.get("/en/")
    assert page.status_code == 200
    assert b"</html>" in page.content


def queries_of(client, address):
    with CaptureQueriesContext(connection) as captured:
        client.get(address)
    return len(captured)


def test_the_store_keeps_within_its_byte_bound(settings, client, commitment):
    client.get("/en/commitments/?q=n0")
    one_page = page_cache.pages.size
    settings.TRACKER_PAGE_CACHE_BYTES = bound = one_page * 5
    for number in range(1, 20):
        client.get(f"/en/commitments/?q=n{number}")
        assert one_page <= page_cache.pages.size <= bound
    assert queries_of(client, "/en/commitments/?q=n19") == 1
    # The least recently used pages made way for the newer ones.
    assert queries_of(client, "/en/commitments/?q=n0") > 1


def test_unknown_parameters_get_the_page_rendered_but_not_stored(client, commitment):
    page = "/en/commitments/?status=on_track"
    client.get(page)
    assert len(page_cache.pages) == 1
    for junk in ("utm_source=x", "n=1", "fbclid=abc", "status[]=1"):
        response = client.get(f"{page}&{junk}")
        assert response.status_code == 200
        assert queries_of(client, f"{page}&{junk}") > 1  # rendered each time
    assert len(page_cache.pages) == 1
    assert queries_of(client, page) == 1  # the known page stayed in memory
    # A page without parameters of its own stores none.
    client.get(f"/en/commitments/{commitment.pk}/?status=on_track")
    assert len(page_cache.pages) == 1


def test_parameters_are_keyed_in_a_fixed_order(client, commitment):
    client.get("/en/commitments/?status=on_track&sort=target&q=停车")
    assert queries_of(client, "/en/commitments/?q=停车&sort=target&status=on_track") == 1
    assert queries_of(client, "/api/v1/commitments/?status=on_track&format=json") > 1
    assert queries_of(client, "/api/v1/commitments/?format=json&status=on_track") == 1
    assert len(page_cache.pages) == 2


def test_a_parameter_given_twice_keeps_its_order(client, commitment):
    client.get("/en/commitments/?status=on_track&status=stalled")
    assert queries_of(client, "/en/commitments/?status=stalled&status=on_track") > 1


def test_the_workspace_list_keeps_the_parameters_it_reads(staff_user, commitment):
    member = signed_in(staff_user)
    get_twice(member, "/en/workspace/commitments/?show=overdue&q=停车")
    assert queries_of(member, "/en/workspace/commitments/?q=停车&show=overdue") == 3
    assert queries_of(member, "/en/workspace/commitments/?q=停车&junk=1") > 3


def test_each_negotiated_language_is_its_own_entry(client, commitment):
    english = {"headers": {"accept-language": "en"}}
    client.get("/api/v1/updates/", **english)
    client.get("/feeds/updates/", **english)
    assert len(page_cache.pages) == 2
    # Spelled another way, it is the same language and the same stored page.
    for spelling in ("en-US,en;q=0.9", "en-GB", "fr-FR,en;q=0.5"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/feeds/updates/", headers={"accept-language": spelling})
        assert len(captured) == 1, spelling
        assert "published progress updates" in response.content.decode()
    chinese = client.get("/feeds/updates/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert "published progress updates" not in chinese.content.decode()
    assert len(page_cache.pages) == 3


def test_pages_expire_after_their_time(settings, client, commitment):
    settings.TRACKER_PAGE_CACHE_SECONDS = 0
    client.get("/en/")
    assert queries_of(client, "/en/") > 1


def test_a_new_day_renders_pages_again(client, commitment, monkeypatch):
    client.get("/en/")
    assert queries_of(client, "/en/") == 1
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)
    assert queries_of(client, "/en/") > 1


rendered = []


def page_view(request):
    rendered.append(request.path)
    return HttpResponse(f"page {len(rendered)}")


def cookie_setting_view(request):
    response = page_view(request)
    response.set_cookie("tracking", "1")
    return response


urlpatterns = [
    path("en/page/", page_view),
    path("en/sets-a-cookie/", cookie_setting_view),
]


def test_a_response_that_sets_a_cookie_is_not_stored(settings, client):
    settings.ROOT_URLCONF = __name__
    rendered.clear()
    assert client.get("/en/page/").content == client.get("/en/page/").content
    assert client.get("/en/sets-a-cookie/").content != client.get("/en/sets-a-cookie/").content
    assert rendered == ["/en/page/", "/en/sets-a-cookie/", "/en/sets-a-cookie/"]


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"
)


@pytest.fixture
def listening(settings):
    settings.TRACKER_PAGE_CACHE_LISTEN = True
    yield version_watcher.watcher
    version_watcher.watcher.close()


def change_from_another_server(commitment, title):
    """A change committed by another process: this one learns of it only by notification."""
    with psycopg_connection() as other:
        other.execute(
            "UPDATE commitments_commitment SET title = %s WHERE id = %s", [title, commitment.pk]
        )
        other.execute(UPSERT_AND_NOTIFY, [PUBLIC, PUBLIC])


def seconds_until_shown(client, page, text, *, limit):
    started = time.monotonic()
    while text not in client.get(page).content.decode():
        assert time.monotonic() - started < limit, f"{text} not shown after {limit} s"
        time.sleep(0.02)
    return time.monotonic() - started


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_committed_change_reaches_the_cache_by_notification(
    client, commitment, make_update, office_user, listening, django_assert_num_queries
):
    page = f"/en/commitments/{commitment.pk}/"
    client.get(page)
    with django_assert_num_queries(0):  # not even the data version
        client.get(page)
    update = make_update(commitment, text="启动招标。")
    submit(update)
    publish(update, by=office_user)
    assert "启动招标" in client.get(page).content.decode()
    change_from_another_server(commitment, "别处改的标题")
    seconds_until_shown(client, page, "别处改的标题", limit=5)
    with django_assert_num_queries(0):
        client.get(page)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_silent_listener_is_noticed_within_seconds(
    client, commitment, listening, monkeypatch, django_assert_num_queries
):
    page = f"/en/commitments/{commitment.pk}/"
    client.get(page)
    assert queries_of(client, page) == 0
    # The connection freezes: still open, but nothing arrives on it any more.
    monkeypatch.setattr(listening._selector, "select", lambda timeout=None: [])
    change_from_another_server(commitment, "冻结后改的标题")
    waited = seconds_until_shown(client, page, "冻结后改的标题", limit=5)
    limit = listening.TRUST_SECONDS + listening.HEARTBEAT_SECONDS + 0.5
    assert waited < limit, "the change showed only with the page's expiry"
    # Meanwhile every request reads the counters, until the connection is given up ...
    assert queries_of(client, page) == 1
    monkeypatch.setattr(type(listening), "RETRY_SECONDS", 0.2)
    frozen = listening._listener
    deadline = time.monotonic() + listening.SILENT_SECONDS + 2
    while listening._listener is frozen:
        assert time.monotonic() < deadline, "the silent connection was never given up"
        assert queries_of(client, page) == 1
        time.sleep(0.1)
    # ... and a new one answers its heartbeats: pages come from memory again.
    deadline = time.monotonic() + 3
    while queries_of(client, page) != 0:
        assert time.monotonic() < deadline, "no new listening connection"
        time.sleep(0.05)
    assert listening.healthy


def psycopg_connection():
    import psycopg

    parameters = connection.get_connection_params()
    parameters.pop("cursor_factory", None)
    parameters.pop("context", None)
    return psycopg.connect(autocommit=True, **parameters)
