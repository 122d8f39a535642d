"""Letters as uploaded files: .txt (UTF-8 or GB18030), .docx and text .pdf."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# A .docx is a zip archive that python-docx unpacks into memory whole. A reply letter is a few
# dozen parts and well under a megabyte unpacked; a "zip bomb" of a few hundred kilobytes can
# unpack to gigabytes. The archive is measured before python-docx reads it.
DOCX_MAX_ENTRIES = 1000
DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024


class LetterFileError(ValueError):
    """The file cannot be read as a letter; the message is shown to the user as is."""


def extract_text(data: bytes, filename: str) -> str:
    """The text of an uploaded letter; raises LetterFileError with a one-line reason."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".txt":
        return _decode_text(data)
    if suffix == ".docx":
        _check_docx_size(data)
        return _docx_text(data)
    if suffix == ".pdf":
        from .pdf import pdf_text  # pypdf is loaded only when a PDF comes

        return pdf_text(data)
    if suffix in (".doc", ".wps"):
        raise LetterFileError(f"不支持旧版 Word 格式（{suffix}），请另存为 .docx 或 .txt 后上传")
    kind = suffix or filename or "无扩展名"
    raise LetterFileError(f"不支持的文件类型“{kind}”，请上传 .txt、.docx 或 .pdf 文件")


def _decode_text(data: bytes) -> str:
    if not data:
        raise LetterFileError("文件是空的")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text)) > max(2, len(text) // 200):
            break  # decodes, but it is binary data
        return text
    raise LetterFileError("无法识别文件编码或文件不是文本，请以 UTF-8 或 GBK 编码保存为 .txt")


def _check_docx_size(
    data: bytes,
    *,
    max_entries: int = DOCX_MAX_ENTRIES,
    max_unpacked_bytes: int = DOCX_MAX_UNPACKED_BYTES,
) -> None:
    """Refuse a .docx with too many parts or too large unpacked, before anything is unpacked.

    The sizes the zip's directory declares are checked first, which refuses a bomb without
    unpacking a byte. Then every part is unpacked in small chunks and counted: a part whose
    directory entry lies is stopped at the size it declares and refused when its checksum then
    fails, so it costs no more memory than an honest one.
    """
    limit = f"{max_unpacked_bytes // (1024 * 1024)} MB"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise LetterFileError(
                    f"无法读取 .docx 文件：包含 {len(entries)} 个部件，超过 {max_entries} 个的上限"
                )
            if sum(entry.file_size for entry in entries) > max_unpacked_bytes:
                raise LetterFileError(f"无法读取 .docx 文件：解压后超过 {limit} 的上限")
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as part:
                    while chunk := part.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > max_unpacked_bytes:
                            raise LetterFileError(f"无法读取 .docx 文件：解压后超过 {limit} 的上限")
    except LetterFileError:
        raise
    except Exception as exc:  # zipfile and zlib raise many kinds on broken or forged archives
        raise LetterFileError("无法读取 .docx 文件：文件已损坏或不是 Word 文档") from exc


def _docx_text(data: bytes) -> str:
    try:
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = Document(io.BytesIO(data))
        parts: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                parts.append(Paragraph(child, document).text)
            elif tag == "tbl":
                _table_text(Table(child, document), parts)
    except Exception as exc:  # zipfile, lxml and python-docx raise many kinds on broken files
        raise LetterFileError("无法读取 .docx 文件：文件已损坏或不是 Word 文档") from exc
    return "\n".join(parts)


def _table_text(table, parts: list[str]) -> None:
    seen = set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # merged cells repeat
                continue
            seen.add(cell._tc)
            for paragraph in cell.paragraphs:
                parts.append(paragraph.text)
            for inner in cell.tables:
                _table_text(inner, parts)
