"""The admin keeps the rules of the workspace: each hole it used to open has a test here."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from workspace_support import PDF_BYTES, publish, return_to_author, submit, update_form_data

from commitments.models import Commitment, Evidence, ProgressUpdate, Reply, User


def form_data(response):
    """The POST data of an admin change form as the browser would send it, unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(field.widget.format_value(value) or "")

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client


def test_the_office_cannot_make_itself_superuser(office_client, office_user):
    url = reverse("admin:commitments_user_change", args=[office_user.pk])
    data = form_data(office_client.get(url))
    data.update(is_superuser="on", is_staff="on", role="member")

    office_client.post(url, data)

    office_user.refresh_from_db()
    assert not office_user.is_superuser
    assert office_user.role == "office"


def test_the_office_cannot_change_a_superusers_password(office_client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "old-password")
    url = reverse("admin:auth_user_password_change", args=[root.pk])

    response = office_client.post(url, {"password1": "taken-over-1", "password2": "taken-over-1"})

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("old-password")


def test_the_office_sets_another_users_role_and_admin_access_follows(office_client, staff_user):
    url = reverse("admin:commitments_user_change", args=[staff_user.pk])
    data = form_data(office_client.get(url))
    data.update(role="office")

    response = office_client.post(url, data)

    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.role == "office"
    assert staff_user.is_staff
    assert not staff_user.is_superuser


def test_the_publish_action_publishes_only_submitted_updates(
    office_client, commitment, make_update
):
    draft = make_update(commitment, text="草稿")
    returned = make_update(commitment, text="退回")
    submit(returned)
    return_to_author(returned, note="请补充。")
    submitted = make_update(commitment, text="已提交", progress=45)
    submit(submitted)

    office_client.post(
        reverse("admin:commitments_progressupdate_changelist"),
        {
            "action": "publish_selected",
            "index": 0,
            "_selected_action": [draft.pk, returned.pk, submitted.pk],
        },
    )

    states = dict(ProgressUpdate.objects.values_list("pk", "state"))
    assert states == {draft.pk: "draft", returned.pk: "returned", submitted.pk: "published"}
    assert Commitment.objects.get(pk=commitment.pk).progress == 45


def test_the_office_does_not_see_bureau_drafts_in_the_admin(office_client, commitment, make_update):
    draft = make_update(commitment, text="BUREAU-DRAFT-TEXT")

    listing = office_client.get(reverse("admin:commitments_progressupdate_changelist"))
    page = office_client.get(reverse("admin:commitments_progressupdate_change", args=[draft.pk]))

    assert "BUREAU-DRAFT-TEXT" not in listing.content.decode()
    assert page.status_code == 302  # the admin's "does not exist" redirect


def test_a_published_update_cannot_be_edited_in_the_admin(office_client, commitment, make_update):
    update = make_update(commitment, text="已发布的原文")
    publish(update)
    url = reverse("admin:commitments_progressupdate_change", args=[update.pk])

    response = office_client.post(url, {"text": "改写后的文字", "status": "completed"})

    assert response.status_code == 403
    update.refresh_from_db()
    assert update.text == "已发布的原文"
    assert Commitment.objects.get(pk=commitment.pk).status == "on_track"


def test_no_evidence_can_be_uploaded_through_the_admin(office_client, commitment, make_update):
    update = make_update(commitment)
    submit(update)
    html = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")

    response = office_client.post(
        reverse("admin:commitments_progressupdate_change", args=[update.pk]),
        {
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-description": "页面",
            "evidence-0-file": html,
        },
    )

    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_an_admin_form_opened_earlier_does_not_overwrite_a_newer_workspace_edit(
    office_client, client, commitment, staff_user
):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    stale = form_data(office_client.get(url))
    # Meanwhile the bureau corrects the title in the workspace.
    fresh = Commitment.objects.get(pk=commitment.pk)
    fresh.title = "工作台改过的标题"
    fresh.save()
    stale["title"] = "后台的旧表单标题"

    response = office_client.post(url, stale)

    assert response.status_code == 200
    assert "您打开此记录后，他人已修改了它" in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).title == "工作台改过的标题"


def test_an_admin_form_with_the_current_version_saves(office_client, commitment):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    data = form_data(office_client.get(url))
    data["title"] = "办公室改过的标题"

    response = office_client.post(url, data)

    assert response.status_code == 302
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert commitment.title == "办公室改过的标题"
    assert commitment.history.first().history_user.username == "office"


def test_history_cannot_revert_a_record(office_client, commitment):
    old = commitment.history.first()
    commitment.title = "新标题"
    commitment.save()
    url = reverse(
        "admin:commitments_commitment_simple_history", args=[commitment.pk, old.history_id]
    )

    response = office_client.post(url, {"title": old.title})

    assert response.status_code == 403
    assert Commitment.objects.get(pk=commitment.pk).title == "新标题"


def test_an_admin_change_posted_without_its_version_is_refused(office_client, reply):
    url = reverse("admin:commitments_reply_change", args=[reply.pk])
    data = form_data(office_client.get(url))
    data.pop("edit_version")
    data["title"] = "无版本号的修改"

    response = office_client.post(url, data)

    assert response.status_code == 200
    assert Reply.objects.get(pk=reply.pk).title != "无版本号的修改"


def test_a_bureau_revision_never_fills_the_original_target_date(reply, bureau, make_update):
    commitment = Commitment.objects.create(
        reply=reply, position=2, title="无日期", promised_text="推进。", lead_organisation=bureau
    )
    update = make_update(
        commitment,
        new_target_date=datetime.date(2031, 1, 1),
        target_date_reason="分期实施。",
    )
    publish(update)

    commitment.refresh_from_db()
    assert commitment.original_target_date is None
    assert commitment.current_target_date == datetime.date(2031, 1, 1)


def test_only_the_submitted_state_can_be_published_through_any_path(
    commitment, make_update, office_user
):
    from django.core.exceptions import PermissionDenied

    from commitments import workflow

    draft = make_update(commitment)
    with pytest.raises(PermissionDenied):
        workflow.update_publish(update=draft, by=office_user)
    assert ProgressUpdate.objects.get(pk=draft.pk).state == "draft"


def test_bureau_staff_cannot_publish_through_the_write_function(
    commitment, make_update, staff_user
):
    from django.core.exceptions import PermissionDenied

    from commitments import workflow

    update = make_update(commitment)
    submit(update)
    with pytest.raises(PermissionDenied):
        workflow.update_publish(update=update, by=staff_user)
    assert ProgressUpdate.objects.get(pk=update.pk).state == "submitted"


def test_staff_edit_of_a_submitted_update_is_refused(client, staff_user, commitment, make_update):
    update = make_update(commitment)
    submit(update)
    client.force_login(staff_user)

    response = client.post(
        reverse("workspace:update_edit", args=[update.pk]),
        update_form_data(version=update.version, text="提交后改写"),
    )

    assert response.status_code == 403
    assert ProgressUpdate.objects.get(pk=update.pk).text != "提交后改写"


def test_user_flags_are_read_only_for_the_office_on_every_account(office_client, member_user):
    url = reverse("admin:commitments_user_change", args=[member_user.pk])
    data = form_data(office_client.get(url))
    data.update(is_superuser="on", is_staff="on")

    office_client.post(url, data)

    member_user = User.objects.get(pk=member_user.pk)
    assert not member_user.is_superuser
    assert not member_user.is_staff


def test_an_evidence_file_missing_from_storage_answers_404(client, commitment, make_update):
    update = make_update(commitment)
    evidence = Evidence.objects.create(
        update=update, description="附件", file=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    publish(update)
    evidence.file.storage.delete(evidence.file.name)

    response = client.get(reverse("workspace:evidence", args=[evidence.pk]))

    assert response.status_code == 404


def test_the_admin_list_counts_the_rows_of_a_partial_last_page(
    admin_client, reply, bureau, monkeypatch
):
    from commitments.admin import CommitmentAdmin

    monkeypatch.setattr(CommitmentAdmin, "list_per_page", 2)
    for position in (1, 2, 3):
        Commitment.objects.create(
            reply=reply, position=position, title=f"承诺{position}", lead_organisation=bureau
        )
    for page, rows in [(1, 2), (2, 1)]:
        html = admin_client.get(
            f"/admin/commitments/commitment/?p={page}", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert f"0 of {rows} selected" in html
        assert html.count('class="action-select"') == rows
