"""Signing in and out, changing and resetting a password, and creating accounts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_signing_in_takes_a_user_to_the_workspace(client, staff_user):
    response = sign_in(client, "staff-a")

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/workspace/"
    assert client.get(response["Location"]).status_code == 200


def test_signing_in_returns_to_the_page_asked_for(client, staff_user, commitment):
    wanted = f"/en/workspace/commitments/{commitment.pk}/"
    bounced = client.get(wanted)

    assert bounced["Location"] == f"/accounts/login/?next={wanted}"
    assert sign_in(client, "staff-a", next_url=wanted)["Location"] == wanted


def test_a_wrong_password_is_refused_with_a_message(client, staff_user):
    response = client.post(
        "/accounts/login/", {"username": "staff-a", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/en/workspace/").status_code == 302


def test_signing_out_ends_the_session(client, staff_user):
    sign_in(client, "staff-a")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert client.get("/en/workspace/")["Location"].startswith("/accounts/login/")


def test_a_signed_in_user_without_a_role_is_refused(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password=PASSWORD)
    client.force_login(nobody)

    assert client.get("/en/workspace/").status_code == 403


def test_a_user_changes_their_password(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much newer passphrase",
            "new_password2": "a much newer passphrase",
        },
    )

    assert response["Location"] == "/accounts/password_change/done/"
    client.logout()
    assert sign_in(client, "staff-a", "a much newer passphrase").status_code == 302


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, staff_user):
    client.post("/accounts/password_reset/", {"email": "staff-a@example.org"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff-a@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session key
    done = client.post(
        form_url,
        {"new_password1": "reset passphrase 2024", "new_password2": "reset passphrase 2024"},
    )

    assert done["Location"] == "/accounts/reset/done/"
    assert sign_in(client, "staff-a", "reset passphrase 2024").status_code == 302


def test_the_sign_in_and_password_pages_use_the_site_layout(client):
    for url in ("/accounts/login/", "/accounts/password_reset/"):
        page = client.get(url).content.decode()
        assert 'class="site-header"' in page
        assert 'class="skip-link"' in page


def test_add_user_creates_bureau_staff_who_can_sign_in(client, bureau):
    call_command(
        "add_user", "xu", "--role", "staff", "--organisation", bureau.slug, "--password", PASSWORD
    )

    user = get_user_model().objects.get(username="xu")
    assert user.is_bureau_staff and user.organisation == bureau
    assert sign_in(client, "xu").status_code == 302
    assert client.get("/en/workspace/").context["sections"][0].key == "returned"


def test_add_user_refuses_bureau_staff_without_an_organisation(db):
    with pytest.raises(CommandError):
        call_command("add_user", "xu", "--role", "staff", "--password", PASSWORD)

    assert not get_user_model().objects.filter(username="xu").exists()
