"""The permission matrix: every workspace address, for every role, GET and POST.

The admin's addresses have a matrix of their own (test_admin_permissions.py).

A refused request answers 403 (404 where the object is not even visible to the user, or the
sign-in page for anonymous visitors) and changes nothing in the database.
"""

from types import SimpleNamespace

import pytest
from conftest import link_proposer
from django.core.files.uploadedfile import SimpleUploadedFile
from workspace_support import PDF_BYTES, publish, submit, update_form_data

from commitments.models import (
    Commitment,
    Evidence,
    Follow,
    ProgressUpdate,
    Rehandling,
    Review,
    SatisfactionRating,
)

ROLES = ["anonymous", "staff", "other_staff", "office", "member"]
LOGIN = "login"  # redirected to /accounts/login/
ADMIN_LOGIN = "admin_login"  # redirected to /admin/login/
ADMIN_MISSING = "admin_missing"  # the admin's "does not exist" redirect to its index


@pytest.fixture
def world(commitment, make_update, staff_user, other_staff_user, office_user, member_user):
    link_proposer(member_user, commitment.reply.proposal)  # the member rates their own proposal
    draft = make_update(commitment, text="草稿内容")
    submitted = make_update(commitment, text="已提交内容")
    submit(submitted)
    published = make_update(commitment, text="已发布内容")
    submit(published)
    publish(published, by=office_user)
    draft_file = Evidence.objects.create(
        update=draft, description="草稿附件", file=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    published_file = Evidence.objects.create(
        update=published, description="发布附件", file=SimpleUploadedFile("b.pdf", PDF_BYTES)
    )
    return SimpleNamespace(
        commitment=Commitment.objects.get(pk=commitment.pk),
        reply=commitment.reply,
        draft=ProgressUpdate.objects.get(pk=draft.pk),
        submitted=ProgressUpdate.objects.get(pk=submitted.pk),
        published=ProgressUpdate.objects.get(pk=published.pk),
        draft_file=draft_file,
        published_file=published_file,
        users={
            "anonymous": None,
            "staff": staff_user,
            "other_staff": other_staff_user,
            "office": office_user,
            "member": member_user,
        },
    )


def snapshot():
    """Everything a workspace or admin request could change."""
    return (
        list(ProgressUpdate.objects.order_by("pk").values()),
        list(Commitment.objects.order_by("pk").values()),
        list(Evidence.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
        list(SatisfactionRating.objects.order_by("pk").values()),
        list(Rehandling.objects.order_by("pk").values()),
        list(Follow.objects.order_by("pk").values()),
    )


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location == "/admin/":
            return ADMIN_MISSING
    return response.status_code


def ws(path):
    return f"/en/workspace/{path}"


# (name, method, address, POST data, expected outcome per role: anonymous, staff of the
# commitment's organisation, staff of another organisation, office, member)
CASES = [
    ("home", "get", lambda w: ws(""), None, [LOGIN, 200, 200, 200, 200]),
    ("list", "get", lambda w: ws("commitments/"), None, [LOGIN, 200, 200, 200, 200]),
    (
        "commitment",
        "get",
        lambda w: ws(f"commitments/{w.commitment.pk}/"),
        None,
        [LOGIN, 200, 200, 200, 200],
    ),
    (
        "history",
        "get",
        lambda w: ws(f"commitments/{w.commitment.pk}/history/"),
        None,
        [LOGIN, 200, 200, 200, 200],
    ),
    (
        "new update form",
        "get",
        lambda w: ws(f"commitments/{w.commitment.pk}/updates/new/"),
        None,
        [LOGIN, 200, 403, 403, 403],
    ),
    (
        "new update",
        "post",
        lambda w: ws(f"commitments/{w.commitment.pk}/updates/new/"),
        lambda w: update_form_data(),
        [LOGIN, 302, 403, 403, 403],
    ),
    (
        "draft",
        "get",
        lambda w: ws(f"updates/{w.draft.pk}/"),
        None,
        [LOGIN, 200, 404, 404, 404],
    ),
    (
        "submitted update",
        "get",
        lambda w: ws(f"updates/{w.submitted.pk}/"),
        None,
        [LOGIN, 200, 404, 200, 200],
    ),
    (
        "published update",
        "get",
        lambda w: ws(f"updates/{w.published.pk}/"),
        None,
        [LOGIN, 200, 200, 200, 200],
    ),
    (
        "edit draft form",
        "get",
        lambda w: ws(f"updates/{w.draft.pk}/edit/"),
        None,
        [LOGIN, 200, 404, 404, 404],
    ),
    (
        "edit draft",
        "post",
        lambda w: ws(f"updates/{w.draft.pk}/edit/"),
        lambda w: update_form_data(version=w.draft.version, text="改写"),
        [LOGIN, 302, 404, 404, 404],
    ),
    (
        "edit submitted form",
        "get",
        lambda w: ws(f"updates/{w.submitted.pk}/edit/"),
        None,
        [LOGIN, 403, 404, 403, 403],
    ),
    (
        "edit submitted",
        "post",
        lambda w: ws(f"updates/{w.submitted.pk}/edit/"),
        lambda w: update_form_data(version=w.submitted.version, text="改写"),
        [LOGIN, 403, 404, 403, 403],
    ),
    (
        "edit published",
        "post",
        lambda w: ws(f"updates/{w.published.pk}/edit/"),
        lambda w: update_form_data(version=w.published.version, text="改写"),
        [LOGIN, 403, 403, 403, 403],
    ),
    (
        "submit draft",
        "post",
        lambda w: ws(f"updates/{w.draft.pk}/submit/"),
        lambda w: {"version": w.draft.version},
        [LOGIN, 302, 404, 404, 404],
    ),
    (
        "publish submitted",
        "post",
        lambda w: ws(f"updates/{w.submitted.pk}/publish/"),
        lambda w: {
            "update_version": w.submitted.version,
            "commitment_version": w.commitment.version,
        },
        [LOGIN, 403, 404, 302, 403],
    ),
    (
        "publish draft",
        "post",
        lambda w: ws(f"updates/{w.draft.pk}/publish/"),
        lambda w: {"update_version": w.draft.version, "commitment_version": w.commitment.version},
        [LOGIN, 403, 404, 404, 404],
    ),
    (
        "return submitted",
        "post",
        lambda w: ws(f"updates/{w.submitted.pk}/return/"),
        lambda w: {"update_version": w.submitted.version, "note": "请补充照片。"},
        [LOGIN, 403, 404, 302, 403],
    ),
    (
        "return published",
        "post",
        lambda w: ws(f"updates/{w.published.pk}/return/"),
        lambda w: {"update_version": w.published.version, "note": "请补充照片。"},
        [LOGIN, 403, 403, 403, 403],
    ),
    (
        "review published",
        "post",
        lambda w: ws(f"updates/{w.published.pk}/review/"),
        lambda w: {"verdict": "queried", "comment": "数字对不上。"},
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "review submitted",
        "post",
        lambda w: ws(f"updates/{w.submitted.pk}/review/"),
        lambda w: {"verdict": "confirmed", "comment": ""},
        [LOGIN, 403, 404, 403, 403],
    ),
    (
        "rating form",
        "get",
        lambda w: ws(f"replies/{w.reply.pk}/rate/"),
        None,
        [LOGIN, 403, 403, 403, 200],
    ),
    (
        "rate",
        "post",
        lambda w: ws(f"replies/{w.reply.pk}/rate/"),
        lambda w: {"handling": "satisfied", "outcome": "dissatisfied", "comment": "没有落实。"},
        [LOGIN, 403, 403, 403, 302],
    ),
    (
        "follow",
        "post",
        lambda w: ws(f"commitments/{w.commitment.pk}/follow/"),
        lambda w: {"action": "follow"},
        [LOGIN, 302, 302, 302, 302],
    ),
    (
        "draft evidence file",
        "get",
        lambda w: ws(f"evidence/{w.draft_file.pk}/"),
        None,
        [LOGIN, 200, 404, 404, 404],
    ),
    (
        "published evidence file",
        "get",
        lambda w: ws(f"evidence/{w.published_file.pk}/"),
        None,
        [200, 200, 200, 200, 200],
    ),
    ("reply import", "get", lambda w: ws("import/"), None, [LOGIN, 200, 200, 200, 403]),
    (
        "reply import save",
        "post",
        lambda w: ws("import/save/"),
        lambda w: {},
        [LOGIN, 200, 200, 200, 403],
    ),
]

MATRIX = [
    pytest.param(name, method, address, data, role, expected, id=f"{name}-{method}-{role}")
    for name, method, address, data, expectations in CASES
    for role, expected in zip(ROLES, expectations, strict=True)
]

# Successful or harmless requests change something, or might; every other one must not.
CHANGING = {302}


@pytest.mark.parametrize(("name", "method", "address", "data", "role", "expected"), MATRIX)
def test_each_role_gets_only_what_it_may_and_refusals_change_nothing(
    client, world, name, method, address, data, role, expected
):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = snapshot()

    if method == "get":
        response = client.get(address(world))
    else:
        response = client.post(address(world), data(world))

    assert outcome(response) == expected
    if expected not in CHANGING:
        assert snapshot() == before
