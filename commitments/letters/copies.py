"""What copy sites do to a letter before it reaches us: pinyin glosses after characters
(政協(xié)), and the whole letter run together on one line. Both are undone before parsing, so
that names and titles come back as the letter wrote them."""

from __future__ import annotations

import re

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# A gloss is pinyin in brackets right after a character: 政協(xié), 養(yǎng)老, 閒（xián）.
_GLOSS = re.compile(
    rf"(?<=[\u4e00-\u9fff])[ ]?[(（][ ]*[a-z{_TONED}]{{1,6}}[1-5]?"
    rf"(?:[ ]+[a-z{_TONED}]{{1,6}}[1-5]?){{0,3}}[ ]*[)）]"
)
_HAS_TONE = re.compile(f"[{_TONED}]")
_GLOSS_START = re.compile(f"[(（][ ]*[{_TONED}a-z]{{1,6}}[ 1-5{_TONED}a-z]*[)）]")

# Where a letter written on one line would have broken its lines.
_RUN_ON_MIN = 60
_OPENING_END = re.compile(r"(?:如下|收悉|答复)[:：。]")
_PARAGRAPH_START = re.compile(
    r"(?<=[。！!；;])[ ]*(?=下一步|下步|今后|接下来|感谢|此复|特此|专此|再次感谢|以上答复|"
    r"联系人|经办人|抄送|[一二三四五六七八九十]{1,2}、|[(（][一二三四五六七八九十]{1,2}[)）])"
)
_SIGNATURE_TAIL = re.compile(
    r"(?<=[。！!])[ ]*(?P<tail>[\u4e00-\u9fff()（）]{2,40}[ ]*"
    r"(?:\d{4}|[〇○零一二三四五六七八九0]{4})[ ]*年[^。]{2,12}日?)[ ]*$"
)
_CLOSING = re.compile(r"[。！!][ ]*(?:感谢|此复|特此|专此)")
_SALUTATION_END = re.compile(
    r"^[^:：。,，]{2,60}?(?:委员|代表|代表团|委员会|委|工商联|同志)们?[:：]"
)


def strip_glosses(text: str) -> str:
    """The text without pinyin glosses; a bracketed latin word with no tone mark is kept
    unless the page glosses elsewhere too (a copy site glosses throughout)."""
    if not _GLOSS_START.search(text):
        return text  # the usual case, found without the slower look-behind
    matches = list(_GLOSS.finditer(text))
    if not matches or not any(_HAS_TONE.search(m.group(0)) for m in matches):
        return text
    return _GLOSS.sub("", text)


def split_run_on(text: str) -> str:
    """A letter printed on one line, broken where its paragraphs would begin."""
    lines = text.split("\n")
    if not any(_runs_on(line) for line in lines):
        return text
    return "\n".join(_split_line(line) if _runs_on(line) else line for line in lines)


def _runs_on(line: str) -> bool:
    """A long line holding both the opening and the closing of a letter (a quick first look)."""
    return (
        len(line) >= _RUN_ON_MIN
        and ("如下" in line or "收悉" in line)
        and any(word in line for word in ("感谢", "此复", "特此", "专此", "年"))
    )


def _split_line(line: str) -> str:
    body = line.strip()
    # Only a whole letter: a salutation or opening, and sentences ending on a signature.
    opening = re.search(r"如下[:：]", body) or _OPENING_END.search(body)
    if opening is None or "。" not in body[opening.end() :]:
        return line
    tail = _SIGNATURE_TAIL.search(body)
    if tail is None and not _CLOSING.search(body, opening.end()):
        return line  # an opening paragraph that runs on, not a whole letter
    cuts: set[int] = set()
    salutation = _SALUTATION_END.match(body)
    if salutation and salutation.end() < opening.start():
        cuts.add(salutation.end())
    cuts.add(opening.end())
    cuts.update(m.end() for m in _PARAGRAPH_START.finditer(body, opening.end()))
    if tail:
        cuts.add(tail.start("tail"))
        # 清江市教育局 2023年8月2日: the body on one line, its date on the next.
        date = re.search(r"(?:\d{4}|[〇○零一二三四五六七八九0]{4})[ ]*年", tail.group("tail"))
        if date and date.start() > 0:
            cuts.add(tail.start("tail") + date.start())
    pieces, last = [], 0
    for cut in sorted(cuts):
        if 0 < cut < len(body):
            pieces.append(body[last:cut].strip())
            last = cut
    pieces.append(body[last:].strip())
    return "\n".join(piece for piece in pieces if piece)
