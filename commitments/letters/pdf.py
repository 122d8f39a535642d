"""Text PDFs of reply letters (exported from Word): the text with the page furniture removed and
the hard-wrapped lines joined again, so that it reads like the letter's own paragraphs.

A scanned PDF has no text to read; it is refused with a message saying so (no OCR here).
"""

from __future__ import annotations

import io
import re
from collections import Counter

from .files import LetterFileError

PDF_MAX_PAGES = 100  # a reply letter is a few pages; a report of hundreds is no letter
_MIN_TEXT_CHARS = 20  # fewer readable characters than this: a scan, perhaps with a stamp

# - 3 - · — 3 — · 第3页 · 第 3 页 共 5 页 · 3/5 · Page 3 of 5
_PAGE_NUMBER = re.compile(
    r"[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*(?:[/／]|共|of)\s*\d{1,3}\s*页?)?[-—–\s]*|"
    r"[-—–\s]*(?:Page|page|PAGE)\s*\d{1,3}(?:\s*of\s*\d{1,3})?[-—–\s]*"
)
_SENTENCE_END = re.compile(r"[。！？!?；;：:…”」』）)》]$")
# A line that begins something of its own, never the tail of the line before.
_STARTS_BLOCK = re.compile(
    r"[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d)|"
    r"[一二三四五六七八九十]{1,3}是|[①-⑳]|[·•●]|"
    # A label and its value: 本件类别:C, 发布时间:…
    r"(?:本件)?(?:答复|办理)?(?:类别|结果|分类|发布时间|发布日期|公开日期|成文日期|来源|标题)[:：]|"
    r"(?:联系人|经办人|抄送|附件|尊敬的|此复|特此|专此|感谢|再次感谢|签发人|类\s*别|索\s*引\s*号|发布机构|成文日期|生成日期|"
    r"公开日期|发布日期|发文字号|文\s*号)|"
    # A salutation (张三、李四委员:), a class mark (A类), a signature date on its own.
    r"[^。，,]{2,40}(?:委员|代表|代表团|委员会)[^。]{0,4}[:：]\s*$|[(（]?[A-D]\s*类?[)）]?\s*$|"
    r"(?:\d{4}|[〇○零一二三四五六七八九0]{4})\s*年[^。]{1,8}日\s*$"
)
_CJK = "\u4e00-\u9fff"
_SPACED_CJK = re.compile(rf"(?<=[{_CJK}，。、；：“”])[ ]+(?=[{_CJK}，。、；：“”])")


def pdf_text(data: bytes) -> str:
    """The text of a PDF letter; raises LetterFileError with a one-line reason."""
    pages = _page_lines(data)
    if sum(len(line) for lines in pages for line in lines) < _MIN_TEXT_CHARS:
        raise LetterFileError(
            "这份 PDF 没有文字层（可能是扫描件或图片），无法读取文字；"
            "请上传 Word 或文本版本，或先对它做文字识别（OCR）"
        )
    pages = _without_furniture(pages)
    return "\n".join(_joined(line for lines in pages for line in lines)).strip()


def _page_lines(data: bytes) -> list[list[str]]:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LetterFileError("这份 PDF 设有打开密码，请上传未加密的版本")
        if len(reader.pages) > PDF_MAX_PAGES:
            raise LetterFileError(
                f"这份 PDF 有 {len(reader.pages)} 页，超过 {PDF_MAX_PAGES} 页的上限，"
                "不像是一封答复函"
            )
        texts = [page.extract_text() or "" for page in reader.pages]
    except LetterFileError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken or forged files
        raise LetterFileError("无法读取 .pdf 文件：文件已损坏或不是 PDF 文档") from exc
    pages = []
    for text in texts:
        # Leading spaces are kept: an indented line begins a paragraph (see _joined).
        lines = text.replace("\r", "\n").split("\n")
        lines = [line for line in lines if line.strip()]
        cjk = sum(1 for line in lines for ch in line if "\u4e00" <= ch <= "\u9fff")
        spaced = sum(len(_SPACED_CJK.findall(line)) for line in lines)
        if cjk and spaced * 3 > cjk:
            # Some exports put a space between every character: take them out again.
            lines = [_SPACED_CJK.sub("", line) for line in lines]
        pages.append(lines)
    return pages


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _without_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Pages without their numbers, and without headers and footers that repeat on most pages."""
    edges = Counter()
    for lines in pages:
        edges.update({_shape(line.strip()) for line in lines[:2] + lines[-2:]})
    repeated = {
        shape for shape, count in edges.items() if len(pages) >= 2 and count * 2 > len(pages)
    }
    cleaned = []
    for lines in pages:
        keep = []
        for position, line in enumerate(lines):
            at_edge = position < 2 or position >= len(lines) - 2
            bare = line.strip()
            if at_edge and (_PAGE_NUMBER.fullmatch(bare) or _shape(bare) in repeated):
                continue
            keep.append(line)
        cleaned.append(keep)
    return cleaned


_INDENT = re.compile(r"^(?:\u3000|[ \xa0]{2,})")


def _width(line: str) -> float:
    # The indent of a paragraph's first line takes up the line too.
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in line.rstrip())


def _joined(lines) -> list[str]:
    """Lines wrapped at the page's width joined again into paragraphs.

    Word indents the first line of each paragraph; when the PDF kept that indent, it marks
    where paragraphs begin. Otherwise a full line that does not end a sentence runs on.
    """
    lines = list(lines)
    if not lines:
        return []
    widths = sorted(_width(line) for line in lines)
    # The width of a full line: most lines of body text are full.
    full = widths[int(len(widths) * 0.8)] if len(widths) >= 5 else widths[-1]
    indents = sum(1 for line in lines if _INDENT.match(line)) >= 3
    paragraphs = [lines[0].strip()]
    for previous, line in zip(lines, lines[1:], strict=False):
        bare = line.strip()
        # A line that stops on 、 or a comma runs on whatever follows (张三、…、 / 李四委员:).
        mid_list = previous.rstrip().endswith(("、", ",", "，"))
        runs_on = _width(previous) >= 0.85 * full and (mid_list or not _STARTS_BLOCK.match(bare))
        if indents:
            # After a full stop, a short line that is no sentence stands alone: the signature.
            stands_alone = (
                _SENTENCE_END.search(previous.strip())
                and _width(line) < 0.85 * full
                and not _SENTENCE_END.search(bare)
            )
            runs_on = runs_on and not _INDENT.match(line) and not stands_alone
        else:
            runs_on = runs_on and not _SENTENCE_END.search(previous.strip())
        if runs_on:
            # Spaces before the break separated two things (江山市教育局  发布日期:…).
            gap = " " if previous != previous.rstrip() else ""
            paragraphs[-1] = paragraphs[-1] + gap + bare
        else:
            paragraphs.append(bare)
    return paragraphs
