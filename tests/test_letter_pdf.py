"""Reply letters as text PDFs: read with pypdf, page furniture removed, wrapped lines re-joined."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from commitments.letters import LetterFileError, extract_text, parse_letter
from commitments.letters.pdf import PDF_MAX_PAGES
from commitments.models import Reply
from tests.conftest import SEED_LETTER
from tests.letter_pdfs import letter_pdf, scanned_pdf
from tests.test_import_preview import preview_data

LETTERS = Path(__file__).parent / "letters"
ALL_LETTERS = [SEED_LETTER, *sorted(LETTERS.rglob("*.txt"))]


def pdf_of(path: Path) -> bytes:
    return letter_pdf(extract_text(path.read_bytes(), path.name))


@pytest.mark.parametrize("path", ALL_LETTERS, ids=lambda p: p.stem)
def test_pdf_export_of_a_letter_reads_like_the_letter(path):
    text = extract_text(path.read_bytes(), path.name)

    from_pdf = parse_letter(extract_text(letter_pdf(text), "letter.pdf"))

    expected = parse_letter(text)
    assert {k: v for k, v in from_pdf.items() if k != "warnings"} == {
        k: v for k, v in expected.items() if k != "warnings"
    }


def test_page_headers_footers_and_numbers_are_removed():
    data = letter_pdf(SEED_LETTER.read_text(encoding="utf-8"), header="无锡高新区政务公开")

    text = extract_text(data, "seed.pdf")

    assert "无锡高新区政务公开" not in text
    assert "— 2 —" not in text and "— 1 —" not in text
    assert "积极抢占人工智能和机器人发展新赛道" in text  # a wrapped sentence, joined again


def test_hard_wrapped_paragraph_becomes_one_line_again():
    paragraph = "下一步,我局将加快城西道路改造,力争明年6月底前完工,同时建立道路养护长效机制。"
    letter = f"尊敬的张三代表:\n{paragraph}\n某县交通运输局\n2024年7月23日"

    text = extract_text(letter_pdf(letter, chars_per_line=12), "letter.pdf")

    assert paragraph in text.splitlines()


def test_scanned_pdf_is_refused_with_a_clear_message():
    with pytest.raises(LetterFileError, match="没有文字层"):
        extract_text(scanned_pdf(), "scan.pdf")


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\nnot really", b"\x00" * 64])
def test_broken_pdf_is_refused_with_a_short_message(data):
    with pytest.raises(LetterFileError) as raised:
        extract_text(data, "broken.pdf")

    assert "\n" not in str(raised.value)


def test_pdf_of_too_many_pages_is_refused():
    lines = "\n".join(f"第{n}段。" for n in range(PDF_MAX_PAGES + 1))

    with pytest.raises(LetterFileError, match="上限"):
        extract_text(letter_pdf(lines, lines_per_page=1), "report.pdf")


def test_parse_reply_reads_a_pdf(tmp_path, capsys):
    letter = tmp_path / "seed.pdf"
    letter.write_bytes(pdf_of(SEED_LETTER))

    call_command("parse_reply", str(letter), "--json")

    assert '"organisation": "无锡高新区(新吴区)工业和信息化局"' in capsys.readouterr().out


def test_import_reply_saves_a_pdf(db, tmp_path):
    letter = tmp_path / "seed.pdf"
    letter.write_bytes(pdf_of(SEED_LETTER))

    call_command("import_reply", str(letter))

    reply = Reply.objects.get()
    assert reply.commitments.count() == 4 and reply.measures.count() == 5


def test_preview_accepts_an_uploaded_pdf(client, office_user):
    client.force_login(office_user)
    upload = SimpleUploadedFile("seed.pdf", pdf_of(SEED_LETTER), "application/pdf")

    response = client.post(reverse("workspace:import"), {"file": upload})

    data = preview_data(response)
    assert data["title"] == "关于推动无锡高新区人工智能产业高质量集聚发展的建议"
    assert data["commitments-3-title"] == "优化产业生态,营造良好发展环境"


def test_preview_refuses_a_scanned_pdf_and_says_why(client, office_user):
    client.force_login(office_user)
    upload = SimpleUploadedFile("scan.pdf", scanned_pdf(), "application/pdf")

    response = client.post(reverse("workspace:import"), {"file": upload})

    assert response.status_code == 200
    assert "没有文字层" in response.content.decode()
