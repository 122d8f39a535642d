"""Every admin address × every role × GET/POST: the admin is the office's tool alone.

Bureau staff, members and anonymous visitors are sent to the admin's sign-in page from every
address and change nothing. The office reads everything it may, changes what it may through the
same rules as the workspace, and the records the admin shows read-only refuse every write.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from workspace_support import PDF_BYTES, publish, submit

from commitments.models import (
    Commitment,
    Evidence,
    Follow,
    Measure,
    Organisation,
    ProgressUpdate,
    Proposal,
    Rehandling,
    Reply,
    Review,
    SatisfactionRating,
    Session,
    User,
)

ROLES = ["anonymous", "staff", "other_staff", "member", "office", "superuser"]
NO_ADMIN = ["anonymous", "staff", "other_staff", "member"]
# The office reads these in the admin and changes them nowhere there.
READ_ONLY = {ProgressUpdate, Review, SatisfactionRating, Follow}


@pytest.fixture
def world(
    django_user_model,
    commitment,
    make_update,
    staff_user,
    other_staff_user,
    office_user,
    member_user,
):
    reply = commitment.reply
    Measure.objects.create(reply=reply, position=1, text="已开展调研。")
    draft = make_update(commitment, text="草稿内容")
    Evidence.objects.create(
        update=draft, description="草稿附件", file=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    submitted = make_update(commitment, text="已提交内容")
    submit(submitted)
    published = make_update(commitment, text="已发布内容")
    publish(published, by=office_user)
    review = Review.objects.create(update=published, member=member_user, verdict="queried")
    rating = SatisfactionRating.objects.create(
        reply=reply, member=member_user, handling="satisfied", outcome="dissatisfied"
    )
    Rehandling.objects.create(
        proposal=reply.proposal, round=2, rating=rating, due_date=datetime.date(2030, 1, 1)
    )
    Follow.objects.create(user=member_user, commitment=commitment)
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    # A failed and a successful sign-in, so the sign-in records' admin pages have rows.
    Client().post(reverse("login"), {"username": "staff-a", "password": "wrong"})
    Client().post(
        reverse("login"), {"username": "staff-a", "password": "correct horse battery staple"}
    )
    return SimpleNamespace(
        commitment=commitment,
        draft=draft,
        submitted=submitted,
        published=published,
        review=review,
        users={
            "anonymous": None,
            "staff": staff_user,
            "other_staff": other_staff_user,
            "member": member_user,
            "office": office_user,
            "superuser": superuser,
        },
    )


def snapshot():
    """Every row an admin request could change."""
    models = [
        Organisation,
        User,
        Group,
        Session,
        Proposal,
        Reply,
        Measure,
        Commitment,
        ProgressUpdate,
        Evidence,
        Review,
        SatisfactionRating,
        Rehandling,
        Follow,
    ]
    return [list(model.objects.order_by("pk").values()) for model in models]


def admin_addresses():
    """(label, model, method, url-maker, data-maker) for every address of every model admin."""
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        name = "{}_{}".format(*info)

        def url(view, *args, _name=name):
            return lambda pk: reverse(f"admin:{_name}_{view}", args=[pk] if args else [])

        yield f"{name} changelist", model, "get", url("changelist"), None
        yield f"{name} add form", model, "get", url("add"), None
        yield f"{name} add", model, "post", url("add"), {}
        yield f"{name} change form", model, "get", url("change", 1), None
        yield f"{name} change", model, "post", url("change", 1), {}
        yield f"{name} delete form", model, "get", url("delete", 1), None
        yield f"{name} delete", model, "post", url("delete", 1), {"post": "yes"}
        yield f"{name} history", model, "get", url("history", 1), None
        for action in model_admin.actions or []:
            action_name = action if isinstance(action, str) else action.__name__
            yield (
                f"{name} action {action_name}",
                model,
                "post",
                url("changelist"),
                {"action": action_name, "index": 0},
            )
        yield (
            f"{name} action delete_selected",
            model,
            "post",
            url("changelist"),
            {"action": "delete_selected", "index": 0, "post": "yes"},
        )


ADDRESSES = list(admin_addresses())


def row_for(model, world):
    """An existing row of the model: the submitted update for updates, else the first one."""
    if model is ProgressUpdate:
        return world.submitted
    return model.objects.order_by("pk").first()


def request(client, world, model, method, url, data):
    row = row_for(model, world)
    # A model with no row yet (a queue's results): its addresses with an id no row has.
    pk = row.pk if row is not None else 999999
    address = url(pk)
    if method == "get":
        return client.get(address)
    payload = dict(data)
    if "action" in payload:
        payload["_selected_action"] = [pk]
    return client.post(address, payload)


@pytest.mark.parametrize("role", NO_ADMIN)
@pytest.mark.parametrize(
    ("label", "model", "method", "url", "data"),
    [pytest.param(*address, id=address[0]) for address in ADDRESSES],
)
def test_only_the_office_gets_into_the_admin_and_refusals_change_nothing(
    client, world, role, label, model, method, url, data
):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = snapshot()

    response = request(client, world, model, method, url, data)

    assert response.status_code == 302, label
    assert response["Location"].startswith(reverse("admin:login")), label
    assert snapshot() == before


@pytest.mark.parametrize("role", ["office", "superuser"])
@pytest.mark.parametrize(
    ("label", "model", "method", "url", "data"),
    [pytest.param(*address, id=address[0]) for address in ADDRESSES],
)
def test_the_office_never_gets_an_error_and_read_only_records_refuse_every_write(
    client, world, role, label, model, method, url, data
):
    client.force_login(world.users[role])
    before = snapshot()

    response = request(client, world, model, method, url, data)

    assert response.status_code < 500, label
    if model in READ_ONLY and method == "post" and "action" not in (data or {}):
        assert response.status_code == 403, label
    if model in READ_ONLY and method == "post":
        publishing = data.get("action") == "publish_selected"
        if not publishing:
            assert snapshot() == before, label


def test_a_staff_account_ticked_as_admin_staff_still_cannot_use_the_admin(client, world):
    staff = world.users["staff"]
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=staff.pk))

    response = client.get(reverse("admin:commitments_reply_add"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_bureau_staff_cannot_sign_in_to_the_admin(client, world):
    response = client.post(
        reverse("admin:login"),
        {"username": "staff-a", "password": "correct horse battery staple"},
    )

    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
