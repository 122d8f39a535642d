"""parse_letter: one reply letter as text → the fields the importer needs, plus warnings."""

from __future__ import annotations

import re

from . import closing, heading, metadata, salutation
from .body import BodyReader
from .copies import split_run_on, strip_glosses
from .deadlines import find_deadline
from .lists import Para
from .normalise import Document, Joined, Line, normalise
from .page import mark_page_furniture
from .prose import OPENING

_LABEL_NAMES = {"written_date": "成文日期", "generated_date": "生成日期"}
_ORG_BEFORE_ABOUT = re.compile(
    r"^(?:[·•●■◆*\-][ ]*)?([\u4e00-\u9fff()（）]{2,30}?"
    r"(?:局|委员会|委|办|院|厅|中心|政府|办事处|公司|集团))(?:关于|对)"
)
_ENDS_SENTENCE = re.compile(r"[。！？!?”\"》)）…]$|此复|答复|函告")


def empty_result() -> dict:
    return {
        "kind": None,
        "number": None,
        "session": None,
        "proposers": [],
        "title": None,
        "organisation": None,
        "reply_date": None,
        "published_date": None,
        "index_number": None,
        "document_number": None,
        "category": None,
        "signer": None,
        "contact": None,
        "measures": [],
        "commitments": [],
        "warnings": [],
    }


def parse_letter(text: str) -> dict:
    """Read a reply letter. Never raises: what cannot be read is None/[] with a warning."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        return _LetterParser(split_run_on(strip_glosses(text))).parse()
    except Exception as exc:  # a parser bug must not break an import: report it instead
        result = empty_result()
        result["warnings"].append(f"[kind] 解析时出错（{type(exc).__name__}），请人工录入")
        return result


class _LetterParser:
    def __init__(self, text: str):
        self.doc = Document(text)
        mark_page_furniture(self.doc)
        self.result = empty_result()
        self.warnings: list[str] = self.result["warnings"]

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def parse(self) -> dict:
        doc = self.doc
        if not doc.lines:
            self.warn("[title] 文本为空，未能读取任何内容")
            return self.result
        self.fields = metadata.read_labelled(doc)
        letter_lines = [ln for ln in doc.lines if not ln.link and not metadata.is_label_line(ln)]
        self.salute = salutation.find_salutation(doc, letter_lines)
        self._split_regions(letter_lines)
        self._read_header()
        self._read_closing()
        self._read_body()
        return self.result

    # -- regions -----------------------------------------------------------------------------

    def _split_regions(self, letter_lines: list[Line]) -> None:
        doc = self.doc
        start = heading.letter_start(doc, letter_lines, self.salute.line)
        self.header = [ln for ln in doc.lines if ln.index < start and not ln.link]
        self.after = [ln for ln in doc.lines if ln.index >= start and not ln.link]
        if self.salute.line is not None:
            self.after = [ln for ln in self.after if ln.index != start]
        body_lines = [ln for ln in self.after if not ln.debris and not metadata.is_label_line(ln)]
        # The opening: the sentence that acknowledges the proposal (…收悉，现答复如下).
        self.opening = []
        if self.salute.rest_start is not None:
            line = self.salute.line
            rest = doc.norm[self.salute.rest_start : line.end]
            start = self.salute.rest_start + len(rest) - len(rest.lstrip())
            self.opening.append(Line(line.index, start, line.end, rest.strip()))
        for line in body_lines[:3]:
            if self.opening and OPENING.search(self.opening[-1].text):
                break
            self.opening.append(line)
        prose_lines = [
            ln.index
            for ln in body_lines
            if (len(ln.text) >= 30 or "。" in ln.text)
            and not closing.is_contact_line(ln)
            and not closing.is_copy_line(ln)
        ]
        self.last_prose = prose_lines[-1] if prose_lines else -1

    # -- header: number, session, kind, proposers, title, metadata ------------------------------

    def _read_header(self) -> None:
        doc, result, fields = self.doc, self.result, self.fields
        consumed = {f.line for fields_of_key in fields.values() for f in fields_of_key}
        self.bare_names, self.bare_dates = metadata.bare_values(doc, self.header, consumed)
        texts = heading.heading_texts(doc, self.header)
        opening_texts = [Joined(doc, [line]) for line in self.opening]
        # 内容概述 / 标题 values: the heading of a page that has no heading line.
        summary = [
            Joined(doc, [Line(field.line, field.start, field.end, field.value)])
            for field in fields.get("summary", [])
        ]
        number = heading.find_number(texts + summary + opening_texts)
        if number and number.value:
            result["number"] = number.value
        elif number and number.letter:
            self.warn("[number] 这是来信（非会议期间提出），没有提案/建议编号")
        else:
            self.warn("[number] 未找到提案/建议编号")
        label_lines = [
            Joined(doc, [ln]) for ln in doc.lines if not ln.link and metadata.is_label_line(ln)
        ]
        session, gap = heading.find_session(texts + summary + opening_texts + label_lines)
        result["session"] = session
        if session is None:
            self.warn("[session] 未找到会次（如“区政协二届三次会议”）")
        elif gap:
            self.warn(f"[session] 会次“{session}”缺少届次或次数，请核对")
        self._read_people(number, session)
        result["title"] = salutation.title_from_opening(doc, self.opening) or (
            salutation.title_from_heading(doc, self.header)
        )
        if result["title"] is None:
            for field in fields.get("summary", []):
                line = Line(-1, field.start, field.end, field.value)
                result["title"] = salutation.title_from_heading(doc, [line])
                if result["title"]:
                    break
        if result["title"] is None:
            self.warn("[title] 未找到提案标题")
        elif result["kind"] is None and re.search(r"(?:提案|建议|议案)$", result["title"]):
            # Nothing else said which: the title's own last word does (…的提案 / …的议案).
            result["kind"] = "proposal" if result["title"].endswith("提案") else "suggestion"
            self.warnings.remove("[kind] 无法判断是政协提案还是人大建议")
        header_marks = [ln for ln in self.header if not ln.debris]
        result["index_number"] = metadata.find_index_number(doc, fields, self.header)
        result["document_number"] = metadata.find_document_number(
            doc, fields, header_marks, self.warnings
        )
        result["signer"] = metadata.find_signer(doc, [ln for ln in doc.lines if not ln.link])
        result["category"] = metadata.find_category(
            # A class mark may also stand under the letter, never inside its paragraphs.
            header_marks + [ln for ln in self.after[-12:] if not ln.debris and len(ln.text) <= 30],
            fields,
        )
        published = metadata.first_date(fields, "published_date", "page_date")
        if published:
            result["published_date"] = published[0]
        elif self.bare_dates:
            self.warn(
                f"[published_date] 页面上有未标注的日期（{self.bare_dates[0][1]}），"
                "无法确定是否为公开日期"
            )

    def _read_people(self, number: heading.Number | None, session: str | None) -> None:
        result, salute = self.result, self.salute
        if not salute.names:
            salute = salutation.names_in_text(self.doc, self.header + self.opening)
        # 领衔人:甲 / 附议人:乙、丙 (or 建议人:甲): every name, the lead first.
        listed = salutation.names_in_fields(self.doc, self.fields.get("proposer", []))
        result["proposers"] = salute.names + [n for n in listed if n not in salute.names]
        if not result["proposers"]:
            self.warn("[proposers] 未找到提案人姓名")
        elif salute.more:
            self.warn("[proposers] 称谓中有“等”，还有未列出姓名的提案人")
        kind = None
        session_norm = normalise(session) if session else ""
        if re.search(r"政协|政治协商", session_norm):
            kind = "proposal"
        elif re.search(r"人大|人民代表大会", session_norm):
            kind = "suggestion"
        elif number and number.doc_word:
            kind = "proposal" if number.doc_word == "提案" else "suggestion"
        elif salute.role:
            kind = "proposal" if salute.role == "委员" else "suggestion"
        else:
            joined = " ".join(line.text for line in self.header + self.opening)
            if re.search(r"号提案|提案收悉|提案办理|委员提案|政协", joined):
                kind = "proposal"
            elif re.search(r"号建议|代表建议|人大代表|人大", joined):
                kind = "suggestion"
        result["kind"] = kind
        if kind is None:
            self.warn("[kind] 无法判断是政协提案还是人大建议")

    # -- closing: signature, date, contact -------------------------------------------------------

    def _read_closing(self) -> None:
        doc, result = self.doc, self.result
        signature = closing.find_signature(doc, self.after, self.last_prose)
        self.signature = signature
        result["organisation"] = signature.organisation
        if signature.organisation and signature.other_organisations:
            self.warn(f"[organisation] 落款有多个单位，已取第一个“{signature.organisation}”")
        elif signature.organisation and signature.odd_name:
            self.warn(f"[organisation] 落款“{signature.organisation}”不像单位名称，请核对")
        if not signature.organisation:
            self._organisation_from_page()
        written = metadata.first_date(self.fields, "written_date", "generated_date")
        if signature.date_text and written:
            # A garbled signature date is only a guess; the page's own 成文日期 is not.
            signature.date = None
        if signature.date:
            result["reply_date"] = signature.date
            if signature.date_text:
                self.warn(
                    f"[reply_date] 落款日期“{signature.date_text}”写法不规范，"
                    f"已读作 {signature.date}，请核对"
                )
        else:
            fallback = written
            if signature.date_text:
                message = f"[reply_date] 落款日期“{signature.date_text}”无法识别"
            else:
                message = "[reply_date] 未找到落款日期"
            # Unlabelled dates stand in only for a missing signature date, not a garbled one.
            bare = [iso for iso, _ in self.bare_dates if iso and not signature.date_text]
            if fallback:
                result["reply_date"] = fallback[0]
                message += f"，已使用公开信息中的{_LABEL_NAMES[fallback[1]]} {fallback[0]}"
            elif bare:
                result["reply_date"] = bare[0]
                message += f"，已使用页面上未标注的日期 {bare[0]}"
            else:
                message += "，公开信息中也没有成文日期"
            self.warn(message)
        result["contact"] = closing.find_contact(doc, self.after)

    def _organisation_from_page(self) -> None:
        """No signature names the replier: the heading does (某局关于…的答复), else a page field
        that names a body and not the website (主办单位, 发布机构, 来源), else a bare bullet."""
        doc, result = self.doc, self.result
        about = next(
            (m for ln in self.header if not ln.debris and (m := _ORG_BEFORE_ABOUT.match(ln.text))),
            None,
        )
        if about:
            line = next(ln for ln in self.header if ln.text == about.string)
            start = line.start + about.start(1)
            name = result["organisation"] = doc.orig(start, line.start + about.end(1))
            self.warn(f"[organisation] 未找到落款单位，已使用标题中的“{name}”")
            return
        for key, label in (("replier", "主办单位"), ("publisher", "发布机构")):
            name = metadata.organisation_field(doc, self.fields, key)
            if name:
                result["organisation"] = name
                self.warn(f"[organisation] 未找到落款单位，已使用{label}“{name}”")
                return
        if self.bare_names:
            name = result["organisation"] = self.bare_names[0]
            self.warn(f"[organisation] 未找到落款单位，已使用页面信息中的“{name}”")
            return
        self.warn("[organisation] 未找到落款单位")

    # -- body: measures and commitments ----------------------------------------------------------

    def _read_body(self) -> None:
        doc, signature = self.doc, self.signature
        stop = len(doc.lines)
        for line in (signature.org_line, signature.date_line):
            if line is not None:
                stop = min(stop, line.index)
        paras = []
        if self.salute.rest_start is not None:
            rest = self.opening[0]  # text after the colon of the salutation
            paras.append(Para(rest.index, rest.start, rest.text))
        for line in self.after:
            if line.index >= stop:
                break
            if (
                line.debris
                or metadata.is_label_line(line)
                or closing.is_contact_line(line)
                or closing.is_copy_line(line)
            ):
                continue
            paras.append(Para(line.index, line.start, line.text))
        reader = BodyReader(doc, paras)
        reader.read()
        result = self.result
        result["measures"] = [
            entry.as_dict() for _, entry in sorted(reader.measures, key=lambda x: x[0])
        ]
        # Relative deadlines (明年, 三年内) count from the reply date.
        reply_date = result["reply_date"] or result["published_date"]
        result["commitments"] = []
        for _, entry in sorted(reader.commitments, key=lambda x: x[0]):
            deadline = find_deadline(entry.text, reply_date)
            item = entry.as_dict()
            item["target_date"] = deadline.date.isoformat() if deadline and deadline.date else None
            item["target_phrase"] = deadline.phrase if deadline else None
            result["commitments"].append(item)
        truncated = (
            paras
            and signature.date_line is None
            and signature.date_text is None
            and not (_ENDS_SENTENCE.search(paras[-1].text))
        )
        if truncated:
            tail = doc.orig(paras[-1].start, paras[-1].end)[-20:]
            self.warn(f"[commitments] 正文在“…{tail}”处中断，来函可能不完整，请核对原件")
        if not result["commitments"]:
            self.warn("[commitments] 未找到承诺事项（下一步计划）")
