"""Repeated failed sign-ins lock a username out, on every login form; the office unlocks it."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command

PASSWORD = "correct horse battery staple"
LOGIN_FORMS = ["/accounts/login/", "/admin/login/"]


def sign_in(client, address, username, password):
    return client.post(
        address, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )


def fail_five_times(client, address, username):
    for _ in range(5):
        sign_in(client, address, username, "wrong")


@pytest.mark.parametrize("address", LOGIN_FORMS)
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    client, address, office_user
):
    fail_five_times(client, address, "office")

    response = sign_in(client, address, "office", PASSWORD)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Too many tries" in page
    assert "After 5 failed sign-ins in a row this account is locked" in page
    assert "Try again in 30 min, or ask the supervising office to unlock it." in page
    assert 'class="site-header"' in page  # the site's own layout
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_still_let_the_right_one_in(client, office_user):
    for _ in range(4):
        sign_in(client, "/accounts/login/", "office", "wrong")

    assert sign_in(client, "/accounts/login/", "office", PASSWORD).status_code == 302


def test_a_lockout_holds_against_every_address_and_every_login_form(client, office_user):
    # An attacker rotating addresses gets no more tries: the count is per username.
    for number in range(5):
        client.post(
            "/accounts/login/",
            {"username": "office", "password": "wrong"},
            REMOTE_ADDR=f"203.0.113.{number}",
        )

    response = client.post(
        "/admin/login/", {"username": "office", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )

    assert response.status_code == 403


def test_another_username_is_not_locked_by_someone_elses_failures(client, office_user, staff_user):
    # Colleagues behind one office address are not locked out together.
    fail_five_times(client, "/accounts/login/", "office")

    assert sign_in(client, "/accounts/login/", "staff-a", PASSWORD).status_code == 302


def test_the_unlock_command_lets_a_locked_out_user_sign_in_again(client, office_user, capsys):
    fail_five_times(client, "/accounts/login/", "office")

    call_command("unlock_user", "office")

    assert "Unlocked office" in capsys.readouterr().out
    assert sign_in(client, "/accounts/login/", "office", PASSWORD).status_code == 302


def test_the_office_unlocks_a_user_from_the_admin(client, staff_user, office_user):
    fail_five_times(client, "/accounts/login/", "staff-a")
    office = type(client)()
    office.force_login(office_user)
    attempts = list(AccessAttempt.objects.filter(username="staff-a").values_list("pk", flat=True))

    listing = office.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="en")
    response = office.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock_selected", "_selected_action": attempts},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert listing.status_code == 200
    assert "staff-a" in listing.content.decode()
    assert "Unlocked staff-a" in response.content.decode()
    assert sign_in(client, "/accounts/login/", "staff-a", PASSWORD).status_code == 302


def test_only_the_office_and_superusers_see_the_failed_sign_ins(
    client, staff_user, member_user, django_user_model
):
    fail_five_times(client, "/accounts/login/", "someone")
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)

    for user in (staff_user, member_user):
        other = type(client)()
        other.force_login(user)
        assert other.get("/admin/axes/accessattempt/").status_code in (302, 403)
        other.post(
            "/admin/axes/accessattempt/",
            {"action": "unlock_selected", "_selected_action": attempts},
        )
    assert AccessAttempt.objects.filter(username="someone").exists()

    superuser = type(client)()
    superuser.force_login(root)
    assert superuser.get("/admin/axes/accessattempt/").status_code == 200


def test_password_reset_requests_for_one_address_are_limited(client, staff_user):
    address = {"email": "staff-a@example.org"}
    for _ in range(4):
        assert client.post("/accounts/password_reset/", address).status_code == 302

    refused = client.post("/accounts/password_reset/", address, HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 403
    assert "Too many password-reset requests for this address" in refused.content.decode()
    assert len(mail.outbox) == 4
    # Another address, and signing in, are untouched.
    assert client.post("/accounts/password_reset/", {"email": "x@example.org"}).status_code == 302
    assert sign_in(client, "/accounts/login/", "staff-a", PASSWORD).status_code == 302


def test_the_unlock_command_also_lifts_the_password_reset_limit(client, staff_user):
    for _ in range(5):
        client.post("/accounts/password_reset/", {"email": "Staff-A@example.org"})

    call_command("unlock_user", "staff-a")

    response = client.post("/accounts/password_reset/", {"email": "staff-a@example.org"})
    assert response.status_code == 302
