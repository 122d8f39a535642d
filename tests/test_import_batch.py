"""Importing many reply letters at once: a row per letter with its status, the ready ones saved
together, nothing half-saved."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments import batch_import
from commitments.importing import LetterImportError
from commitments.letters import LetterFileError
from commitments.letters.batch import read_batch
from commitments.models import Commitment, Reply
from tests.batch_letters import as_file, numbered_letter, zip_of
from tests.letter_pdfs import scanned_pdf
from tests.test_import_preview import PreviewFormReader


def upload(client, files):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(reverse("workspace:import_batch"), {"files": uploads})


def page_data(response) -> dict:
    """What the browser would post from the batch page, as it stands."""
    reader = PreviewFormReader()
    html = response.content.decode().replace("/import/batch/save/", "/import/save/")
    reader.feed(html)
    # Django's Textarea puts a newline after the opening tag; browsers drop it.
    return {k: v.removeprefix("\n") if k.endswith("text") else v for k, v in reader.data.items()}


def statuses(response) -> list[str]:
    return re.findall(r'class="card batch-row status-(\w+)"', response.content.decode())


def save(client, data):
    return client.post(reverse("workspace:import_batch_save"), data)


def test_every_letter_of_a_batch_gets_a_row_with_its_status(client, staff_user):
    client.force_login(staff_user)
    files = [as_file(1, ".txt"), ("scan.pdf", scanned_pdf()), as_file(2, ".docx")]

    response = upload(client, files)

    assert response.status_code == 200
    assert statuses(response) == ["ready", "unreadable", "ready"]
    html = response.content.decode()
    assert "没有文字层" in html  # the reason the scan could not be read
    assert not Reply.objects.exists()  # nothing is saved before it is asked for


def test_ticked_letters_are_saved_and_the_unreadable_one_is_left(client, staff_user):
    client.force_login(staff_user)
    response = upload(client, [as_file(1, ".txt"), ("scan.pdf", scanned_pdf()), as_file(2, ".pdf")])

    response = save(client, page_data(response))

    assert response.status_code == 200
    assert sorted(Reply.objects.values_list("proposal__number", flat=True)) == ["1", "2"]
    assert Commitment.objects.count() == 2
    assert statuses(response) == ["duplicate", "unreadable", "duplicate"]  # now imported


def test_a_failure_while_saving_saves_none_of_the_batch(client, staff_user, monkeypatch):
    client.force_login(staff_user)
    data = page_data(upload(client, [as_file(n, ".txt") for n in (1, 2, 3)]))
    calls = []
    real_import = batch_import.reply_import

    def failing_on_the_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise LetterImportError("the database went away")
        return real_import(**kwargs)

    monkeypatch.setattr(batch_import, "reply_import", failing_on_the_second)

    response = save(client, data)

    assert Reply.objects.count() == 0 and Commitment.objects.count() == 0
    assert "答复002.txt" in response.content.decode()
    assert "the database went away" in response.content.decode()


def test_a_zip_of_letters_is_opened_with_chinese_file_names(client, staff_user):
    client.force_login(staff_user)
    archive = zip_of([as_file(n, suffix) for n, suffix in ((1, ".txt"), (2, ".docx"), (3, ".pdf"))])

    response = upload(client, [("第一批答复.zip", archive)])

    assert statuses(response) == ["ready", "ready", "ready"]
    assert "第一批答复.zip/答复002.docx" in response.content.decode()


def test_gbk_names_in_a_windows_zip_are_read(monkeypatch):
    import io
    import zipfile

    # Windows archivers write the names in the system's code page without the UTF-8 flag.
    monkeypatch.setattr(
        zipfile.ZipInfo,
        "_encodeFilenameFlags",
        lambda info: (info.filename.encode("cp437"), info.flag_bits),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("答复.txt".encode("gbk").decode("cp437"))
        archive.writestr(info, numbered_letter(1).encode("utf-8"))
    monkeypatch.undo()

    (letter,) = read_batch([("batch.zip", buffer.getvalue())])

    assert letter.name == "batch.zip/答复.txt" and letter.text


def test_letter_imported_before_is_marked_and_not_ticked(client, staff_user):
    client.force_login(staff_user)
    save(client, page_data(upload(client, [as_file(1, ".txt")])))

    response = upload(client, [as_file(1, ".pdf"), as_file(2, ".txt")])

    assert statuses(response) == ["duplicate", "ready"]
    data = page_data(response)
    assert "form-0-save" not in data and data["form-1-save"] == "on"
    assert reverse("commitments:reply", args=[Reply.objects.get().pk]) in response.content.decode()


def test_the_same_letter_twice_in_a_batch_is_saved_once(client, staff_user):
    client.force_login(staff_user)

    response = upload(client, [as_file(1, ".txt"), as_file(1, ".docx")])

    assert statuses(response) == ["ready", "duplicate"]


def test_letter_signed_by_another_body_needs_attention(client, staff_user):
    client.force_login(staff_user)

    response = upload(client, [as_file(1, ".txt", organisation="某县交通运输局")])

    assert statuses(response) == ["attention"]
    assert "某县交通运输局" in response.content.decode()


def test_letter_needing_attention_opens_in_the_single_preview(client, staff_user):
    client.force_login(staff_user)
    text = numbered_letter(1).replace("第1号", "")  # no number: the parser warns
    response = upload(client, [("无编号.txt", text.encode())])
    assert statuses(response) == ["attention"]

    preview = client.post(reverse("workspace:import"), {"text": text})

    assert "关于改善城区路灯1号建设的提案" in preview.content.decode()


def test_a_forged_tick_on_a_letter_needing_attention_saves_nothing(client, staff_user):
    client.force_login(staff_user)
    text = numbered_letter(1, organisation="某县交通运输局")
    data = page_data(upload(client, [as_file(2, ".txt"), ("other.txt", text.encode())]))
    data["form-1-save"] = "on"

    response = save(client, data)

    assert not Reply.objects.exists()
    assert "other.txt" in response.content.decode()


def test_batch_over_the_letter_limit_is_refused(client, staff_user, settings):
    settings.TRACKER_BATCH_MAX_LETTERS = 2
    client.force_login(staff_user)

    response = upload(client, [as_file(n, ".txt") for n in (1, 2, 3)])

    assert "一次最多导入 2 封答复函" in response.content.decode()
    assert "batch-row" not in response.content.decode()


def test_batch_over_the_size_limit_is_refused(client, staff_user, settings):
    settings.TRACKER_BATCH_MAX_BYTES = 100
    client.force_login(staff_user)

    response = upload(client, [as_file(1, ".pdf")])

    assert response.status_code == 200 and "batch-row" not in response.content.decode()


def test_members_cannot_import_a_batch(client, member_user):
    client.force_login(member_user)

    assert client.get(reverse("workspace:import_batch")).status_code == 403
    assert upload(client, [as_file(1, ".txt")]).status_code == 403


def test_zip_bomb_is_refused_before_it_is_unpacked():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"0" * (201 * 1024 * 1024))

    with pytest.raises(LetterFileError, match="解压后超过"):
        read_batch([("bomb.zip", buffer.getvalue())])


# -- the command ---------------------------------------------------------------------------------


def test_import_reply_takes_several_files_and_a_folder(db, tmp_path, capsys):
    folder = tmp_path / "session"
    folder.mkdir()
    for number, suffix in ((1, ".txt"), (2, ".docx"), (3, ".pdf")):
        name, content = as_file(number, suffix)
        (folder / name).write_bytes(content)
    name, content = as_file(4, ".txt")
    (tmp_path / name).write_bytes(content)

    call_command("import_reply", str(folder), str(tmp_path / name))

    assert sorted(Reply.objects.values_list("proposal__number", flat=True)) == ["1", "2", "3", "4"]


def test_import_reply_of_a_batch_reports_each_failure_and_keeps_the_good(db, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(numbered_letter(1), encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    archive = tmp_path / "more.zip"
    archive.write_bytes(zip_of([as_file(2, ".txt")]))

    with pytest.raises(CommandError, match="1 of 3"):
        call_command("import_reply", str(good), str(scan), str(archive))

    assert sorted(Reply.objects.values_list("proposal__number", flat=True)) == ["1", "2"]
