"""Bureau staff correct what an import read, in the workspace, within their own organisation."""

import datetime

import pytest
from django.urls import reverse

from commitments.models import Commitment, Reply


def reply_data(reply, **changes):
    data = {
        "title": reply.title,
        "document_number": reply.document_number,
        "index_number": reply.index_number,
        "signer": reply.signer,
        "reply_date": reply.reply_date.isoformat() if reply.reply_date else "",
        "published_date": "",
        "source_url": "",
        "contact_name": reply.contact_name,
        "contact_phone": reply.contact_phone,
        "version": reply.version,
    }
    data.update(changes)
    return data


def commitment_data(commitment, **changes):
    data = {
        "title": commitment.title,
        "promised_text": commitment.promised_text,
        "version": commitment.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_staff_correct_their_replys_particulars_and_the_history_names_them(
    as_user, staff_user, reply
):
    client = as_user(staff_user)
    url = reverse("workspace:reply_correct", args=[reply.pk])

    response = client.post(
        url, reply_data(reply, signer="李局长", document_number="测工信〔2024〕7号")
    )

    assert response.status_code == 302
    reply = Reply.objects.get(pk=reply.pk)
    assert (reply.signer, reply.document_number) == ("李局长", "测工信〔2024〕7号")
    assert reply.history.first().history_user == staff_user


def test_staff_of_another_bureau_cannot_correct_the_reply(as_user, other_staff_user, reply):
    client = as_user(other_staff_user)
    url = reverse("workspace:reply_correct", args=[reply.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, reply_data(reply, signer="冒名")).status_code == 403
    assert Reply.objects.get(pk=reply.pk).signer != "冒名"


def test_members_cannot_correct_anything(as_user, member_user, reply, commitment):
    client = as_user(member_user)

    reply_response = client.post(
        reverse("workspace:reply_correct", args=[reply.pk]), reply_data(reply, signer="委员")
    )
    commitment_response = client.post(
        reverse("workspace:commitment_correct", args=[commitment.pk]),
        commitment_data(commitment, title="委员改的"),
    )

    assert (reply_response.status_code, commitment_response.status_code) == (403, 403)
    assert Commitment.objects.get(pk=commitment.pk).title != "委员改的"


def test_staff_correct_a_commitments_wording_and_co_handling_bureaus(
    as_user, staff_user, commitment, other_bureau
):
    client = as_user(staff_user)
    url = reverse("workspace:commitment_correct", args=[commitment.pk])

    response = client.post(
        url,
        commitment_data(
            commitment, title="新建公共停车位", co_organisations=[str(other_bureau.pk)]
        ),
    )

    assert response.status_code == 302
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert commitment.title == "新建公共停车位"
    assert list(commitment.co_organisations.all()) == [other_bureau]


def test_a_stale_correction_is_refused_with_the_input_kept(as_user, staff_user, commitment):
    client = as_user(staff_user)
    url = reverse("workspace:commitment_correct", args=[commitment.pk])
    stale = commitment_data(commitment, title="我的修改")
    fresh = Commitment.objects.get(pk=commitment.pk)
    fresh.title = "同事先改了"
    fresh.save()

    response = client.post(url, stale)

    assert response.status_code == 409
    assert "我的修改" in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).title == "同事先改了"


def test_staff_cannot_fill_in_the_original_target_date(as_user, staff_user, reply, bureau):
    commitment = Commitment.objects.create(
        reply=reply, position=3, title="无日期", promised_text="推进。", lead_organisation=bureau
    )
    client = as_user(staff_user)
    url = reverse("workspace:commitment_correct", args=[commitment.pk])

    client.post(url, commitment_data(commitment, original_target_date="2030-01-01"))

    assert Commitment.objects.get(pk=commitment.pk).original_target_date is None


def test_the_office_fills_in_an_original_target_date_the_import_missed(
    as_user, office_user, reply, bureau
):
    commitment = Commitment.objects.create(
        reply=reply, position=3, title="无日期", promised_text="推进。", lead_organisation=bureau
    )
    client = as_user(office_user)
    url = reverse("workspace:commitment_correct", args=[commitment.pk])

    client.post(url, commitment_data(commitment, original_target_date="2030-01-01"))

    assert Commitment.objects.get(pk=commitment.pk).original_target_date == datetime.date(
        2030, 1, 1
    )
