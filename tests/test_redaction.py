"""Contact details never reach the public (DESIGN rule 1), however they are written."""

import datetime
import json

import pytest
from django.utils import translation

from commitments.redaction import redact_contacts

HIDDEN = "[withheld]"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# (as written in a text, the part the public must not read)
CONTACT_DETAILS = [
    # Mobile numbers, anywhere.
    ("请与13912345678联系", "13912345678"),
    ("请与139 1234 5678联系", "139 1234 5678"),
    ("请与139-1234-5678联系", "139-1234-5678"),
    ("请与139.1234.5678联系", "139.1234.5678"),
    ("请与139 12345678联系", "139 12345678"),
    ("请拨+8613912345678", "13912345678"),
    ("请拨+86 139 1234 5678", "139 1234 5678"),
    ("请拨+86-139-1234-5678", "139-1234-5678"),
    ("请拨 (+86) 13912345678", "13912345678"),
    ("请拨8613912345678", "13912345678"),
    ("请拨86-139-1234-5678", "139-1234-5678"),
    ("请拨0086 13912345678", "13912345678"),
    ("请拨＋８６　１３９１２３４５６７８", "１３９１２３４５６７８"),
    ("请拨１３９１２３４５６７８", "１３９１２３４５６７８"),
    ("请拨１３９－１２３４－５６７８", "５６７８"),
    ("请拨15061894249。", "15061894249"),
    ("号码19912345678", "19912345678"),
    # Landlines with an area code, labelled or not.
    ("请致电0510-12345678", "0510-12345678"),
    ("请致电0510-81234567", "81234567"),
    ("请致电(0510)8123 4567", "8123 4567"),
    ("请致电（0510）81234567", "81234567"),
    ("请致电0510 8123 4567", "8123 4567"),
    ("请致电010-62345678", "62345678"),
    ("请致电+86 510 8123 4567", "8123 4567"),
    ("请致电+86-10-62345678", "62345678"),
    ("请致电0510-81234567转123", "转123"),
    ("请致电0510-81234567-8001", "8001"),
    ("请致电０５１０－８１２３４５６７", "８１２３４５６７"),
    # Numbers a label announces, in any order and spacing.
    ("联系电话：85123456", "85123456"),
    ("联系电话:8512-3456", "8512-3456"),
    ("联系电话为85123456", "85123456"),
    ("电话：8512 3456", "8512 3456"),
    ("电话号码：85123456", "85123456"),
    ("联系方式：0510-85123456", "85123456"),
    ("联 系 电 话：85123456", "85123456"),
    ("手机：139 1234 5678", "139 1234 5678"),
    ("办公电话 85123456 转 808", "85123456"),
    ("传真：85123457", "85123457"),
    ("电话：85123456、85123457", "85123457"),
    ("联系人：张三，85123456", "85123456"),
    ("联系人及电话：张三 85123456", "85123456"),
    ("联系人及电话：张三 85123456", "张三"),
    ("如有疑问请拨打85123456。", "85123456"),
    ("电话：８５１２３４５６", "８５１２３４５６"),
    ("Tel: 8512 3456", "8512 3456"),
    ("Tel.: +86 (510) 8512 3456", "8512 3456"),
    ("Phone: 0510-85123456 ext. 12", "85123456"),
    ("Mobile: 139 1234 5678", "139 1234 5678"),
    ("Contact: 85123456", "85123456"),
    ("QQ：12345678", "12345678"),
    # E-mail addresses, also with a full-width at sign.
    ("邮箱：xujia@example.gov.cn", "xujia@example.gov.cn"),
    ("请发送至xu.jia+reply@wuxi-nd.gov.cn。", "xu.jia+reply@wuxi-nd.gov.cn"),
    ("E-mail: li_si@163.com", "li_si@163.com"),
    ("邮箱 xujia＠example.com", "xujia＠example.com"),
    # Names after their label.
    ("联系人：徐嘉；联系电话：15061894249", "徐嘉"),
    ("联系人:徐嘉", "徐嘉"),
    ("联 系 人：徐嘉", "徐嘉"),
    ("联系人 王女士", "王女士"),
    ("经办人：李四", "李四"),
    ("Contact: Li Si, Tel 85123456", "Li Si"),
]


@pytest.mark.parametrize(("text", "secret"), CONTACT_DETAILS, ids=[t for t, _ in CONTACT_DETAILS])
def test_contact_details_are_withheld_however_they_are_written(text, secret):
    public = redact_contacts(text)
    assert secret not in public
    assert HIDDEN in public


def test_a_label_and_the_text_around_a_withheld_number_stay_readable():
    text = "如有疑问，请拨打联系电话：0510-85123456，我们将及时答复。"
    assert redact_contacts(text) == f"如有疑问，请拨打联系电话：{HIDDEN}，我们将及时答复。"


# Figures of the record that only look like numbers: amounts, years, dates, document numbers.
ORDINARY_TEXTS = [
    "今年完成投资12345678元，同比增长15.6%。",
    "累计投入13500000000元用于园区建设。",
    "全区共有企业85123456家次参与统计。",
    "制定《2024-2026年产业发展行动计划》。",
    "每户补贴3000-5000元，覆盖1200户。",
    "2024年12月31日前完成，2025.06.30前验收。",
    "文号锡新工信〔2024〕20号，答复类别B。",
    "索引号1234-5678-2024，信息索引号 014032126/2024-01636。",
    "生成日期 2024-08-16，投资1000000元。",
    "新建公共停车位200个，充电桩1,500个，5G基站320座。",
    "开通12345政务服务热线，受理诉求98765件。",
    "建立企业联系人制度，定期走访。",
    "通过电话督办、现场核查等方式推进。",
    "手机银行用户增长至1200万。",
    "营业收入增长到 3.5 亿元，利润 8,123 万元。",
    "Build 5G base stations in every park by 2025-12-31.",
    "The hotel contacted 12 firms; telecom revenue rose 7%.",
    "邮编214028，地址新锡路20号。",
    "身份证号以外的编号 20240101-0001 不属于联系方式。",
]


@pytest.mark.parametrize("text", ORDINARY_TEXTS)
def test_ordinary_figures_are_left_as_written(text):
    assert redact_contacts(text) == text


def test_a_bare_local_number_without_a_label_is_left_alone():
    # The choice documented in redaction.py: without a label or an area code, eight digits are
    # more often a figure of the record than a phone number.
    assert redact_contacts("项目编号85123456已入库。") == "项目编号85123456已入库。"
    assert HIDDEN in redact_contacts("项目咨询电话85123456。")


def test_the_recorded_contact_is_withheld_even_without_a_label():
    text = "本件由徐嘉办理，可拨打 0510 85123456 咨询。"
    public = redact_contacts(text, contact_name="徐嘉", contact_phone="0510 85123456")
    assert "徐嘉" not in public
    assert "85123456" not in public


# Written into every public text a bureau or an import can fill in.
MOBILE, LANDLINE, EMAIL = "+86 139 1234 5678", "０５１０－８５１２３４５６", "xujia＠example.gov.cn"
SECRETS = ["139 1234 5678", "13912345678", "８５１２３４５６", "85123456", "xujia"]


@pytest.fixture
def contacts_everywhere(reply, commitment, publish_update):
    reply.full_text = f"王小明委员：……\n如有疑问请联系{EMAIL}。\n测试区工业和信息化局"
    reply.save()
    reply.measures.create(position=1, title="一是", text=f"一是开通热线{LANDLINE}。")
    commitment.promised_text = f"年内新建公共停车位200个，咨询电话{LANDLINE}。"
    commitment.save()
    update = publish_update(
        commitment,
        text=f"已完成选址，联系人：张三，手机{MOBILE}。",
        reason=f"详询{EMAIL}",
        new_target_date=datetime.date(2031, 6, 30),
        target_date_reason=f"用地调整，电话：{LANDLINE}",
    )
    update.evidence.create(url="https://example.org/minutes", description=f"会议纪要（{MOBILE}）")
    return commitment


def public_addresses(commitment):
    reply = commitment.reply
    pages = [
        f"/{language}/{path}"
        for language in ("zh-hans", "en")
        for path in (
            "",
            "commitments/",
            f"commitments/{commitment.pk}/",
            f"replies/{reply.pk}/",
            f"organisations/{commitment.lead_organisation.slug}/",
            "commitments/export.csv",
        )
    ]
    return pages + [
        "/feeds/updates/",
        f"/feeds/commitments/{commitment.pk}/",
        "/api/v1/updates/",
        "/api/v1/commitments/",
        f"/api/v1/commitments/{commitment.pk}/",
        "/api/v1/replies/",
        f"/api/v1/replies/{reply.pk}/",
    ]


def test_contact_details_in_published_texts_reach_no_public_page_feed_api_or_export(
    client, contacts_everywhere
):
    leaks = []
    for address in public_addresses(contacts_everywhere):
        response = client.get(address)
        assert response.status_code == 200, address
        body = b"".join(response.streaming_content) if response.streaming else response.content
        # JSON escapes what is not ASCII; compare the text as the reader gets it.
        text = body.decode("utf-8")
        if address.startswith("/api/"):
            text = json.dumps(response.json(), ensure_ascii=False)
        leaks += [f"{address}: {secret}" for secret in SECRETS if secret in text]
    assert not leaks, "\n".join(leaks)


def test_the_public_sees_where_a_contact_was_withheld_and_the_rest_of_the_update(
    client, contacts_everywhere
):
    page = client.get(f"/zh-hans/commitments/{contacts_everywhere.pk}/").content.decode()
    assert "已完成选址，联系人：［已隐去］，手机［已隐去］。" in page
    assert "会议纪要（［已隐去］）" in page
    api = client.get("/api/v1/updates/").json()["results"][0]
    assert api["target_date_reason"] == "用地调整，电话：［已隐去］"


def test_signed_in_staff_still_read_the_update_as_written(client, contacts_everywhere, staff_user):
    client.force_login(staff_user)
    page = client.get(f"/zh-hans/workspace/commitments/{contacts_everywhere.pk}/")
    assert MOBILE in page.content.decode()
