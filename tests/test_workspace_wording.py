"""What the workspace says: buttons that say where an update goes, a publish prompt that names
the change, no claim of recent updates that never were, a history with names and reviews, and
target dates that mean what they say."""

import datetime

import pytest
from workspace_support import publish, submit, update_form_data

from commitments.models import Commitment

pytestmark = pytest.mark.django_db


def test_the_staff_submit_button_says_the_update_goes_to_the_office(
    client, commitment, make_update, staff_user
):
    client.force_login(staff_user)
    draft = make_update(commitment)

    for page in (
        client.get(f"/en/workspace/commitments/{commitment.pk}/updates/new/"),
        client.get(f"/en/workspace/updates/{draft.pk}/"),
    ):
        html = page.content.decode()
        assert "Submit to the office for review" in html
        assert "Submit for publication" not in html


def test_the_publish_prompt_names_the_status_change(client, commitment, make_update, office_user):
    update = make_update(commitment, status="on_track", progress=30)
    submit(update)
    client.force_login(office_user)

    page = client.get(f"/en/workspace/updates/{update.pk}/").content.decode()

    assert "Status: from “Not yet assessed” to “Under way – on track”" in page
    assert "Progress: from 0% to 30%" in page


def test_the_publish_prompt_says_the_status_stays_rather_than_from_x_to_x(
    client, commitment, make_update, office_user
):
    publish(make_update(commitment, status="on_track", progress=30))
    update = make_update(commitment, status="on_track", progress=45)
    submit(update)
    client.force_login(office_user)

    page = client.get(f"/en/workspace/updates/{update.pk}/").content.decode()

    assert "Status stays “Under way – on track”" in page
    assert "to “Under way – on track”" not in page
    assert "Progress: from 30% to 45%" in page


def test_the_publish_prompt_mentions_a_target_date_change(
    client, commitment, make_update, office_user
):
    update = make_update(
        commitment, new_target_date=datetime.date(2031, 6, 30), target_date_reason="资金延后。"
    )
    submit(update)
    client.force_login(office_user)

    page = client.get(f"/en/workspace/updates/{update.pk}/").content.decode()

    assert "Target date: from Dec. 31, 2030 to June 30, 2031" in page


def test_the_workspace_never_claims_recent_updates_when_none_was_published(
    client, office_user, commitment
):
    client.force_login(office_user)

    page = client.get("/en/workspace/").content.decode()

    assert "Everything has a recent published update" not in page
    assert "No commitment has waited 90 days or more for a published update" in page


def test_the_history_names_people_and_includes_reviews(
    client, commitment, make_update, staff_user, member_user, office_user
):
    member_user.first_name, member_user.last_name = "小明", "王"
    member_user.save()
    office_user.first_name, office_user.last_name = "督办", "张"
    office_user.save()
    update = make_update(commitment)
    publish(update, by=office_user)
    client.force_login(member_user)
    client.post(
        f"/en/workspace/updates/{update.pk}/review/",
        {"verdict": "queried", "comment": "数字对不上。"},
    )
    client.force_login(staff_user)

    response = client.get(f"/en/workspace/commitments/{commitment.pk}/history/")

    review = next(e for e in response.context["entries"] if "Review by" in e.subject)
    assert review.who == member_user
    assert "小明 王" in review.subject
    assert {c.after for c in review.changes} >= {"Queried", "数字对不上。"}
    assert "数字对不上。" in response.content.decode()
    # Who published it is named as people know them, not by the sign-in name "office".
    published_by = [
        change.after
        for entry in response.context["entries"]
        for change in entry.changes
        if change.label == "published by"
    ]
    assert published_by == ["督办 张"]


def test_a_bureau_revision_in_the_workspace_never_fills_the_original_target_date(
    client, reply, bureau, staff_user, office_user
):
    undated = Commitment.objects.create(
        reply=reply, position=5, title="无期限承诺", promised_text="……", lead_organisation=bureau
    )
    client.force_login(staff_user)
    client.post(
        f"/en/workspace/commitments/{undated.pk}/updates/new/",
        update_form_data(
            new_target_date="2031-06-30", target_date_reason="排定工期。", action="submit"
        ),
    )
    update = undated.updates.get()
    client.force_login(office_user)
    client.post(
        f"/en/workspace/updates/{update.pk}/publish/",
        {"update_version": update.version, "commitment_version": undated.version},
    )

    undated.refresh_from_db()
    assert undated.updates.get().state == "published"
    assert undated.original_target_date is None
    assert undated.current_target_date == datetime.date(2031, 6, 30)
    public = client.get(f"/en/commitments/{undated.pk}/").content.decode()
    assert "Original target date</dt><dd>Not stated" in public


def test_only_the_office_fills_in_a_missing_original_date_in_the_workspace(
    client, reply, bureau, staff_user, office_user
):
    undated = Commitment.objects.create(
        reply=reply, position=5, title="无期限承诺", promised_text="……", lead_organisation=bureau
    )
    correct = f"/en/workspace/commitments/{undated.pk}/correct/"
    data = {"title": "无期限承诺", "promised_text": "……", "original_target_date": "2031-01-01"}

    client.force_login(staff_user)
    assert "original_target_date" not in client.get(correct).context["form"].fields
    client.post(correct, {**data, "version": undated.version})
    undated.refresh_from_db()
    assert undated.original_target_date is None

    client.force_login(office_user)
    client.post(correct, {**data, "version": undated.version})
    undated.refresh_from_db()
    assert undated.original_target_date == datetime.date(2031, 1, 1)
