"""Who the letter answers (proposers, 委员 or 代表) and the title of their proposal."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalise import Document, Joined, Line

_HAN = r"\u4e00-\u9fff"
_NAME = rf"(?:[{_HAN}]{{1,6}}·[{_HAN}]{{1,10}}|[{_HAN}]{{2,4}})"
_SEP = r"[ ]*[、,，/ ][ ]*"
_ROLE = r"(?:人大|政协)?(?:委员|代表)"
# A two-character name is often typeset with a space: 袁  伟委员.
_SPACED_NAME = rf"[{_HAN}][ ]{{1,3}}[{_HAN}]"
_SALUTATION = re.compile(
    rf"^(?:致[ ]*)?(?:尊敬的?[ ]*)?"
    rf"(?P<names>{_SPACED_NAME}|{_NAME}(?:[ ]*(?:{_ROLE}))?(?:{_SEP}{_NAME}(?:[ ]*(?:{_ROLE}))?)*)"
    rf"[ ]*(?P<more>等(?:[\d一二三四五六七八九十]+(?:位|名))?)?[ ]*(?P<role>{_ROLE})(?:们|同志)?"
    r"[ ]*(?:[:：,，]|您好[:：!！,，]?|$)"
)
# A proposal filed by a body rather than by named people: 某某镇代表团, 民盟某市委员会, 县工商联.
_PARTY = r"民革|民盟|民建|民进|农工党|致公党|九三学社|台盟|中共|共青团"
_GROUP = re.compile(
    rf"^(?:致[ ]*)?(?:尊敬的?[ ]*)?(?P<names>(?:[{_HAN}]{{1,16}}?(?:代表团|代表组|界别|小组)|"
    rf"(?:{_PARTY})[{_HAN}]{{0,14}}?(?:委员会|委|支部|总支)|[{_HAN}]{{0,12}}?(?:工商联|"
    rf"工商业联合会|妇联|妇女联合会|总工会|科协|侨联|台联|青联|团委)))"
    r"[ ]*(?:[:：,，]|您好|你们好|$)"
)
# 对张三委员提出的… / 关于李四等代表所提… in a heading or the opening sentence.
_NAMED_IN_TEXT = re.compile(
    rf"(?:^|对|于|[:(（“ ,，])(?P<names>{_NAME}(?:{_SEP}{_NAME})*)(?P<more>等)?"
    rf"(?:[\d一二三四五六七八九十]+(?:位|名))?(?P<role>{_ROLE})(?:们)?(?:提出|所提|领衔|提交|联名)"
)
_NOT_NAMES = re.compile(
    r"政协|人大|各位|全体|尊敬|有关|相关|广大|提案|建议|会议|委员会|人民|常委|同志"
)
_NAME_TOKEN = re.compile(r"[^、,，/ ]+")
_ROLE_AFTER = re.compile(rf"[ ]*(?:{_ROLE})$")

# Where the opening sentence names the proposal.
_OPENING_CUE = re.compile(r"提出|所提|领衔|联名|收悉|收到|答复如下|办理情况|答复|转来|交办")
_TITLE_STOP = re.compile(
    r"[(（][ ]*第?[ ]*\d+[ ]*号[ ]*[)）]|已?收悉|收到|已转|转来|交[由我给]|办理情况|办理结果|"
    r"的答复|答复如下|"
    r"现将|现答复|[。;；:：]"
)
_BARE_TITLE = re.compile(
    r"(?:提出|所提|领衔|提交|联名)(?:的|出的)?(?:第?[ ]*\d+[ ]*号)?(?:提案|建议)?[ ,，]*"
    r"(?P<title>(?:关于)?[^《》“”\"。;；:：]{4,80}?(?:的建议|的提案|的意见|建议|提案|议案))"
)
_HEADING_BARE = re.compile(r"关于(?:对)?(?P<title>关于.{4,80}?的(?:建议|提案))的")
_HEADING_BARE_SHORT = re.compile(
    r"^(?P<title>关于.{4,80}?的(?:建议|提案))的(?:答复|复函|回复|办理)"
)


@dataclass(slots=True)
class Salutation:
    names: list[str] = field(default_factory=list)
    more: bool = False  # 等: more proposers than named
    role: str | None = None  # 委员 or 代表
    line: Line | None = None
    rest_start: int | None = None  # document offset where text after the colon begins


def _split_names(doc: Document, offset: int, text: str) -> list[str]:
    if re.fullmatch(_SPACED_NAME, text):
        return ["".join(doc.orig(offset, offset + len(text)).split())]
    names = []
    for match in _NAME_TOKEN.finditer(text):
        chunk = _ROLE_AFTER.sub("", match.group(0))
        if len(chunk) > 2 and chunk.endswith("等"):
            chunk = chunk[:-1]  # 王五、赵六等委员: 等 means more people, not part of a name
        if len(chunk) >= 2:
            start = offset + match.start()
            names.append(doc.orig(start, start + len(chunk)))
    return names


def find_salutation(doc: Document, lines: list[Line]) -> Salutation:
    for line in lines:
        if line.debris or len(line.text) > 200:
            continue
        match = _SALUTATION.match(line.text)
        if not match or _NOT_NAMES.search(match.group("names")):
            continue
        names = _split_names(doc, line.start + match.start("names"), match.group("names"))
        more = bool(match.group("more")) or match.group("names").endswith("等")
        rest = match.end()
        rest_start = line.start + rest if rest < len(line.text) else None
        return Salutation(names, more, match.group("role")[-2:], line, rest_start)
    for line in lines:
        match = _GROUP.match(line.text) if not line.debris and len(line.text) <= 400 else None
        if match and "提案委" not in match.group("names"):
            start = line.start + match.start("names")
            name = doc.orig(start, start + len(match.group("names")))
            role = "代表" if re.search("代表", match.group("names")) else "委员"
            rest = match.end()
            rest_start = line.start + rest if rest < len(line.text) else None
            return Salutation([name], False, role, line, rest_start)
    return Salutation()


def names_in_text(doc: Document, lines: list[Line]) -> Salutation:
    """Fallback: proposers named in the heading or opening sentence (对张三委员提出的…)."""
    for line in lines:
        match = _NAMED_IN_TEXT.search(line.text)
        if match and not _NOT_NAMES.search(match.group("names")):
            names = _split_names(doc, line.start + match.start("names"), match.group("names"))
            return Salutation(names, bool(match.group("more")), match.group("role")[-2:], line)
    return Salutation()


def names_in_fields(doc: Document, fields) -> list[str]:
    """Names listed in 领衔人 / 附议人 / 建议人 fields, in page order."""
    names: list[str] = []
    for listed in fields:
        if listed.debris:
            continue
        for match in _NAME_TOKEN.finditer(listed.value):
            chunk = _ROLE_AFTER.sub("", match.group(0)).removesuffix("等")
            if re.fullmatch(_NAME, chunk) and not _NOT_NAMES.search(chunk):
                start = listed.start + match.start()
                name = doc.orig(start, start + len(chunk))
                if name not in names:
                    names.append(name)
    return names


def _bracketed(text: str, start: int, opening: str, closing: str) -> int | None:
    """Index of the bracket closing the one at ``start`` (nesting allowed), or None."""
    depth = 0
    for i in range(start, min(len(text), start + 200)):
        if text[i] == opening:
            depth += 1
        elif text[i] == closing:
            depth -= 1
            if depth == 0:
                return i
    return None


_NAMES_PROPOSAL = re.compile(r"(?:提出|所提|领衔|提交|联名|关于)[^《“\"]{0,12}$")


def _quoted_title(joined: Joined, limit: int) -> str | None:
    """The quoted proposal title: the 《》 or “” right after 提出的…, else the first one."""
    text = joined.text[:limit]
    candidates = []
    for opening, closing in (("《", "》"), ("“", "”"), ('"', '"')):
        start = text.find(opening)
        while start >= 0:
            if opening == closing:
                end = text.find(closing, start + 1)
                end = end if end >= 0 else None
            else:
                end = _bracketed(joined.text, start, opening, closing)
            if end is not None and end > start + 3:
                candidates.append((start, end))
            start = text.find(opening, (end or start) + 1)
    if not candidates:
        return None
    named = [c for c in candidates if _NAMES_PROPOSAL.search(text[max(0, c[0] - 14) : c[0]])]
    start, end = min(named or candidates)
    inner = joined.text[start + 1 : end]
    # 关于《关于…的建议》: the proposal's title is the inner one.
    if inner.count("《") == 1 and inner.startswith("关于《") and inner.endswith("》"):
        start, end = start + 3, end - 1
    return joined.orig(start + 1, end) or None


def title_from_opening(doc: Document, lines: list[Line]) -> str | None:
    """The proposal title from the sentence that acknowledges it (…收悉 / 答复如下)."""
    joined = Joined(doc, lines)
    text = joined.text
    for sentence in re.finditer(r"[^。]+。?", text):
        body = sentence.group(0)
        if not _OPENING_CUE.search(body):
            continue
        sub = joined.sub(sentence.start(), sentence.end())
        quoted = _quoted_title(sub, len(body))
        if quoted:
            return quoted
        match = _BARE_TITLE.search(body)
        if match:
            title = match.group("title")
            if not re.search(r"第?\d+号|会议|您", title) and not _TITLE_STOP.search(title):
                return sub.orig(match.start("title"), match.end("title"))
        if re.search(r"收悉|答复如下", body):
            break
    return None


def title_from_heading(doc: Document, lines: list[Line]) -> str | None:
    for line in lines:
        if line.debris:
            continue
        joined = Joined(doc, [line])
        if "《" in line.text or "“" in line.text:
            quoted = _quoted_title(joined, len(line.text))
            if quoted and re.search(r"答复|复函|回复|办理", line.text):
                return quoted
        match = _HEADING_BARE.search(line.text) or _HEADING_BARE_SHORT.search(line.text)
        if match and not re.search(r"第?\d+号|会议", match.group("title")):
            return joined.orig(match.start("title"), match.end("title"))
    return None
