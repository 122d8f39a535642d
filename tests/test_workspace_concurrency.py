"""Two people at once: the second save is refused with a clear message and nothing is lost."""

import pytest
from django.test import Client
from workspace_support import submit, update_form_data

from commitments.models import Commitment, ProgressUpdate


@pytest.fixture
def two_clients(staff_user, django_user_model, bureau):
    from conftest import make_user

    colleague = make_user(django_user_model, "staff-a2", "staff", bureau)
    first, second = Client(), Client()
    first.force_login(staff_user)
    second.force_login(colleague)
    return first, second


@pytest.fixture
def two_offices(office_user, django_user_model, office_org):
    from conftest import make_user

    deputy = make_user(django_user_model, "office-2", "office", office_org)
    first, second = Client(), Client()
    first.force_login(office_user)
    second.force_login(deputy)
    return first, second


def test_the_second_editor_of_an_update_is_refused_and_keeps_their_text(
    two_clients, commitment, make_update
):
    update = make_update(commitment, text="原稿")
    first, second = two_clients
    loaded_version = update.version
    url = f"/en/workspace/updates/{update.pk}/edit/"

    first.post(url, update_form_data(version=loaded_version, text="第一位的修改"))
    response = second.post(url, update_form_data(version=loaded_version, text="第二位的修改"))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this update while you were editing it." in page
    assert "第二位的修改" in page  # the refused text is kept in the form
    assert "第一位的修改" in page  # beside the version saved now
    assert ProgressUpdate.objects.get(pk=update.pk).text == "第一位的修改"


def test_saving_again_after_a_conflict_overwrites_knowingly(two_clients, commitment, make_update):
    update = make_update(commitment, text="原稿")
    first, second = two_clients
    url = f"/en/workspace/updates/{update.pk}/edit/"
    first.post(url, update_form_data(version=update.version, text="第一位的修改"))
    refused = second.post(url, update_form_data(version=update.version, text="第二位的修改"))

    fresh_version = refused.context["form"]["version"].value()
    saved = second.post(url, update_form_data(version=fresh_version, text="第二位核对后的修改"))

    assert saved.status_code == 302
    assert ProgressUpdate.objects.get(pk=update.pk).text == "第二位核对后的修改"


def test_an_edit_after_a_colleague_submitted_is_refused_and_the_text_kept(
    two_clients, commitment, make_update
):
    update = make_update(commitment, text="原稿")
    first, second = two_clients
    first.post(f"/en/workspace/updates/{update.pk}/submit/", {"version": update.version})

    response = second.post(
        f"/en/workspace/updates/{update.pk}/edit/",
        update_form_data(version=update.version, text="迟到的修改"),
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "can no longer be edited here" in page
    assert "迟到的修改" in page
    assert 'value="submit"' not in page  # no save buttons for an update the office now has
    saved = ProgressUpdate.objects.get(pk=update.pk)
    assert (saved.state, saved.text) == ("submitted", "原稿")


def test_publishing_after_another_update_moved_the_commitment_is_refused(
    two_offices, commitment, make_update
):
    first_update = make_update(commitment, status="on_track", progress=40, text="甲")
    second_update = make_update(commitment, status="stalled", progress=20, text="乙")
    submit(first_update)
    submit(second_update)
    loaded_commitment_version = Commitment.objects.get(pk=commitment.pk).version
    first, second = two_offices

    first.post(
        f"/en/workspace/updates/{first_update.pk}/publish/",
        {"update_version": first_update.version, "commitment_version": loaded_commitment_version},
    )
    response = second.post(
        f"/en/workspace/updates/{second_update.pk}/publish/",
        {"update_version": second_update.version, "commitment_version": loaded_commitment_version},
    )

    assert response.status_code == 409
    assert "Nothing was saved." in response.content.decode()
    assert ProgressUpdate.objects.get(pk=second_update.pk).state == "submitted"
    assert Commitment.objects.get(pk=commitment.pk).status == "on_track"


def test_returning_an_update_just_published_is_refused_and_the_note_kept(
    two_offices, commitment, make_update
):
    update = make_update(commitment)
    submit(update)
    first, second = two_offices

    first.post(
        f"/en/workspace/updates/{update.pk}/publish/",
        {"update_version": update.version, "commitment_version": commitment.version},
    )
    response = second.post(
        f"/en/workspace/updates/{update.pk}/return/",
        {"update_version": update.version, "note": "请补充佐证材料。"},
    )

    assert response.status_code == 409
    assert "请补充佐证材料。" in response.content.decode()  # shown, so it can be copied
    saved = ProgressUpdate.objects.get(pk=update.pk)
    assert (saved.state, saved.return_note) == ("published", "")
