"""The end of the letter: signature (body and date), contact person, 抄送 lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import compact_date, find_date, looks_like_date
from .normalise import Document, Line
from .prose import CLOSING, OPENING

_PERSON = re.compile(
    r"(?:联[ ]*系[ ]*人|经[ ]*办[ ]*人|承[ ]*办[ ]*人|联系人员)"
    r"(?:[ ]*(?:及|和|/|、)[ ]*(?:联系)?[ ]*(?:电[ ]*话|方式|手机))?[ ]*[:：]?[ ]*"
    r"(?P<name>[\u4e00-\u9fff·]{2,10})?"
)
_NAME_STOP = re.compile(r"联系|电话|手机|办公|邮箱|传真|同志$")
_PHONE_LABEL = re.compile(r"(?:联系|办公)?(?:电[ ]*话|手[ ]*机|联系方式|电话号码)")
_PHONE_LINE = re.compile(r"[(（]?[ ]*(?:联系|办公)?(?:电[ ]*话|手[ ]*机|联系方式|电话号码)")
_PHONE = re.compile(
    r"(?<![\d-])(?P<phone>[(（]?0\d{2,3}[)）]?[ -]?\d{7,8}(?:[-转]\d{1,5})?|1[3-9]\d{9}|\d{7,8})"
    r"(?!\d)"
)
_COPY_TO = re.compile(
    r"^(?:抄[ ]*送|抄[ ]*报|分[ ]*送|附件)[ ]*[:：]?|^[(（][ ]*(?:此件|依申请|主动|不予)"
)
_ORG_SUFFIX = re.compile(
    r"(?:局|委|办|院|会|厅|处|中心|公司|政府|街道|部|所|站|队|馆|室|司|署|社|组|镇|乡|行|校|学|"
    r"台|区|县|市|团|园|场|科|股)[)）]?$"
)
_STAMP = re.compile(r"[(（][ ]*(?:盖章|印章|章)[ ]*[)）]")
_DATE_TAIL = re.compile(r"[\d〇○零一二三四五六七八九十 年月日./-]{3,24}$")
_ORG_BEFORE_CONTACT = re.compile(
    r"([\u4e00-\u9fff()（）]{2,30}?)(?:[ ]{2,}|[ ]*(?=联系|电话|经办|承办人))"
)
_MULTI_ORG = re.compile(r"[ ]{2,}|[ ]*[、,，][ ]*")


@dataclass(slots=True)
class Signature:
    organisation: str | None = None
    other_organisations: int = 0
    org_line: Line | None = None
    date: str | None = None
    date_text: str | None = None  # as written, kept for warnings when it cannot be read
    date_line: Line | None = None
    odd_name: bool = False


def is_contact_line(line: Line) -> bool:
    # Contact lines are short; skipping long paragraphs keeps this cheap.
    text = line.text
    return len(text) <= 100 and bool(
        _PERSON.search(text)
        or (len(text) <= 60 and _PHONE_LABEL.search(text) and _PHONE.search(text))
    )


def is_copy_line(line: Line) -> bool:
    return bool(_COPY_TO.match(line.text))


def _org_like(text: str) -> bool:
    if not text or len(text) > 40 or re.search(r"[。,，;；:：!！?？]", text):
        return False
    if CLOSING.match(text) or OPENING.search(text):
        return False
    return bool(re.search(r"[\u4e00-\u9fff]{2}", text))


def _date_line(text: str) -> tuple[str | None, int] | None:
    """(ISO date or None when garbled, where the date starts) for a line ending with a date."""
    if len(text) > 60:
        return None  # a paragraph, not a signature line
    iso, match = find_date(text)
    if match and not text[match.end() :].strip(" 。."):
        return iso, match.start()
    if looks_like_date(text):
        return None, 0
    tail = _DATE_TAIL.search(text)
    if tail and looks_like_date(tail.group(0).strip()) and _org_like(text[: tail.start()].strip()):
        return None, tail.start() + len(tail.group(0)) - len(tail.group(0).lstrip())
    return None


def find_signature(doc: Document, lines: list[Line], last_prose: int) -> Signature:
    """The replying body and the date under the letter. ``lines`` run from the body's start."""
    candidates = []
    for pos, line in enumerate(lines):
        if line.debris or is_contact_line(line):
            continue
        found = _date_line(line.text)
        if found is None:
            continue
        prefix = line.text[: found[1]].strip()
        if prefix and not _org_like(prefix):
            continue
        candidates.append((pos, line, found, prefix))
    if not candidates:
        return Signature()

    def preceded_by_org(pos: int) -> bool:
        for back in range(pos - 1, max(-1, pos - 4), -1):
            if lines[back].debris or is_contact_line(lines[back]):
                continue
            return _org_like(lines[back].text)
        return False

    # A date under the last paragraph, or under a name, or after one on its line: a date-like
    # line inside the body is not taken for the signature.
    chosen = next(
        (
            c
            for c in candidates
            if c[3] or c[1].index > last_prose or (c[2][0] and preceded_by_org(c[0]))
        ),
        None,
    )
    if chosen is None:
        return Signature()
    pos, line, (iso, date_start), prefix = chosen
    signature = Signature(date=iso, date_line=line)
    if iso is None:
        signature.date_text = doc.orig(line.start + date_start, line.end)
        signature.date = compact_date(signature.date_text)  # read, but still worth a warning
    org_offsets = None
    if prefix:
        org_offsets = (line, 0, len(prefix))
    else:
        org_lines = []
        for back in range(pos - 1, max(-1, pos - 5), -1):
            previous = lines[back]
            if (
                previous.debris
                or is_contact_line(previous)
                or is_copy_line(previous)
                or _STAMP.fullmatch(previous.text)  # (盖章) under the name
            ):
                continue
            if not _org_like(previous.text):
                break
            org_lines.insert(0, previous)
        if org_lines:
            # Joint replies list several bodies, the lead one first.
            signature.other_organisations = len(org_lines) - 1
            org_offsets = (org_lines[0], 0, len(org_lines[0].text))
    if not org_offsets:
        # 舞钢市教育体育局  联系电话:… under the date: the body is named with its contact line.
        for following in lines[pos + 1 : pos + 3]:
            head = _ORG_BEFORE_CONTACT.match(following.text)
            if head and _ORG_SUFFIX.search(head.group(1)) and _org_like(head.group(1)):
                org_offsets = (following, 0, len(head.group(1)))
                break
    if org_offsets:
        org_line, start, end = org_offsets
        text = _STAMP.sub(lambda m: " " * len(m.group(0)), org_line.text[start:end])
        parts = [p for p in _MULTI_ORG.split(text.strip()) if p]
        if len(parts) > 1:
            signature.other_organisations += len(parts) - 1
        first = parts[0] if parts else ""
        offset = text.find(first)
        signature.organisation = (
            doc.orig(org_line.start + start + offset, org_line.start + start + offset + len(first))
            or None
        )
        signature.org_line = org_line
        signature.odd_name = not _ORG_SUFFIX.search(first)
    return signature


def find_contact(doc: Document, lines: list[Line]) -> dict | None:
    for pos, line in enumerate(lines):
        if line.debris:
            continue
        match = _PERSON.search(line.text)
        if not match:
            continue
        name = None
        if match.group("name"):
            raw = _NAME_STOP.split(match.group("name"))[0]
            if len(raw) >= 2:
                start = line.start + match.start("name")
                name = doc.orig(start, start + len(raw))
        phone = _phone_after(line.text, match.end() if not name else match.start("name") + 2)
        for following in lines[pos + 1 : pos + 3]:
            if phone or following.debris:
                break
            if _PHONE_LABEL.search(following.text):
                phone = _phone_after(following.text, 0)
        if name or phone:
            return {"name": name, "phone": phone}
    for line in lines:
        # Without a named person only a line that starts with the label is trusted:
        # page footers also carry telephone numbers.
        if not line.debris and _PHONE_LINE.match(line.text) and len(line.text) <= 60:
            phone = _phone_after(line.text, 0)
            if phone:
                return {"name": None, "phone": phone}
    return None


def _phone_after(text: str, start: int) -> str | None:
    match = _PHONE.search(text, start)
    return match.group("phone") if match else None
