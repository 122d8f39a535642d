"""Sub-targets in the workspace: the bureau splits a commitment with weights; the public sees the
tree, the weights and how the parent rolls up; the parent never claims "no evidence" beside a
computed percentage; CSV, API and history carry the parent."""

import csv
import io

import pytest
from workspace_support import publish

from commitments import workflow
from commitments.models import Commitment, Status
from commitments.subtargets import status_from_children

pytestmark = pytest.mark.django_db

S = Status


def split(client, commitment, title, weight, text="完成其中一部分。"):
    return client.post(
        f"/en/workspace/commitments/{commitment.pk}/sub-targets/",
        {"action": "add", "new-title": title, "new-promised_text": text, "new-weight": weight},
    )


@pytest.fixture
def parts(commitment, staff_user):
    """The parking commitment split into two parts, weighted 2 and 1."""
    first = workflow.subtarget_create(
        parent=commitment, by=staff_user, title="东区停车位", text="东区新建130个。", weight=2
    )
    second = workflow.subtarget_create(
        parent=commitment, by=staff_user, title="西区停车位", text="西区新建70个。", weight=1
    )
    return first, second


def test_the_lead_bureau_splits_a_commitment_into_weighted_sub_targets(
    client, commitment, staff_user, reply
):
    client.force_login(staff_user)
    page = client.get(f"/en/workspace/commitments/{commitment.pk}/").content.decode()
    assert "Split into sub-targets" in page

    response = split(client, commitment, "东区停车位", 2)

    assert response.status_code == 302
    child = commitment.children.get()
    assert (child.title, child.weight, child.promised_text) == ("东区停车位", 2, "完成其中一部分。")
    assert (child.reply, child.lead_organisation) == (reply, commitment.lead_organisation)
    assert child.position == 2  # after the letter's own commitments
    assert child.original_target_date == commitment.original_target_date
    assert child.status == S.NOT_ASSESSED


def test_only_the_lead_bureau_splits_and_only_one_level_deep(
    client, commitment, parts, other_staff_user, member_user, staff_user
):
    for user in (other_staff_user, member_user):
        client.force_login(user)
        assert split(client, commitment, "越权", 1).status_code == 403
    client.force_login(staff_user)
    assert split(client, parts[0], "再分", 1).status_code == 403
    assert Commitment.objects.filter(title__in=["越权", "再分"]).count() == 0


def test_a_weight_must_be_between_1_and_100(client, commitment, staff_user):
    client.force_login(staff_user)

    response = split(client, commitment, "东区停车位", 0)

    assert response.status_code == 200
    assert "weight" in response.context["new_form"].errors
    assert not commitment.children.exists()


def test_the_parent_rolls_up_from_published_sub_targets_with_a_derived_status(
    commitment, parts, make_update
):
    first, second = parts
    publish(make_update(first, status="on_track", progress=100 * 2 // 3 + 1))

    commitment.refresh_from_db()
    # Weighted mean: (67 × 2 + 0 × 1) / 3 = 45; "under way", never "not yet assessed".
    assert commitment.progress == 45
    assert commitment.status == S.ON_TRACK
    assert commitment.last_published_at is not None

    publish(make_update(second, status="completed", progress=100, reason="已验收。"))
    publish(make_update(first, status="completed", progress=100, reason="已验收。"))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (S.COMPLETED, 100)


def test_changing_the_weights_in_the_workspace_moves_the_parent(
    client, commitment, parts, make_update, staff_user
):
    first, second = parts
    publish(make_update(first, status="on_track", progress=60))
    client.force_login(staff_user)

    response = client.post(
        f"/en/workspace/commitments/{commitment.pk}/sub-targets/",
        {"action": "weigh", f"weights-{first.pk}": 1, f"weights-{second.pk}": 3},
    )

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.progress == 15  # (60 × 1 + 0 × 3) / 4


def test_splitting_never_moves_a_commitment_backwards_before_a_part_is_published(
    commitment, make_update, staff_user
):
    publish(make_update(commitment, status="challenges", progress=40))

    workflow.subtarget_create(parent=commitment, by=staff_user, title="甲", text="……", weight=1)

    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (S.CHALLENGES, 40)


def test_an_update_on_a_rolled_up_parent_records_the_sub_targets_status(
    commitment, parts, make_update
):
    publish(make_update(parts[0], status="challenges", progress=30))

    own = make_update(commitment, status="completed", progress=100, reason="自称完成。")
    publish(own)

    own.refresh_from_db()
    commitment.refresh_from_db()
    assert (own.status, own.progress) == (S.CHALLENGES, 20)
    assert (commitment.status, commitment.progress) == (S.CHALLENGES, 20)


@pytest.mark.parametrize(
    "statuses, progress, expected",
    [
        ([S.NOT_ASSESSED, S.NOT_ASSESSED], 0, S.NOT_ASSESSED),
        ([S.NOT_ASSESSED, S.NOT_STARTED], 0, S.NOT_STARTED),
        ([S.NOT_ASSESSED, S.NOT_ASSESSED], 67, S.ON_TRACK),
        ([S.ON_TRACK, S.NOT_STARTED], 20, S.ON_TRACK),
        ([S.COMPLETED, S.NOT_ASSESSED], 67, S.ON_TRACK),
        ([S.ON_TRACK, S.STALLED], 50, S.CHALLENGES),
        ([S.STALLED, S.COMPLETED], 60, S.STALLED),
        ([S.ONGOING, S.ONGOING], 30, S.ONGOING),
        ([S.COMPLETED, S.COMPLETED], 100, S.COMPLETED),
        ([S.NOT_PURSUED, S.NOT_PURSUED], 0, S.NOT_PURSUED),
        ([S.COMPLETED, S.NOT_PURSUED], 50, S.COMPLETED_MODIFIED),
    ],
)
def test_a_parents_status_is_read_from_its_sub_targets(statuses, progress, expected):
    assert status_from_children(statuses, progress) == expected


def test_the_public_page_shows_the_tree_with_weights_and_explains_the_roll_up(
    client, commitment, parts, make_update
):
    publish(make_update(parts[0], status="on_track", progress=60))

    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()

    assert "东区停车位" in page and "西区停车位" in page
    assert "66.7%" in page and "33.3%" in page  # each weight's share
    assert "total weight of 3, gives 40%" in page
    assert "No evidence yet" not in page and "Not yet assessed</span><br>" not in page
    # The facts say where the status comes from rather than what the status means.
    assert '<br><span class="muted">Read from its sub-targets, below.</span>' in page


def test_a_sub_target_is_shown_as_the_bureaus_breakdown_not_the_letters_text(
    client, commitment, parts
):
    page = client.get(f"/en/commitments/{parts[0].pk}/").content.decode()
    reply_page = client.get(commitment.reply.get_absolute_url()).content.decode()

    assert "Sub-target set by the bureau" in page
    assert "the bureau's words, not the reply letter's" in page
    assert "From the reply letter of" not in page
    assert commitment.get_absolute_url() in page
    # In the letter's page the parts sit under their commitment, marked as the bureau's.
    assert reply_page.index(commitment.title) < reply_page.index("东区停车位")
    assert "Sub-target set by the bureau" in reply_page
    assert f'<a href="{parts[0].get_absolute_url()}">东区停车位</a>' in reply_page
    assert "weight 2" in reply_page and "weight 1" in reply_page


def test_the_csv_carries_the_parent_and_the_weight(client, commitment, parts):
    response = client.get("/en/commitments/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    header = rows[0]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    child = by_id[str(parts[0].pk)]
    assert child["Parent commitment ID"] == str(commitment.pk)
    assert child["Weight in the parent"] == "2"
    assert child["Text from"] == "bureau's breakdown"
    assert by_id[str(commitment.pk)]["Parent commitment ID"] == ""
    assert by_id[str(commitment.pk)]["Text from"] == "reply letter"


def test_the_api_carries_the_parent_and_the_weight(client, commitment, parts):
    item = client.get(f"/api/v1/commitments/{parts[1].pk}/").json()

    assert (item["parent"], item["weight"]) == (commitment.pk, 1)


def test_creating_a_sub_target_is_recorded_in_the_parents_history(client, commitment, staff_user):
    staff_user.first_name, staff_user.last_name = "小红", "李"
    staff_user.save()
    client.force_login(staff_user)
    split(client, commitment, "东区停车位", 2)

    response = client.get(f"/en/workspace/commitments/{commitment.pk}/history/")

    created = [e for e in response.context["entries"] if "东区停车位" in e.subject]
    assert [entry.kind for entry in created] == ["+"]
    assert created[0].who == staff_user
    assert {(c.label, c.after) for c in created[0].changes} >= {("weight", 2)}
    assert "小红 李" in response.content.decode()
