"""Numbered lists inside the body: 一是…二是…, (一)…, 1. / 1、, (1), ① — nested or in sequence."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .dates import chinese_number
from .prose import CLOSING

_CN_NUM = "一二三四五六七八九十"
_MARKERS = {
    "shi": re.compile(rf"(?P<n>[{_CN_NUM}]{{1,3}})是"),
    "paren_cn": re.compile(rf"[(（][ ]*(?P<n>[{_CN_NUM}]{{1,3}})[ ]*[)）]"),
    # 1.5亿元 is a number, 1.2024年起… is item 1.
    "digit": re.compile(r"(?P<n>\d{1,2})[ ]*(?:、|\.(?![\d.])|\.(?=\d{4}年))"),
    "paren_digit": re.compile(r"[(（][ ]*(?P<n>\d{1,2})[ ]*[)）]"),
    "circled": re.compile(r"(?P<c>[①-⑳])"),
    "section": re.compile(rf"(?P<n>[{_CN_NUM}]{{1,3}})[ ]*[、.](?![\d])"),
}
# Where a marker may sit in the middle of a paragraph: after a sentence or clause break.
_INLINE_BEFORE = {
    "shi": "。;；:：!！?？,，",
    "paren_cn": "。;；:：!！?？",
    "digit": "。;；:：!！?？",
    "paren_digit": "。;；:：!！?？,，",
    "circled": "。;；:：!！?？,，",
}
_INLINE = re.compile(
    rf"[{_CN_NUM}]{{1,3}}是|[(（][ ]*[{_CN_NUM}\d]{{1,3}}[ ]*[)）]|\d{{1,2}}[ ]*[.、]|[①-⑳]"
)


@dataclass(slots=True)
class Para:
    """A paragraph of the body (a line, or the rest of a line after the salutation)."""

    index: int
    start: int  # document offset
    text: str  # normalised

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(slots=True)
class Marker:
    kind: str
    num: int
    para: int  # index into the paragraph list
    pos: int  # offset of the marker in the paragraph text
    end: int  # offset just after the marker


@dataclass
class ItemList:
    kind: str
    markers: list[Marker] = field(default_factory=list)
    ends: list[tuple[int, int]] = field(default_factory=list)  # (para, pos) where each item ends
    intro: str = ""
    nested: bool = False

    @property
    def expected(self) -> int:
        return self.markers[-1].num + 1


def _marker_at(text: str, pos: int, kinds) -> Marker | None:
    for kind in kinds:
        match = _MARKERS[kind].match(text, pos)
        if match:
            if kind == "circled":
                num = ord(match.group("c")) - ord("①") + 1
            else:
                num = chinese_number(match.group("n"))
            if num:
                return Marker(kind, num, -1, pos, match.end())
    return None


def section_marker(text: str) -> Marker | None:
    return _marker_at(text, 0, ("section",))


def paragraph_markers(paras: list[Para], p: int) -> list[Marker]:
    """List markers in paragraph ``p``: at its start, and inline after a sentence break."""
    return [Marker(kind, num, p, pos, end) for kind, num, pos, end in _markers_in(paras[p].text)]


@functools.lru_cache(maxsize=4096)
def _markers_in(text: str) -> tuple[tuple[str, int, int, int], ...]:
    kinds = ("shi", "paren_cn", "digit", "paren_digit", "circled")
    found = []
    first = _marker_at(text, 0, kinds)
    if first:
        found.append(first)
    for match in _INLINE.finditer(text, 1):
        pos = match.start()
        before = pos - 1
        while before >= 0 and text[before] == " ":
            before -= 1
        if before < 0:
            continue
        marker = _marker_at(text, pos, kinds)
        if (
            marker
            and text[before] in _INLINE_BEFORE[marker.kind]
            and (not found or found[-1].pos != pos)
        ):
            found.append(marker)
    return tuple((m.kind, m.num, m.pos, m.end) for m in found)


def _heading_only(paras: list[Para], marker: Marker) -> bool:
    if marker.pos > 0:
        return False  # an item inside a paragraph is never a heading line
    rest = paras[marker.para].text[marker.end :].strip()
    if rest.endswith((":", "：")):
        return True
    return len(rest) <= 40 and "。" not in rest.rstrip("。")


# A paragraph that ends the list before it: a new introduction, next steps, a new section, a
# conclusion or the closing formula.
_BREAKER = re.compile(
    r"[:：]$|以下|如下|^(?:下一步|下步|下阶段|下一阶段|今后|但|然而|综上|总之|"
    r"[一二三四五六七八九十]{1,3}[ ]*、)"
)


def build_lists(paras: list[Para]) -> list[ItemList]:
    """Group markers into lists; nested lists stay inside their parent item."""
    lists: list[ItemList] = []
    stack: list[ItemList] = []

    def close(from_level: int, where: tuple[int, int]) -> None:
        for item_list in stack[from_level:]:
            item_list.ends.append(where)
        del stack[from_level:]

    for p, para in enumerate(paras):
        markers = paragraph_markers(paras, p)
        starts_with_marker = bool(markers) and markers[0].pos == 0
        if not starts_with_marker and stack:
            if (
                _BREAKER.search(para.text)
                or CLOSING.match(para.text)
                or any(m.num == 1 for m in markers)
            ):
                close(0, (p, 0))
            else:
                # A paragraph after a complete item ends that list; after a heading-only
                # item ("(一)加强规划") it continues the item.
                level = next(
                    (i for i, lst in enumerate(stack) if not _heading_only(paras, lst.markers[-1])),
                    None,
                )
                if level is not None:
                    close(level, (p, 0))
        for marker in markers:
            level = next(
                (
                    i
                    for i in range(len(stack) - 1, -1, -1)
                    if stack[i].kind == marker.kind and stack[i].expected == marker.num
                ),
                None,
            )
            if level is not None:
                close(level + 1, (p, marker.pos))
                stack[level].ends.append((p, marker.pos))
                stack[level].markers.append(marker)
                continue
            if not stack and marker.pos == 0 and marker.num > 1:
                # The next item of the last top-level list, after a paragraph that closed it.
                last = next((lst for lst in reversed(lists) if not lst.nested), None)
                if last is not None and last.kind == marker.kind and last.expected == marker.num:
                    last.markers.append(marker)
                    stack.append(last)
                    continue
            if marker.num != 1:
                continue
            same = next((i for i, lst in enumerate(stack) if lst.kind == marker.kind), None)
            if same is not None:
                close(same, (p, marker.pos))
            elif stack and not _nests(paras, stack[-1], marker, starts_with_marker):
                close(0, (p, marker.pos))
            new = ItemList(marker.kind, [marker], nested=bool(stack))
            if marker.pos > 0:
                new.intro = para.text[: marker.pos]
            elif p > 0 and not stack:
                new.intro = paras[p - 1].text
            lists.append(new)
            stack.append(new)
    close(0, (len(paras), 0))
    return lists


def _nests(paras: list[Para], parent: ItemList, marker: Marker, starts_with_marker: bool) -> bool:
    current = parent.markers[-1]
    if marker.pos > 0:
        # Inline inside a paragraph that is itself an item of the parent.
        return starts_with_marker and marker.para >= current.para
    return _heading_only(paras, current) or marker.para == current.para
