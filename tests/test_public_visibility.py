"""DESIGN rule 1: the public sees published data only, on pages, CSV, API and feeds alike.

Every public address is read while a submitted, a draft and a returned update with distinctive
text exist, and while the reply carries a contact name and phone number.
"""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from workspace_support import return_to_author, submit

from commitments.models import Evidence, Reply
from commitments.redaction import redact_contacts

SECRETS = (
    "SECRET-SUBMITTED",
    "SECRET-REASON",
    "SECRET-TARGET-REASON",
    "SECRET-EVIDENCE",
    "secret-evidence",
    "SECRET-DRAFT",
    "SECRET-RETURNED",
    "SECRET-RETURN-NOTE",
    "13900000000",
    "139 0000 0000",
    "赵联系",
    "2035",
)


@pytest.fixture
def hidden_world(reply, commitment, make_update, publish_update, office_user):
    """A commitment with one published update and three that must stay out of sight."""
    Reply.objects.filter(pk=reply.pk).update(
        full_text="王小明委员：……\n（联系人：赵联系；联系电话：13900000000）\n测试区工业和信息化局"
    )
    publish_update(commitment, text="PUBLIC-进展：已完成选址。", status="on_track", progress=30)

    submitted = make_update(
        commitment,
        text="SECRET-SUBMITTED 已全部建成。",
        status="completed",
        progress=100,
        reason="SECRET-REASON",
        new_target_date=datetime.date(2035, 1, 1),
        target_date_reason="SECRET-TARGET-REASON",
    )
    Evidence.objects.create(
        update=submitted, url="https://example.org/secret-evidence", description="SECRET-EVIDENCE"
    )
    submit(submitted)

    make_update(commitment, text="SECRET-DRAFT 草稿", status="stalled", progress=5)

    returned = make_update(
        commitment, text="SECRET-RETURNED 退回", status="challenges", progress=90
    )
    submit(returned)
    return_to_author(returned, note="SECRET-RETURN-NOTE", by=office_user)
    return {"commitment": commitment, "reply": reply, "submitted": submitted}


def public_addresses(world):
    commitment, reply = world["commitment"], world["reply"]
    organisation = commitment.lead_organisation
    pages = [
        "/zh-hans/",
        "/en/",
        "/zh-hans/commitments/",
        "/en/commitments/?q=SECRET",
        f"/zh-hans/commitments/{commitment.pk}/",
        f"/en/commitments/{commitment.pk}/",
        f"/zh-hans/replies/{reply.pk}/",
        f"/en/replies/{reply.pk}/",
        f"/en/organisations/{organisation.slug}/",
        "/en/methodology/",
    ]
    api = [
        "/api/v1/commitments/",
        f"/api/v1/commitments/{commitment.pk}/",
        "/api/v1/replies/",
        f"/api/v1/replies/{reply.pk}/",
        "/api/v1/proposals/",
        "/api/v1/updates/",
        f"/api/v1/updates/?commitment={commitment.pk}",
        "/api/v1/organisations/",
    ]
    feeds = ["/feeds/updates/", f"/feeds/commitments/{commitment.pk}/"]
    return pages + api + feeds


def read(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def test_no_unpublished_update_or_contact_detail_appears_anywhere_public(client, hidden_world):
    for address in public_addresses(hidden_world):
        content = read(client, address)
        leaked = [secret for secret in SECRETS if secret in content]
        assert not leaked, f"{address} shows {leaked}"


def test_csv_export_shows_no_unpublished_update(client, hidden_world):
    for language in ("zh-hans", "en"):
        content = read(client, f"/{language}/commitments/export.csv")
        assert "新建停车位" in content
        assert not [secret for secret in SECRETS if secret in content]


def test_commitment_keeps_its_published_status_while_a_completion_awaits_approval(
    client, hidden_world
):
    commitment = hidden_world["commitment"]

    page = read(client, f"/en/commitments/{commitment.pk}/")
    api = client.get(f"/api/v1/commitments/{commitment.pk}/").json()
    completed_list = client.get("/en/commitments/", {"status": "completed"})

    assert "PUBLIC-进展：已完成选址。" in page
    assert "Completed – fully met" not in page
    assert api["status"] == "on_track" and api["progress"] == 30
    assert list(completed_list.context["page_obj"].object_list) == []


def test_unpublished_update_cannot_be_fetched_by_its_id(client, hidden_world):
    submitted = hidden_world["submitted"]
    assert client.get(f"/api/v1/updates/{submitted.pk}/").status_code == 404


def test_feeds_carry_only_the_published_update(client, hidden_world):
    commitment = hidden_world["commitment"]
    for address in ("/feeds/updates/", f"/feeds/commitments/{commitment.pk}/"):
        assert read(client, address).count("<entry>") == 1


def test_reply_page_and_api_withhold_the_seed_letters_contact(client, seed_reply):
    page = read(client, f"/zh-hans/replies/{seed_reply.pk}/")
    api = read(client, f"/api/v1/replies/{seed_reply.pk}/")
    for content in (page, api):
        assert "15061894249" not in content
        assert "徐嘉" not in content
    assert "感谢您一直以来对我们工作的关心和支持" in page


@given(
    phone=st.one_of(
        st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
        st.from_regex(r"1[3-9]\d[ -]\d{4}[ -]\d{4}", fullmatch=True),
        st.from_regex(r"0\d{2,3}-\d{7,8}", fullmatch=True),
    ),
    label=st.sampled_from(["联系电话：", "电话:", "联系方式 ", "手机："]),
)
def test_any_contact_phone_in_a_letter_is_withheld(phone, label):
    letter = f"感谢您的关心和支持。\n（联系人：李四；{label}{phone}）\n某某区工业和信息化局"
    public = redact_contacts(letter)
    assert phone not in public
    assert "李四" not in public
    assert public.startswith("感谢您的关心和支持。")


def test_withholding_contacts_leaves_index_numbers_and_dates_alone():
    text = "信息索引号 014032126/2024-01636 生成日期 2024-08-16，投资1000000元。"
    assert redact_contacts(text) == text
