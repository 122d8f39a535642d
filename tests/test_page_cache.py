"""The page cache: pages come from memory until anything they show changes, and a stored page
only ever goes back to the kind of visitor (and, signed in, the very session) it was made for."""

import datetime
import re
import time

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from commitments import data_version, page_cache, workflow
from commitments.data_version import bump_data_version, read_data_version
from commitments.models import Commitment, DataVersion, User
from tests.conftest import SEED_LETTER

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
    # Test transactions never commit, so no NOTIFY would ever arrive: read the counter instead.
    settings.TRACKER_PAGE_CACHE_LISTEN = False
    DataVersion.objects.get_or_create(id=1)
    page_cache.pages.clear()
    yield
    page_cache.pages.clear()


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
    client, commitment, make_update, office_user
):
    addresses = [address.format(commitment=commitment.pk) for address in PUBLIC_PAGES]
    for address in addresses:
        client.get(address)
    update = make_update(commitment, text="启动招标。", status="challenges")
    update.submit()
    update.publish(by=office_user)
    for address in addresses:
        page = client.get(address).content.decode()
        # The list shows the new status; the other pages the update itself.
        shown = "with challenges" if address == "/en/commitments/" else "启动招标"
        assert shown in page, address


def test_publishing_through_the_workflow_shows_at_once(
    client, commitment, make_update, office_user
):
    update = make_update(commitment, text="启动招标。")
    update.submit()
    page = f"/en/commitments/{commitment.pk}/"
    assert "启动招标" not in client.get(page).content.decode()
    workflow.update_publish(
        update=update,
        by=office_user,
        update_version=update.version,
        commitment_version=Commitment.objects.get(pk=commitment.pk).version,
    )
    assert "启动招标" in client.get(page).content.decode()


def test_an_import_shows_at_once_in_the_list(client, commitment):
    before = client.get("/en/commitments/").content.decode()
    call_command("import_reply", str(SEED_LETTER))
    imported = Commitment.objects.exclude(pk=commitment.pk).first()
    assert imported.title not in before
    assert imported.title in client.get("/en/commitments/").content.decode()


def test_an_admin_edit_shows_at_once(client, commitment, bureau, office_user):
    page = f"/en/commitments/{commitment.pk}/"
    assert "测试工信局" in client.get(page).content.decode()
    admin = signed_in(office_user)
    response = admin.post(
        f"/admin/commitments/organisation/{bureau.pk}/change/",
        {"name": bureau.name, "short_name": "改名后的局", "slug": bureau.slug},
    )
    assert response.status_code == 302
    assert "改名后的局" in client.get(page).content.decode()


def test_a_queryset_update_shows_once_it_bumps_the_version(client, commitment):
    page = f"/en/commitments/{commitment.pk}/"
    client.get(page)
    Commitment.objects.filter(pk=commitment.pk).update(title="改过的标题")
    bump_data_version()
    assert "改过的标题" in client.get(page).content.decode()


def test_co_organisations_added_or_removed_move_the_version(commitment, other_bureau):
    before = read_data_version()
    commitment.co_organisations.add(other_bureau)
    added = read_data_version()
    commitment.co_organisations.remove(other_bureau)
    assert before < added < read_data_version()


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
    office_user, staff_user, commitment
):
    changelist = "/admin/commitments/commitment/"
    office, staff = signed_in(office_user), signed_in(staff_user)
    assert get_twice(office, changelist).status_code == 200
    assert get_twice(staff, changelist).status_code == 200
    # No signal, so the version stays: the session check alone must refuse the stored page.
    User.objects.filter(pk=staff_user.pk).update(is_active=False)
    assert staff.get(changelist).status_code == 302
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
    client.get("/en/commitments/?n=0")
    one_page = page_cache.pages.size
    settings.TRACKER_PAGE_CACHE_BYTES = bound = one_page * 5
    for number in range(1, 20):
        client.get(f"/en/commitments/?n={number}")
        assert one_page <= page_cache.pages.size <= bound
    assert queries_of(client, "/en/commitments/?n=19") == 1
    # The least recently used pages made way for the newer ones.
    assert queries_of(client, "/en/commitments/?n=0") > 1


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


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_committed_change_reaches_the_cache_by_notification(
    settings, client, commitment, make_update, office_user, django_assert_num_queries
):
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    settings.TRACKER_PAGE_CACHE_LISTEN = True
    page = f"/en/commitments/{commitment.pk}/"
    try:
        client.get(page)
        with django_assert_num_queries(0):  # not even the data version
            client.get(page)
        update = make_update(commitment, text="启动招标。")
        update.submit()
        update.publish(by=office_user)
        assert "启动招标" in client.get(page).content.decode()
        # Another process's change arrives as a notification only.
        with psycopg_connection() as other:
            other.execute("NOTIFY tracker_data_version")
        deadline = time.monotonic() + 5
        while queries_of(client, page) == 0:  # from memory until the notification arrives
            assert time.monotonic() < deadline, "no notification arrived"
            time.sleep(0.01)
    finally:
        data_version.watcher.close()


def psycopg_connection():
    import psycopg

    parameters = connection.get_connection_params()
    parameters.pop("cursor_factory", None)
    parameters.pop("context", None)
    return psycopg.connect(autocommit=True, **parameters)
