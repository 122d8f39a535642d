"""The page heading and opening sentence: the heading itself, proposal number, session and
document type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .copies import strip_glosses
from .metadata import is_label_line, read_labelled
from .normalise import Document, Joined, Line
from .page import mark_page_furniture
from .prose import OPENING
from .salutation import find_salutation

_HEADING_END = re.compile(r"(?:答复|复函|回复|答复函|办理情况|意见)[ ]*[)）]?$")
_HEADING_START = re.compile(r"对|关于|答复")

# 第20号提案 · 20号建议 · 第046号 · 来信号 (a letter outside the session: no number)
# Numbers are digits, sometimes with letters before them (DH123, JY100012050700) or a part
# after a hyphen (04-1); a list prefix such as 004(1). before the heading is no number.
_NUM = r"(?:[A-Z]{1,4}[ ]?)?\d{1,14}(?:-\d{1,3})?"
_NUMBER_DOC = re.compile(
    rf"(?<![\dA-Z〕】\]-])(?:第[ ]*)?(?P<num>{_NUM}|来信)[ ]*号[ ]*(?:的[ ]*)?"
    r"(?:代表|委员|政协|人大)?(?P<doc>提案|建议|议案|意见)"
)
_NUMBER_LABEL = re.compile(
    r"(?:提案|建议|议案)(?:编)?号[ ]*[:：][ ]*(?:第[ ]*)?(?P<num>\d{1,5})|"
    r"(?:提案|建议|议案)编号[ ]*[:：]?[ ]*(?:第[ ]*)?(?P<labelled>[A-Z]{0,4}\d{1,14}(?:-\d{1,3})?)"
)
_NUMBER_AFTER_SESSION = re.compile(
    rf"会议[ ]*(?:第[ ]*)?(?P<num>{_NUM}|来信)[ ]*号|"
    # 您在…会议上提出的第18号“关于…”: the number stands before the quoted title.
    r"提出的?[ ]*第[ ]*(?P<proposed>\d{1,5})[ ]*号"
)
_NUMBER_BRACKETED = re.compile(r"[(（][ ]*(?:第[ ]*)?(?P<num>\d{1,5})[ ]*号[ ]*[)）]")
_LETTER_NUMBER = re.compile(r"来信[ ]*号|来信(?:提案|建议)")

_SESSION_CORE = re.compile(
    r"第?[一二三四五六七八九十\d]{0,4}届[^\s,，。;；:：、《》()（）“”\"]{0,16}?"
    r"第?[一二三四五六七八九十\d]{0,4}次(?:全体)?会议"
)
_SESSION_BODY = re.compile(r"政协|人大|人民代表大会|政治协商|委员会")
_SESSION_CUT = re.compile(
    r"^.*(?:关于|对|收到|提交|出席|参加|于|[您你们员表上年月日]在|[您你们员表]向|[您你]于)"
)
_SESSION_TRIM = re.compile(r"(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?)?在?")
_SESSION_GAP = re.compile(
    r"第次|(?<![一二三四五六七八九十\d])届|(?<![一二三四五六七八九十\d])次会议"
)


# The letter's own heading names what it is (…的答复函) and what it answers (关于… / 第20号提案).
_HEADING_WORD = re.compile(r"答复|复函|回复|办理情况|办理结果|的函$")
_HEADING_SUBJECT = re.compile(r"关于|^对|号[ ]*(?:提案|建议|议案)|提案|建议|来信")
_HEADING_OPENS = re.compile(r"关于|对")
_NOT_HEADING = re.compile(r"[。:：]|收悉|如下|^(?:尊敬的|致)")
_SPACE_IN_CHINESE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def letter_start(doc: Document, letter_lines: list[Line], salutation: Line | None) -> int:
    """Index of the line where the letter itself begins (its salutation or opening sentence);
    what comes before is the page heading and the disclosure metadata."""
    if salutation is not None:
        return salutation.index
    usable = [ln for ln in letter_lines if not ln.debris]
    opening = next(
        (
            ln.index
            for ln in usable
            if OPENING.search(ln.text) and re.search(r"您|你|委员|代表", ln.text)
        ),
        None,
    )
    if opening is not None:
        return opening
    prose = (ln.index for ln in usable if len(ln.text) >= 40 and "。" in ln.text)
    return next(prose, len(doc.lines))


def _heading_like(text: str) -> bool:
    return (
        6 <= len(text) <= 100
        and not _NOT_HEADING.search(text)
        and bool(_HEADING_SUBJECT.search(text))
    )


def read_heading(text: str) -> str | None:
    """The letter's own heading line (对区政协二届三次会议第20号提案的答复函), joined when broken
    over two lines, as written; else the heading its disclosure table gives (标题:…); None when
    the page has neither. Never raises."""
    try:
        doc = Document(strip_glosses(text) if isinstance(text, str) else "")
        mark_page_furniture(doc)
        lines = [ln for ln in doc.lines if not ln.link and not is_label_line(ln)]
        start = letter_start(doc, lines, find_salutation(doc, lines).line)
        header = [ln for ln in lines if ln.index < start and not ln.debris]
        for i, line in enumerate(header):
            parts = [line]
            following = header[i + 1] if i + 1 < len(header) else None
            if (
                following is not None
                and following.index == line.index + 1
                and len(following.text) <= 40
                and _heading_like(line.text)
                and not _HEADING_WORD.search(line.text)
                and not _HEADING_OPENS.match(following.text)
            ):
                parts.append(following)  # 某局关于区十八届人大 / 四次会议第105号建议的答复
            joined = Joined(doc, parts)
            if _heading_like(joined.text) and _HEADING_WORD.search(joined.text):
                return _SPACE_IN_CHINESE.sub("", joined.orig(0, len(joined.text))) or None
        # A page without a heading line may still name it in its table (标题:…的答复).
        for field in read_labelled(doc).get("summary", []):
            if _heading_like(field.value) and _HEADING_WORD.search(field.value):
                return _SPACE_IN_CHINESE.sub("", doc.orig(field.start, field.end)) or None
    except Exception:  # a heading is a convenience: never let it break an import
        return None
    return None


@dataclass(slots=True)
class Number:
    value: str | None
    doc_word: str | None  # 提案 / 建议 as the heading calls the proposal
    letter: bool = False  # 来信: received outside a session


def heading_texts(doc: Document, lines: list[Line]) -> list[Joined]:
    """Header lines as matchable texts; a heading broken over two lines is also read joined."""
    texts = []
    usable = [line for line in lines if not line.debris]
    for i, line in enumerate(usable):
        texts.append(Joined(doc, [line]))
        if (
            i + 1 < len(usable)
            and _HEADING_START.search(line.text)
            and not _HEADING_END.search(line.text)
        ):
            following = usable[i + 1]
            if following.index == line.index + 1 and len(following.text) <= 40:
                texts.append(Joined(doc, [line, following]))
    return texts


def find_number(texts: list[Joined]) -> Number | None:
    """The first number found, trying the strongest patterns over all texts first."""
    for pattern in (_NUMBER_DOC, _NUMBER_LABEL, _NUMBER_AFTER_SESSION, _NUMBER_BRACKETED):
        for joined in texts:
            match = pattern.search(joined.text)
            if match:
                groups = match.groupdict()
                num = groups.get("num") or groups.get("labelled") or groups.get("proposed")
                num = num.replace(" ", "")
                doc_word = match.groupdict().get("doc")
                if num == "来信":
                    return Number(None, doc_word, letter=True)
                return Number(num, doc_word)
    for joined in texts:
        if _LETTER_NUMBER.search(joined.text):
            return Number(None, None, letter=True)
    return None


def find_session(texts: list[Joined]) -> tuple[str | None, bool]:
    """(session as written, whether its numbers look incomplete)."""
    for joined in texts:
        for match in _SESSION_CORE.finditer(joined.text):
            start = match.start()
            # Extend left over the place name: 区政协… / 政协某县第十届委员会…
            while start > 0 and start > match.start() - 20:
                ch = joined.text[start - 1]
                if not ("\u4e00" <= ch <= "\u9fff" or ch.isdigit()):
                    break
                start -= 1
            chunk = joined.text[start : match.end()]
            cut = _SESSION_CUT.match(chunk[: match.start() - start])
            offset = start + (cut.end() if cut else 0)
            trim = _SESSION_TRIM.match(joined.text, offset, match.end())
            if trim:
                offset = trim.end()
            session = joined.text[offset : match.end()]
            if not _SESSION_BODY.search(session):
                continue
            return joined.orig(offset, match.end()), bool(_SESSION_GAP.search(session))
    return None, False
