"""A whole session's replies at once: many files, or a .zip of them, read letter by letter.

A file that cannot be read does not stop the others: it comes back with the reason instead of
its text. Limits keep a batch (or a forged archive) from taking the server's memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from .files import LetterFileError, extract_text

BATCH_MAX_LETTERS = 200  # a session's replies from one bureau, with room to spare
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
LETTER_SUFFIXES = (".txt", ".docx", ".pdf")


@dataclass(slots=True)
class BatchLetter:
    name: str  # the file's name, with its folder inside a .zip
    text: str | None = None
    error: str | None = None  # why it could not be read, for the person importing


def read_batch(
    files: Iterable[tuple[str, bytes]],
    *,
    max_letters: int = BATCH_MAX_LETTERS,
    max_letter_bytes: int | None = None,
) -> list[BatchLetter]:
    """Every letter in these (name, content) files, .zip archives opened; raises
    LetterFileError only when the batch as a whole is refused (too many letters, bad .zip)."""
    letters: list[BatchLetter] = []
    for name, data in files:
        if PurePosixPath(name).suffix.lower() == ".zip":
            letters += _zip_letters(name, data, max_letter_bytes)
        else:
            letters.append(_read_one(name, data, max_letter_bytes))
        if len(letters) > max_letters:
            raise LetterFileError(f"一次最多导入 {max_letters} 封答复函，请分批上传")
    return letters


def _read_one(name: str, data: bytes, max_letter_bytes: int | None) -> BatchLetter:
    if max_letter_bytes is not None and len(data) > max_letter_bytes:
        limit = max_letter_bytes // (1024 * 1024)
        return BatchLetter(name, error=f"文件超过 {limit} MB 的上限")
    try:
        text = extract_text(data, name)
    except LetterFileError as error:
        return BatchLetter(name, error=str(error))
    if not text.strip():
        return BatchLetter(name, error="文件中没有文字")
    return BatchLetter(name, text=text)


def _entry_name(entry: zipfile.ZipInfo) -> str:
    """Names in archives made on Chinese Windows are GBK, which zipfile reads as cp437."""
    if entry.flag_bits & 0x800:
        return entry.filename
    try:
        return entry.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return entry.filename


def _zip_letters(name: str, data: bytes, max_letter_bytes: int | None) -> list[BatchLetter]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise LetterFileError(f"无法打开压缩包“{name}”：文件已损坏或不是 .zip") from error
    if len(entries) > ZIP_MAX_ENTRIES:
        raise LetterFileError(
            f"压缩包“{name}”中有 {len(entries)} 个文件，超过 {ZIP_MAX_ENTRIES} 个"
        )
    if sum(entry.file_size for entry in entries) > ZIP_MAX_UNPACKED_BYTES:
        limit = ZIP_MAX_UNPACKED_BYTES // (1024 * 1024)
        raise LetterFileError(f"压缩包“{name}”解压后超过 {limit} MB 的上限")
    letters = []
    for entry in entries:
        inner = _entry_name(entry)
        path = PurePosixPath(inner)
        if path.name.startswith((".", "~$")) or "__MACOSX" in path.parts:
            continue  # what archivers and office programs leave beside the files
        shown = f"{name}/{inner}"
        if path.suffix.lower() not in LETTER_SUFFIXES:
            letters.append(BatchLetter(shown, error="不是 .txt、.docx 或 .pdf 文件"))
            continue
        try:
            with archive.open(entry) as part:
                # Read no more than the entry declares: a forged size cannot make it bigger.
                content = part.read(entry.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            letters.append(BatchLetter(shown, error="压缩包中的这个文件已损坏"))
            continue
        letters.append(_read_one(shown, content[: entry.file_size], max_letter_bytes))
    return letters
