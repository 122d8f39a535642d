"""Progress updates in the workspace: writing, evidence, the rules of DESIGN.md, publishing."""

import datetime

import pytest
from workspace_support import (
    EXE_BYTES,
    PDF_BYTES,
    docx_bytes,
    png_bytes,
    publish,
    return_to_author,
    submit,
    update_form_data,
    upload,
)

from commitments.models import Commitment, Evidence, ProgressUpdate


def new_update_url(commitment):
    return f"/en/workspace/commitments/{commitment.pk}/updates/new/"


def post_new(client, commitment, **kwargs):
    return client.post(new_update_url(commitment), update_form_data(**kwargs))


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_saves_a_draft_with_a_link_and_a_file(staff_client, commitment, staff_user):
    response = post_new(
        staff_client,
        commitment,
        evidence=[
            {"description": "区政府公告", "url": "https://example.org/notice"},
            {"description": "验收报告", "file": upload("验收报告.pdf", PDF_BYTES)},
        ],
    )

    update = ProgressUpdate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/workspace/updates/{update.pk}/"
    assert update.state == "draft"
    assert update.author == staff_user
    assert update.organisation == staff_user.organisation
    link, document = update.evidence.order_by("pk")
    assert link.url == "https://example.org/notice"
    assert document.file.name.endswith("验收报告.pdf")
    assert document.file.read() == PDF_BYTES


def test_the_new_update_form_starts_from_the_commitments_status(staff_client, commitment):
    response = staff_client.get(new_update_url(commitment))

    form = response.context["form"]
    assert form["status"].value() == commitment.status
    assert form["progress"].value() == commitment.progress
    assert commitment.promised_text in response.content.decode()


def test_submitting_sends_the_update_to_the_office(staff_client, client, commitment, office_user):
    post_new(staff_client, commitment, action="submit")

    update = ProgressUpdate.objects.get()
    assert update.state == "submitted"
    client.force_login(office_user)
    home = client.get("/en/workspace/")
    awaiting = next(s for s in home.context["sections"] if s.key == "awaiting_publication")
    assert awaiting.count == 1
    assert awaiting.items == [update]


def test_an_exe_named_pdf_is_refused_and_nothing_is_saved(staff_client, commitment):
    response = post_new(
        staff_client,
        commitment,
        action="submit",
        evidence=[{"description": "报告", "file": upload("report.pdf", EXE_BYTES)}],
    )

    assert response.status_code == 200
    errors = response.context["evidence_formset"].forms[0].errors
    assert "not a PDF, an image or an Office document" in errors["file"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()


def test_a_png_named_pdf_is_stored_as_the_png_it_is(staff_client, commitment):
    post_new(
        staff_client,
        commitment,
        evidence=[{"description": "现场照片", "file": upload("photo.pdf", png_bytes())}],
    )

    assert Evidence.objects.get().file.name.endswith("photo.png")


def test_a_word_document_is_accepted_as_evidence(staff_client, commitment):
    post_new(
        staff_client,
        commitment,
        evidence=[{"description": "会议纪要", "file": upload("minutes.docx", docx_bytes())}],
    )

    assert Evidence.objects.get().file.name.endswith("minutes.docx")


def test_a_file_over_the_size_limit_is_refused(staff_client, commitment, settings):
    settings.TRACKER_MAX_UPLOAD_BYTES = 50

    response = post_new(
        staff_client,
        commitment,
        evidence=[{"description": "报告", "file": upload("report.pdf", PDF_BYTES)}],
    )

    assert "the limit is 50" in response.context["evidence_formset"].forms[0].errors["file"][0]
    assert not ProgressUpdate.objects.exists()


def test_evidence_needs_a_description(staff_client, commitment):
    response = post_new(
        staff_client, commitment, evidence=[{"description": "", "url": "https://example.org/a"}]
    )

    assert "description" in response.context["evidence_formset"].forms[0].errors
    assert not ProgressUpdate.objects.exists()


def test_evidence_needs_a_link_or_a_file(staff_client, commitment):
    response = post_new(staff_client, commitment, evidence=[{"description": "验收报告"}])

    errors = response.context["evidence_formset"].forms[0].non_field_errors()
    assert "Give a link or upload a file." in errors
    assert not ProgressUpdate.objects.exists()


def test_completion_without_evidence_or_reason_cannot_be_submitted(staff_client, commitment):
    response = post_new(staff_client, commitment, status="completed", progress=100, action="submit")

    assert response.status_code == 200
    assert "need evidence or a written reason" in response.context["form"].errors["reason"][0]
    assert not ProgressUpdate.objects.exists()


def test_completion_without_proof_may_still_be_kept_as_a_draft(staff_client, commitment):
    post_new(staff_client, commitment, status="completed", progress=100, action="save")

    assert ProgressUpdate.objects.get().state == "draft"


def test_completion_with_evidence_can_be_submitted(staff_client, commitment):
    post_new(
        staff_client,
        commitment,
        status="completed",
        progress=100,
        action="submit",
        evidence=[{"description": "验收报告", "file": upload("ok.pdf", PDF_BYTES)}],
    )

    assert ProgressUpdate.objects.get().state == "submitted"


def test_not_pursued_with_a_reason_can_be_submitted(staff_client, commitment):
    post_new(
        staff_client,
        commitment,
        status="not_pursued",
        progress=0,
        reason="地块已另作他用。",
        action="submit",
    )

    assert ProgressUpdate.objects.get().state == "submitted"


def test_an_update_needs_a_description_of_the_progress(staff_client, commitment):
    response = post_new(staff_client, commitment, text="", status="stalled")

    assert "text" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_a_target_date_revision_needs_a_reason(staff_client, commitment):
    response = post_new(staff_client, commitment, new_target_date="2031-06-30")

    assert "target_date_reason" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_a_target_date_revision_keeps_the_original_date_once_published(
    staff_client, client, commitment, office_user
):
    post_new(
        staff_client,
        commitment,
        new_target_date="2031-06-30",
        target_date_reason="施工许可延后。",
        action="submit",
    )
    update = ProgressUpdate.objects.get()
    client.force_login(office_user)
    client.post(
        f"/en/workspace/updates/{update.pk}/publish/",
        {"update_version": update.version, "commitment_version": commitment.version},
    )

    commitment.refresh_from_db()
    assert commitment.current_target_date == datetime.date(2031, 6, 30)
    assert commitment.original_target_date == datetime.date(2030, 12, 31)
    page = client.get(f"/en/workspace/commitments/{commitment.pk}/").content.decode()
    assert "Dec. 31, 2030" in page and "June 30, 2031" in page


def test_a_returned_update_shows_the_note_and_can_be_resubmitted(
    staff_client, commitment, make_update, office_user
):
    update = make_update(commitment)
    submit(update)
    return_to_author(update, note="请补充现场照片。", by=office_user)
    update.refresh_from_db()

    form_page = staff_client.get(f"/en/workspace/updates/{update.pk}/edit/")
    assert "请补充现场照片。" in form_page.content.decode()
    staff_client.post(
        f"/en/workspace/updates/{update.pk}/edit/",
        update_form_data(version=update.version, text="已补充照片。", action="submit"),
    )

    update.refresh_from_db()
    assert update.state == "submitted"
    assert update.text == "已补充照片。"


def test_the_office_publishes_and_the_public_page_shows_it_at_once(
    client, commitment, make_update, office_user, django_capture_on_commit_callbacks
):
    update = make_update(commitment, text="已建成停车位120个。", status="on_track", progress=60)
    submit(update)
    public_url = f"/en/commitments/{commitment.pk}/"
    assert "已建成停车位120个。" not in client.get(public_url).content.decode()

    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/workspace/updates/{update.pk}/publish/",
            {"update_version": update.version, "commitment_version": commitment.version},
        )
    client.logout()

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == ("on_track", 60)
    assert "已建成停车位120个。" in client.get(public_url).content.decode()


def test_the_office_returns_an_update_with_a_note(client, commitment, make_update, office_user):
    update = make_update(commitment)
    submit(update)
    client.force_login(office_user)

    empty = client.post(
        f"/en/workspace/updates/{update.pk}/return/", {"update_version": update.version}
    )
    assert "note" in empty.context["return_form"].errors
    client.post(
        f"/en/workspace/updates/{update.pk}/return/",
        {"update_version": update.version, "note": "数据需核实。"},
    )

    update.refresh_from_db()
    assert (update.state, update.return_note) == ("returned", "数据需核实。")
    assert Commitment.objects.get(pk=commitment.pk).status == "not_assessed"


def test_unpublished_updates_never_reach_the_public(client, commitment, make_update):
    draft = make_update(commitment, text="草稿：尚未核实的数字")
    submitted = make_update(commitment, text="已提交：等待督办审核")
    submit(submitted)
    returned = make_update(commitment, text="已退回：需要补充")
    submit(returned)
    return_to_author(returned, note="内部意见")
    file = Evidence.objects.create(
        update=draft, description="草稿附件", file=upload("draft.pdf", PDF_BYTES)
    )

    pages = [
        client.get(f"/en/commitments/{commitment.pk}/").content.decode(),
        client.get(f"/zh-hans/commitments/{commitment.pk}/").content.decode(),
        client.get("/feeds/updates/").content.decode(),
        client.get(f"/feeds/commitments/{commitment.pk}/").content.decode(),
    ]
    for page in pages:
        for secret in ("草稿：", "已提交：", "已退回：", "内部意见", "草稿附件"):
            assert secret not in page
    assert client.get(f"/en/workspace/evidence/{file.pk}/")["Location"].startswith(
        "/accounts/login/"
    )
    assert client.get(f"/en/workspace/updates/{draft.pk}/")["Location"].startswith(
        "/accounts/login/"
    )


def test_a_published_evidence_file_is_served_to_anyone_as_what_it_is(
    client, commitment, make_update
):
    update = make_update(commitment)
    file = Evidence.objects.create(
        update=update, description="报告", file=upload("report.pdf", PDF_BYTES)
    )
    publish(update)

    response = client.get(f"/en/workspace/evidence/{file.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_colleagues_see_a_draft_but_other_bureaus_and_members_do_not(
    client, commitment, make_update, staff_user, other_staff_user, member_user, office_user
):
    make_update(commitment, text="草稿内容")
    url = f"/en/workspace/commitments/{commitment.pk}/"

    seen = {}
    for user in (staff_user, other_staff_user, member_user, office_user):
        client.force_login(user)
        seen[user.username] = "草稿内容" in client.get(url).content.decode()

    assert seen == {"staff-a": True, "staff-b": False, "member": False, "office": False}


def test_co_handling_staff_may_write_updates(client, commitment, other_staff_user):
    commitment.co_organisations.add(other_staff_user.organisation)
    client.force_login(other_staff_user)

    response = post_new(client, commitment)

    assert response.status_code == 302
    assert ProgressUpdate.objects.get().organisation == other_staff_user.organisation
