"""A .docx that unpacks to far more than a letter (a zip bomb) is refused before it is read."""

import io
import struct
import tracemalloc
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.letters import LetterFileError, extract_text
from commitments.letters.files import DOCX_MAX_ENTRIES, DOCX_MAX_UNPACKED_BYTES
from commitments.models import Commitment, Measure, Proposal, Reply

MEGABYTE = 1024 * 1024
TOO_LARGE = "解压后超过 50 MB 的上限"


def word_document(seed_text):
    document = docx.Document()
    for line in seed_text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_bomb(seed_text, *, part="word/document.xml", unpacked_bytes=None):
    """A real letter with one part padded with blanks: some 60 kB that unpack past the limit."""
    unpacked_bytes = unpacked_bytes or DOCX_MAX_UNPACKED_BYTES + MEGABYTE
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(word_document(seed_text))) as letter,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in letter.infolist():
            if entry.filename != part:
                bomb.writestr(entry.filename, letter.read(entry))
        with bomb.open(part, "w") as padded:
            if part in letter.namelist():
                padded.write(letter.read(part))
            blanks = b" " * MEGABYTE  # after the root element: still well-formed XML
            for _ in range(unpacked_bytes // MEGABYTE):
                padded.write(blanks)
    return buffer.getvalue()


def lying_docx_bomb(seed_text):
    """A bomb whose zip directory declares its text part to be 1 kB."""
    data = bytearray(docx_bomb(seed_text))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        entry = archive.getinfo("word/document.xml")
        position = archive.start_dir
    struct.pack_into("<I", data, entry.header_offset + 22, 1024)  # the part's own header
    while data[position : position + 4] == b"PK\x01\x02":  # the central directory
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        name = bytes(data[position + 46 : position + 46 + name_length])
        if name == b"word/document.xml":
            struct.pack_into("<I", data, position + 24, 1024)
        position += 46 + name_length + extra_length + comment_length
    return bytes(data)


def too_many_parts():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(DOCX_MAX_ENTRIES + 1):
            archive.writestr(f"word/part{number}.xml", "")
    return buffer.getvalue()


def saved_rows():
    return [model.objects.count() for model in (Proposal, Reply, Measure, Commitment)]


def test_a_zip_bomb_is_refused_without_unpacking_it(seed_text):
    bomb = docx_bomb(seed_text)
    assert len(bomb) < MEGABYTE

    tracemalloc.start()
    try:
        with pytest.raises(LetterFileError) as error:
            extract_text(bomb, "reply.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert TOO_LARGE in str(error.value)
    assert peak < 5 * MEGABYTE


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused_in_little_memory(seed_text):
    tracemalloc.start()
    try:
        with pytest.raises(LetterFileError) as error:
            extract_text(lying_docx_bomb(seed_text), "reply.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert "文件已损坏" in str(error.value)
    assert peak < 5 * MEGABYTE


def test_a_docx_of_too_many_parts_is_refused():
    with pytest.raises(LetterFileError) as error:
        extract_text(too_many_parts(), "reply.docx")

    assert f"超过 {DOCX_MAX_ENTRIES} 个的上限" in str(error.value)


def test_a_letter_just_under_the_limits_is_still_read(seed_text):
    # As a letter with large pictures would be.
    letter = docx_bomb(
        seed_text, part="word/media/image1.png", unpacked_bytes=DOCX_MAX_UNPACKED_BYTES - MEGABYTE
    )

    assert "感谢您一直以来对我们工作的关心和支持" in extract_text(letter, "reply.docx")


def test_the_import_preview_refuses_a_zip_bomb_and_saves_nothing(client, staff_user, seed_text):
    client.force_login(staff_user)
    before = saved_rows()

    response = client.post(
        reverse("workspace:import"),
        {"file": SimpleUploadedFile("reply.docx", docx_bomb(seed_text))},
    )

    assert response.status_code == 200
    assert any(TOO_LARGE in error for error in response.context["form"].errors["file"])
    assert TOO_LARGE in response.content.decode()
    assert saved_rows() == before


def test_import_reply_refuses_a_zip_bomb_and_saves_nothing(db, tmp_path, seed_text):
    path = tmp_path / "reply.docx"
    path.write_bytes(docx_bomb(seed_text))

    with pytest.raises(CommandError, match=TOO_LARGE):
        call_command("import_reply", str(path))

    assert saved_rows() == [0, 0, 0, 0]
