"""The body of the letter: sections, lists and prose → measures and commitments.

Obstacles ("一是需与相邻县协调…"), background and internal handling steps (召开会议研究,
与委员面商) are read but kept out of both lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import prose
from .lists import ItemList, Marker, Para, build_lists, paragraph_markers, section_marker
from .normalise import Document

_SECTION_TYPES = (
    (
        "commitment",
        re.compile(
            r"下一步|下步|下阶段|下一阶段|今后|计划|打算|工作安排|思路|努力方向|展望|后续|"
            r"工作重点|重点工作"
        ),
    ),
    ("process", re.compile(r"办理过程|办理经过|工作过程|办理流程|沟通情况|办理工作情况")),
    ("obstacle", re.compile(r"存在(?:的)?(?:主要)?问题|困难|制约|不足|难点|瓶颈|原因分析")),
    (
        "context",
        re.compile(
            r"现状|基本情况|概况|背景|情况说明|有关情况|总体情况|发展情况|简要情况|情况介绍|"
            r"政策说明|政策依据|相关规定|政策规定"
        ),
    ),
    (
        "measure",
        re.compile(
            r"举措|措施|做法|工作开展|开展情况|办理情况|办理结果|落实情况|推进情况|进展|成效|采取|"
            r"主要工作|工作情况|完成情况|已开展|已做|取得|所做|已经"
        ),
    ),
)
_LIST_INTRO = re.compile(r"[:：]\s*$|以下|如下|几个方面|几方面|[一二三四五六七八九十两]个方面")
_DONE_IN_INTRO = re.compile(r"了|已|先后|开展情况|完成情况")
_HEADING_SENTENCE = re.compile(r"[^。:：]*")
_HEADING_CLAUSE = re.compile(r"[^,，。:：;；]*")
_TOPIC_HEADING = re.compile(r"^关于|(?:问题|方面|事项|情况|建议|提案)$")


@dataclass(slots=True)
class Entry:
    title: str
    text: str

    def as_dict(self) -> dict:
        return {"title": self.title, "text": self.text}


def section_type(heading: str) -> str | None:
    found = [name for name, pattern in _SECTION_TYPES if pattern.search(heading)]
    if "commitment" in found and len(found) > 1:
        # 已开展工作及下一步打算, 存在困难及下一步打算: a mixed section is read like an
        # unsectioned letter, where 下一步 marks the promises and the rest is judged as prose.
        return "mixed"
    return found[0] if found else None


class BodyReader:
    def __init__(self, doc: Document, paras: list[Para]):
        self.doc = doc
        self.paras = paras
        self.measures: list[tuple[int, Entry]] = []
        self.commitments: list[tuple[int, Entry]] = []

    # -- output helpers ---------------------------------------------------------------------

    def _span_text(self, block: list[Para], start: tuple[int, int], end: tuple[int, int]) -> str:
        parts = []
        for p in range(start[0], min(end[0] + 1, len(block))):
            para = block[p]
            a = start[1] if p == start[0] else 0
            b = end[1] if p == end[0] else len(para.text)
            if b > a:
                chunk = self.doc.orig(para.start + a, para.start + b)
                if chunk:
                    parts.append(chunk)
        return "\n".join(parts)

    def _add(self, category: str, para: Para, title_span, text: str, order: int) -> None:
        title = self.doc.orig(para.start + title_span[0], para.start + title_span[1])
        title = title.strip(" ,，。;；:：、")
        text = text.rstrip(" ,，;；、")
        entry = Entry(title or text[:20], text)
        target = self.measures if category == "measure" else self.commitments
        if not any(existing.text == text for _, existing in target):
            target.append((order, entry))

    def _add_promises(self, para: Para, level: int) -> None:
        for start, end in prose.promises(para.text, level):
            piece = para.text[start:end]
            title_start, title_end = prose.promise_title(piece)
            text = self.doc.orig(para.start + start, para.start + end)
            self._add(
                "commitment",
                para,
                (start + title_start, start + title_end),
                text,
                para.start + start,
            )

    # -- structure ------------------------------------------------------------------------

    def read(self) -> None:
        paras = self.paras
        sections = self._sections()
        if not sections:
            self._read_block(paras, None)
            return
        for para in paras[: sections[0][0]]:
            self._read_prose(para, "preamble")
        for i, (p, heading_end, kind) in enumerate(sections):
            stop = sections[i + 1][0] if i + 1 < len(sections) else len(paras)
            head = paras[p]
            block = []
            rest = head.text[heading_end:].lstrip(" 。:：")
            if rest:
                block.append(Para(head.index, head.end - len(rest), rest))
            block.extend(paras[p + 1 : stop])
            marker_end = section_marker(head.text).end if kind != "paren" else 0
            heading = head.text[marker_end:heading_end].strip(" 。:：")
            self._read_section(head, marker_end, heading, block)

    def _sections(self) -> list[tuple[int, int, str]]:
        """(paragraph index, end of heading, marker kind) of each numbered section."""
        found = []
        expected = None
        for p, para in enumerate(self.paras):
            marker = section_marker(para.text)
            # Excerpts sometimes start at 二、; after that the numbers must run on.
            if marker and (marker.num == expected or (expected is None and marker.num <= 3)):
                found.append((p, self._heading_end(para.text, marker.end), "section"))
                expected = marker.num + 1
        if found:
            return found
        # Letters without 一、 sometimes use (一) for their sections.
        candidates = []
        for p, para in enumerate(self.paras):
            markers = paragraph_markers(self.paras, p)
            if markers and markers[0].pos == 0 and markers[0].kind == "paren_cn":
                if markers[0].num == len(candidates) + 1:
                    end = self._heading_end(para.text, markers[0].end)
                    candidates.append((p, end, "paren", markers[0].end))
        typed = [
            c
            for c in candidates
            if section_type(self.paras[c[0]].text[c[3] : c[1]]) not in (None, "measure")
        ]
        if len(candidates) >= 2 and typed:
            return [(p, end, kind) for p, end, kind, _ in candidates]
        return []

    @staticmethod
    def _heading_end(text: str, start: int) -> int:
        end = _HEADING_SENTENCE.match(text, start).end()
        if end - start > 40:
            clause = _HEADING_CLAUSE.match(text, start).end()
            end = clause if clause - start <= 40 else start
        return end

    def _read_section(self, head: Para, marker_end: int, heading: str, block: list[Para]) -> None:
        kind = section_type(heading)
        if kind is not None:
            self._read_block(block, None if kind == "mixed" else kind)
            return
        if _TOPIC_HEADING.search(heading) or not heading or prose.PROCESS.search(heading):
            if prose.PROCESS.search(heading) and not prose.is_done(heading):
                return
            self._read_block(block, None)
            return
        # An action heading (一、加强政策支持): the section itself is one item.
        category = "commitment" if prose.is_future(heading) else "measure"
        kept = [para for para in block if not prose.STRONG_FLAG.match(para.text)]
        text = "\n".join(
            [self.doc.orig(head.start + marker_end, head.end)]
            + [self.doc.orig(para.start, para.end) for para in kept]
        )
        title_end = (
            marker_end
            + len(heading)
            + (len(head.text[marker_end:]) - len(head.text[marker_end:].lstrip(" ")))
        )
        self._add(category, head, (marker_end, title_end), text, head.start)
        for para in block:
            if prose.STRONG_FLAG.match(para.text):
                self._add_promises(para, prose.ALL)

    def _read_block(self, block: list[Para], kind: str | None) -> None:
        lists = [lst for lst in build_lists(block) if not lst.nested]
        covered: set[int] = set()
        intros: set[int] = set()
        for item_list in lists:
            first = item_list.markers[0]
            if first.pos == 0 and first.para > 0:
                intros.add(first.para - 1)
            for marker, end in zip(item_list.markers, item_list.ends, strict=False):
                for p in range(marker.para, end[0] + (1 if end[1] > 0 else 0)):
                    covered.add(p)
            self._read_list(block, item_list, kind)
        for p, para in enumerate(block):
            if p in covered:
                # Read as list items; any text before an inline list is its introduction.
                continue
            if p in intros and _LIST_INTRO.search(para.text):
                continue
            self._read_prose(para, kind or "free")

    def _list_category(self, item_list: ItemList, kind: str | None, texts: list[str]) -> str:
        intro = item_list.intro
        if prose.OBSTACLE_INTRO.search(intro) and not prose.STRONG_FLAG.match(intro):
            return "obstacle"
        if (
            prose.STRONG_FLAG.search(intro)
            or (intro and prose.is_future(intro))
            or (
                len(intro) <= 40
                and prose.FLAG_IN_INTRO.search(intro)
                and not _DONE_IN_INTRO.search(intro)  # 按照年初计划，开展了以下工作
            )
        ):
            return "commitment"
        if kind in ("commitment", "measure", "context", "obstacle", "process"):
            return kind
        if texts and sum(prose.is_future(t) for t in texts) * 2 > len(texts):
            return "commitment"
        if texts and sum(bool(prose.OBSTACLE_INTRO.search(t)) for t in texts) * 2 > len(texts):
            return "obstacle"
        return "measure"

    def _read_list(self, block: list[Para], item_list: ItemList, kind: str | None) -> None:
        spans = []
        for marker, end in zip(item_list.markers, item_list.ends, strict=False):
            text = self._span_text(block, (marker.para, marker.end), end)
            spans.append((marker, text))
        category = self._list_category(item_list, kind, [t for _, t in spans])
        if category in ("context", "process"):
            return
        for marker, text in spans:
            end = item_list.ends[item_list.markers.index(marker)]
            if category == "obstacle":
                # Obstacles are no promise, but "…下一步将…" may close the last of them.
                self._item_promises(block, marker, end, prose.STRONG)
                continue
            if not text:
                continue
            para = block[marker.para]
            norm = para.text[marker.end : end[1] if end[0] == marker.para else len(para.text)]
            title = prose.item_title(norm)
            if category == "measure" and prose.is_process_item(norm, title[1]):
                continue  # 高度重视, 与委员面商: how the reply was handled, not a measure
            self._add(
                category,
                para,
                (marker.end + title[0], marker.end + title[1]),
                text,
                para.start + marker.pos,
            )
            if category == "measure":
                # A next step mentioned inside a measure ("…下一步将继续…") is still a promise.
                self._item_promises(block, marker, end, prose.DATED)

    def _item_promises(
        self, block: list[Para], marker: Marker, end: tuple[int, int], level: int
    ) -> None:
        for p in range(marker.para, min(end[0] + 1, len(block))):
            a = marker.end if p == marker.para else 0
            b = end[1] if p == end[0] else len(block[p].text)
            if b > a:
                view = Para(block[p].index, block[p].start + a, block[p].text[a:b])
                self._add_promises(view, level)

    def _read_prose(self, para: Para, kind: str) -> None:
        text = para.text
        if text.endswith((":", "：")) and len(text) <= 40:
            return  # a heading or the introduction of a list that follows
        if kind == "commitment":
            if not prose.CLOSING.match(text) and not prose.OPENING.search(text):
                self._add_promises(para, prose.ALL)
            return
        if prose.STRONG_FLAG.match(text):
            self._add_promises(para, prose.ALL)
            return
        if prose.CLOSING.match(text):
            self._add_promises(para, prose.WEAK)
            return
        if kind in ("preamble", "context", "obstacle", "process"):
            self._add_promises(para, prose.STRONG)
            return
        if (
            prose.OPENING.search(text)
            or prose.PROCESS.search(text)
            or prose.APPRAISAL.search(text)
            or prose.OBSTACLE_PROSE.match(text)
        ):
            start = None if prose.OBSTACLE_PROSE.match(text) else prose.work_start(text)
            if start is not None:
                title = prose.prose_title(text[start:])
                title = (start + title[0], start + title[1])
                work = self.doc.orig(para.start + start, para.end)
                self._add("measure", para, title, work, para.start + start)
            self._add_promises(para, prose.WEAK if kind == "free" else prose.DATED)
            return
        if kind == "free" and prose.is_future(text):
            self._add_promises(para, prose.ALL)
            return
        if kind == "measure" or prose.is_done(text):
            title = prose.prose_title(text)
            self._add("measure", para, title, self.doc.orig(para.start, para.end), para.start)
        self._add_promises(para, prose.WEAK if kind == "free" else prose.DATED)
