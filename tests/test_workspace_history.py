"""History: who changed what and when on a commitment and its updates."""

import pytest
from workspace_support import submit

from commitments.models import Commitment


@pytest.fixture
def published_by_the_office(client, commitment, make_update, office_user):
    update = make_update(
        commitment,
        status="challenges",
        progress=25,
        new_target_date="2031-06-30",
        target_date_reason="施工许可延后。",
    )
    submit(update)
    client.force_login(office_user)
    client.post(
        f"/en/workspace/updates/{update.pk}/publish/",
        {"update_version": update.version, "commitment_version": commitment.version},
    )
    client.logout()
    return update


def history_page(client, user, commitment):
    client.force_login(user)
    response = client.get(f"/en/workspace/commitments/{commitment.pk}/history/")
    assert response.status_code == 200
    return response


def test_history_shows_who_moved_the_status_and_when(
    client, commitment, published_by_the_office, member_user
):
    response = history_page(client, member_user, commitment)

    change = next(
        entry
        for entry in response.context["entries"]
        if entry.subject == "Commitment" and entry.changes
    )
    assert change.who.username == "office"
    rows = {row.label: (row.before, row.after) for row in change.changes}
    assert rows["status"] == ("Not yet assessed", "Under way – with challenges")
    assert rows["progress (%)"] == (0, 25)


def test_history_shows_a_target_date_revision_beside_the_original(
    client, commitment, published_by_the_office, staff_user
):
    page = history_page(client, staff_user, commitment).content.decode()

    assert "Current target date" in page
    assert "Dec. 31, 2030" in page and "June 30, 2031" in page


def test_history_shows_the_review_state_of_updates(
    client, commitment, published_by_the_office, staff_user
):
    page = history_page(client, staff_user, commitment).content.decode()

    assert "<del>Submitted</del>" in page and "<ins>Published</ins>" in page


def test_history_shows_edits_made_in_the_admin(client, commitment, office_user):
    client.force_login(office_user)
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.title = "新建公共停车位"
    commitment.save()

    page = history_page(client, office_user, commitment).content.decode()

    assert "<del>新建停车位</del>" in page and "<ins>新建公共停车位</ins>" in page


def test_history_keeps_other_peoples_drafts_private(
    client, commitment, make_update, member_user, staff_user
):
    make_update(commitment, text="草稿里的数字")

    member_entries = history_page(client, member_user, commitment).context["entries"]
    staff_entries = history_page(client, staff_user, commitment).context["entries"]

    assert not any("Progress update" in entry.subject for entry in member_entries)
    assert any("Progress update" in entry.subject for entry in staff_entries)


def test_history_shows_an_edit_of_an_update_text(client, commitment, make_update, staff_user):
    from workspace_support import update_form_data

    update = make_update(commitment, text="初稿")
    client.force_login(staff_user)
    client.post(
        f"/en/workspace/updates/{update.pk}/edit/",
        update_form_data(version=update.version, text="改稿"),
    )

    page = history_page(client, staff_user, commitment).content.decode()

    assert "<del>初稿</del>" in page and "<ins>改稿</ins>" in page
    assert "staff-a" in page
