"""Importing a reply in the workspace: paste or upload → editable preview → save, all or nothing."""

import io
from html.parser import HTMLParser

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.importing import reply_import
from commitments.letters import parse_letter
from commitments.models import Commitment, Measure, Organisation, Proposal, Reply, Session
from commitments.views import imports
from tests.conftest import SEED_LETTER

SEED_ORGANISATION = "无锡高新区(新吴区)工业和信息化局"
SEED_TEXT = SEED_LETTER.read_text(encoding="utf-8")
# What the parser reads is tested in test_letter_parser.py; here it is what the preview starts from.
SEED_MEASURE_TITLES = [item["title"] for item in parse_letter(SEED_TEXT)["measures"]]
SEED_COMMITMENT_TITLES = [item["title"] for item in parse_letter(SEED_TEXT)["commitments"]]


class PreviewFormReader(HTMLParser):
    """What a browser would submit from the preview form, as it stands on the page."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form, self.in_template = {}, False, False
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("action", "").endswith("/import/save/")
        elif tag == "template":
            self.in_template = True
        if not self.in_form or self.in_template:
            return
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[attrs["name"]] = attrs.get("value", "on")
            elif attrs.get("type") != "submit":
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "template":
            self.in_template = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def preview_data(response) -> dict:
    assert response.status_code == 200
    reader = PreviewFormReader()
    reader.feed(response.content.decode())
    assert reader.data, "the response is not the preview"
    # Django's Textarea puts a newline after the opening tag; browsers drop it.
    return {k: v.removeprefix("\n") if k.endswith("text") else v for k, v in reader.data.items()}


def paste(client, text):
    return client.post(reverse("workspace:import"), {"text": text})


def save(client, data, **extra):
    # The test bureaus did not sign the seed letter: their staff answer that it is co-handled.
    answer = {"signed_elsewhere": "co_handled"}
    return client.post(reverse("workspace:import_save"), {**answer, **data, **extra})


def saved_rows():
    return [
        model.objects.count()
        for model in (Organisation, Session, Proposal, Reply, Measure, Commitment)
    ]


def test_pasted_seed_letter_previews_every_measure_and_commitment(client, staff_user, seed_text):
    client.force_login(staff_user)
    rows_before = saved_rows()

    data = preview_data(paste(client, seed_text))

    measures = [data[f"measures-{i}-title"] for i in range(int(data["measures-INITIAL_FORMS"]))]
    commitments = [
        data[f"commitments-{i}-title"] for i in range(int(data["commitments-INITIAL_FORMS"]))
    ]
    assert len(measures) == 5 and all(measures)
    assert len(commitments) == 4 and all(commitments)
    assert measures == SEED_MEASURE_TITLES
    assert commitments == SEED_COMMITMENT_TITLES
    assert commitments[0].startswith("加强政策引领")
    assert data["title"] == "关于推动无锡高新区人工智能产业高质量集聚发展的建议"
    assert data["reply_date"] == "2024-07-23"
    assert data["full_text"] == seed_text
    assert saved_rows() == rows_before


def test_corrected_preview_is_saved_exactly_as_edited(client, staff_user, bureau, seed_text):
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))
    data["title"] = "关于推动人工智能产业集聚发展的建议"
    data["measures-0-title"] = "深化政策引领"
    data["measures-1-DELETE"] = "on"
    data["commitments-0-ORDER"], data["commitments-1-ORDER"] = "2", "1"
    data["commitments-4-title"] = "年底前出台算力补贴细则"
    data["commitments-4-text"] = "年底前出台算力补贴实施细则。"

    response = save(client, data)

    reply = Reply.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("commitments:reply", args=[reply.pk])
    assert reply.organisation == bureau
    assert reply.proposal.title == "关于推动人工智能产业集聚发展的建议"
    assert reply.full_text == seed_text
    assert [m.title for m in reply.measures.order_by("position")] == [
        "深化政策引领",
        *SEED_MEASURE_TITLES[2:],
    ]
    commitments = list(reply.commitments.order_by("position"))
    assert [c.title for c in commitments] == [
        SEED_COMMITMENT_TITLES[1],
        SEED_COMMITMENT_TITLES[0],
        *SEED_COMMITMENT_TITLES[2:],
        "年底前出台算力补贴细则",
    ]
    assert commitments[-1].promised_text == "年底前出台算力补贴实施细则。"
    assert commitments[0].promised_text == data["commitments-1-text"]


def test_uploaded_gb18030_text_file_is_previewed(client, staff_user, seed_text):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("reply.txt", seed_text.encode("gb18030"))

    data = preview_data(client.post(reverse("workspace:import"), {"file": upload}))

    assert data["commitments-1-title"] == SEED_COMMITMENT_TITLES[1]
    assert data["index_number"] == "014032126/2024-01636"


def test_uploaded_word_document_is_previewed(client, staff_user, seed_text):
    client.force_login(staff_user)
    document = docx.Document()
    for line in seed_text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("reply.docx", buffer.getvalue())

    data = preview_data(client.post(reverse("workspace:import"), {"file": upload}))

    assert data["measures-4-title"] == SEED_MEASURE_TITLES[4]
    assert data["commitments-3-title"] == SEED_COMMITMENT_TITLES[3]


@pytest.mark.parametrize(
    "filename, content",
    [
        ("reply.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 not a letter"),
        ("letter.txt", bytes(range(256)) * 8),
        ("too-large.txt", "答复函。".encode() * 400),
    ],
    ids=["pdf", "binary-garbage", "too-large"],
)
def test_bad_file_is_refused_with_a_message_and_saves_nothing(
    client, settings, staff_user, filename, content
):
    settings.TRACKER_MAX_UPLOAD_BYTES = 1000
    client.force_login(staff_user)
    rows_before = saved_rows()

    response = client.post(
        reverse("workspace:import"), {"file": SimpleUploadedFile(filename, content)}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert all(str(error) in html for error in errors)
    assert "/import/save/" not in html
    assert saved_rows() == rows_before


def test_empty_submission_asks_for_a_letter(client, staff_user):
    client.force_login(staff_user)

    response = paste(client, "   ")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "/import/save/" not in response.content.decode()


def test_importing_a_letter_again_links_to_it_and_can_update_it(client, staff_user, seed_text):
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))
    save(client, data)
    existing = Reply.objects.get()

    again = preview_data(paste(client, seed_text))
    again["commitments-0-title"] = "加强政策引领"
    response = save(client, again)

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("commitments:reply", args=[existing.pk]) in html
    assert 'name="update"' in html
    assert Reply.objects.count() == 1
    assert Commitment.objects.count() == 4
    assert preview_data(response)["commitments-0-title"] == "加强政策引领"

    response = save(client, preview_data(response), update="1")

    assert response.status_code == 302
    assert Reply.objects.get().pk == existing.pk
    assert Commitment.objects.count() == 4
    assert existing.commitments.get(position=1).title == "加强政策引领"


def test_bureau_staff_cannot_import_for_another_organisation(
    client, staff_user, bureau, other_bureau, seed_text
):
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))
    assert "organisation" not in data

    save(client, data, organisation=str(other_bureau.pk), organisation_name=other_bureau.name)

    reply = Reply.objects.get()
    assert reply.organisation == bureau
    assert not other_bureau.replies.exists()


def test_bureau_staff_cannot_update_another_organisations_reply(
    client, staff_user, other_bureau, seed_text
):
    reply_import(letter=parse_letter(seed_text), full_text=seed_text, organisation=other_bureau)
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))
    data["commitments-0-title"] = "被改掉的标题"

    offered = save(client, data)
    refused = save(client, data, update="1")

    assert 'name="update"' not in offered.content.decode()
    assert refused.status_code == 200
    assert refused.context["import_error"]
    reply = Reply.objects.get()
    assert reply.organisation == other_bureau
    assert reply.commitments.get(position=1).title == SEED_COMMITMENT_TITLES[0]


def test_office_chooses_an_existing_organisation_or_creates_one(client, office_user, seed_text):
    client.force_login(office_user)
    assert preview_data(paste(client, seed_text))["organisation"] == ""

    save(client, preview_data(paste(client, seed_text)))
    created = Organisation.objects.get(name=SEED_ORGANISATION)
    assert Reply.objects.get().organisation == created

    # The next letter from the same bureau finds it by name.
    data = preview_data(paste(client, seed_text))
    assert data["organisation"] == str(created.pk)


def test_office_must_name_the_replying_organisation(client, office_user, seed_text):
    client.force_login(office_user)
    data = preview_data(paste(client, seed_text))
    data["organisation_name"] = ""

    response = save(client, data)

    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert Reply.objects.count() == 0


def test_members_are_refused_and_visitors_are_sent_to_sign_in(client, member_user, seed_text):
    for url in (reverse("workspace:import"), reverse("workspace:import_save")):
        response = client.post(url, {"text": seed_text})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    client.force_login(member_user)
    assert client.get(reverse("workspace:import")).status_code == 403
    assert client.post(reverse("workspace:import"), {"text": seed_text}).status_code == 403
    assert (
        client.post(reverse("workspace:import_save"), {"full_text": seed_text}).status_code == 403
    )
    assert Reply.objects.count() == 0


def test_invalid_preview_is_shown_again_with_everything_typed(client, staff_user, seed_text):
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))
    data["title"] = ""
    data["commitments-2-title"] = "改过的标题"
    data["commitments-0-ORDER"] = "9"

    response = save(client, data)

    shown = preview_data(response)
    assert response.context["form"].errors["title"]
    assert 'id="id_title_error"' in response.content.decode()
    assert shown["commitments-2-title"] == "改过的标题"
    assert shown["commitments-0-ORDER"] == "9"
    assert shown["full_text"] == seed_text
    assert Reply.objects.count() == 0


def test_save_failing_halfway_leaves_no_rows(client, staff_user, seed_text, monkeypatch):
    client.force_login(staff_user)
    data = preview_data(paste(client, seed_text))
    rows_before = saved_rows()
    original_save = Commitment.save

    def fail_on_third_commitment(self, *args, **kwargs):
        if self.position == 3:
            raise RuntimeError("disk full")
        original_save(self, *args, **kwargs)

    monkeypatch.setattr(Commitment, "save", fail_on_third_commitment)
    with pytest.raises(RuntimeError):
        save(client, data)

    assert saved_rows() == rows_before


def test_warnings_are_shown_next_to_the_field_they_concern(
    client, staff_user, seed_text, monkeypatch
):
    def parse_with_doubts(text):
        letter = parse_letter(text)
        letter["warnings"] += [
            "[reply_date] 落款日期无法识别，请核对",
            "[commitments.2] 此项可能被截断",
            "[commitments] 可能还有未识别的承诺",
        ]
        return letter

    monkeypatch.setattr(imports, "parse_letter", parse_with_doubts)
    client.force_login(staff_user)

    html = paste(client, seed_text).content.decode()

    reply_date_field = html[html.index('for="id_reply_date"') : html.index('name="reply_date"')]
    assert "落款日期无法识别，请核对" in reply_date_field
    assert 'aria-describedby="id_reply_date_warnings"' in html
    second = html[html.index('id="commitments-1"') : html.index('id="commitments-2"')]
    assert "此项可能被截断" in second
    commitments = html[html.index('id="commitments"') : html.index('id="commitments-0"')]
    assert "可能还有未识别的承诺" in commitments
    summary = html[html.index('id="warnings-heading"') : html.index('id="id_kind"')]
    assert 'href="#id_reply_date"' in summary and 'href="#commitments-1"' in summary


def test_reply_list_in_the_admin_links_to_the_import(client, office_user):
    client.force_login(office_user)

    response = client.get(reverse("admin:commitments_reply_changelist"))

    assert response.status_code == 200
    assert f'href="{reverse("workspace:import")}"' in response.content.decode()


def test_letter_read_in_part_is_previewed_with_what_is_missing(client, staff_user):
    client.force_login(staff_user)
    letter = "张三委员：\n  您提出的《关于增设公交站点的建议》收悉。我们将于年内完成站点选址。"

    response = paste(client, letter)

    html = response.content.decode()
    reply_date_field = html[html.index('for="id_reply_date"') : html.index('name="reply_date"')]
    assert "未找到落款日期" in reply_date_field
    assert preview_data(response)["title"] == "关于增设公交站点的建议"
    assert Reply.objects.count() == 0
