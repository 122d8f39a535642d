"""Disclosure metadata (索引号, 发布机构, dates, 文号) and the marks in the letter's header
(class, document number, signer)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import find_date
from .normalise import Document, Line

# Canonical key → labels as sites write them. Longer labels first so 发文字号 beats 文号.
_LABELS = {
    "index_number": ("信息索引号", "索引号", "索引编号", "信息编号"),
    "publisher": (
        "发布机构",
        "发文机关",
        "发文机构",
        "发布单位",
        "发文单位",
        "公开主体",
        "信息来源",
        "文章来源",
        "稿件来源",
        "来源",
    ),
    # Congress-suggestion systems name the replier outright: 主办单位 / 承办单位 / 答复单位.
    "replier": ("主办单位", "承办单位", "答复单位", "办理单位", "办复单位", "主办部门", "承办部门"),
    "proposer": (
        "领衔人",
        "领衔代表",
        "领衔委员",
        "建议人",
        "提案人",
        "提出人",
        "附议人",
        "附议代表",
        "附议委员",
        "联名人",
        "联名代表",
        "联名委员",
    ),
    "written_date": (
        "成文日期",
        "成文时间",
        "发文日期",
        "发文时间",
        "印发日期",
        "签发日期",
        "答复时间",
        "答复日期",
        "办复时间",
        "办复日期",
        "办结时间",
        "办结日期",
    ),
    "generated_date": ("生成日期", "生成时间", "创建日期", "形成日期"),
    "published_date": (
        "公开日期",
        "公开时间",
        "发布日期",
        "发布时间",
        "公布日期",
        "发稿时间",
        "发表日期",
        "发表时间",
    ),
    # A bare 时间: in the page header (时间:2024-08-16 16:16) is when the page went up.
    "page_date": ("时间", "日期"),
    "document_number": ("发文字号", "文件编号", "发文编号", "文件字号", "文号"),
    "category": ("答复类别", "办理类别", "办复类别", "复文分类", "答复分类", "类别"),
    "summary": (
        "内容概述",
        "内容概要",
        "建议标题",
        "提案标题",
        "议案标题",
        "信息名称",
        "标题",
        "文件名称",
        "名称",
        "题名",
    ),
    "other": (
        "会办单位",
        "协办单位",
        "会办部门",
        "协办部门",
        "浏览次数",
        "访问次数",
        "阅读次数",
        "点击次数",
        "点击数",
        "文章字号",
        "字号",
        "生效日期",
        "建议编号",
        "提案编号",
        "议案编号",
        "效力状况",
        "有效性",
        "时效性",
        "是否有效",
        "效力",
        "公开方式",
        "公开范围",
        "公开形式",
        "公开属性",
        "主题分类",
        "体裁分类",
        "组配分类",
        "信息分类",
        "分类",
        "主题词",
        "关键词",
        "关键字",
        "附件下载",
        "附件",
        "有效期",
        "废止日期",
        "服务对象",
        "所属主题",
        "会议届次",
        "届次",
        "签发人",
        "提案号",
        "建议号",
    ),
}
_KEY_OF = {label: key for key, labels in _LABELS.items() for label in labels}


def _spaced(label: str) -> str:
    # Spaces inside labels are common: 索 引 号, 类 别.
    return r"[ ]*".join(re.escape(ch) for ch in label)


def _alternation(labels) -> str:
    return "|".join(_spaced(label) for label in sorted(labels, key=len, reverse=True))


# Two-character labels (来源, 分类, 名称, 类别…) also open ordinary sentences, so they count as
# labels only when a colon or a space follows.
_LABEL_ALT = (
    f"{_alternation(k for k in _KEY_OF if len(k) > 2)}|"
    f"(?:{_alternation(k for k in _KEY_OF if len(k) <= 2)})(?=[ ]*[:：]|[ ]|$)"
)
_LABEL_AT = re.compile(rf"(?:^|(?<=[\s|丨]))(?:[·•●■◆*-][ ]*)?({_LABEL_ALT})[ ]*[:：]?")
# A label opens the line; a long run of characters right after it means prose, not a label.
_LINE_STARTS_WITH_LABEL = re.compile(
    rf"^[|丨]?[ ]*(?:[·•●■◆*-][ ]*)?(?:{_LABEL_ALT})(?![\u4e00-\u9fff]{{6}})"
)
_BLANK_VALUE = re.compile(r"[\s—–\-/|丨无暂无空]*")
_BULLET = re.compile(r"^[·•●■◆*\-][ ]*")

INDEX_NUMBER = re.compile(r"[0-9A-Z]{2,24}(?:[-/][0-9A-Z]{1,24})*/\d{4}-\d{2,10}")

_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,14})[ ]*([〔【\[(])[ ]*(\d{4})[ ]*([〕】\])])[ ]*(第?[ ]*\d{1,5})[ ]*号"
)
_DOC_NUMBER_GARBLED = re.compile(r"([\u4e00-\u9fff]{1,14})[ ]*[〔【\[][ ]*\d{4,}[^\s,;，。]*")
# 签发人:张三, or a table cell: | 签发人 | 张三 |
_SIGNER = re.compile(r"签[ ]*发[ ]*人[ ]*[:：]?[ |丨]*([\u4e00-\u9fff·]{2,6})")
_CLASS_LABELLED = re.compile(
    r"(?:(?:答复|办理|办复|复文)?类[ ]*[别型]|(?:复文|答复|办复)分类|办理结果|答复结果)[ ]*[:：]?"
    r"[ ]*[(（]?[ ]*([A-Da-d])(?![A-Za-z])"
)
_CLASS_LINE = re.compile(r"[(\[【]?[ ]*([A-D])[ ]*(?:类[ ]*(?:答复|件)?)?[ ]*[)\]】]?")
# A legend of the classes (A.已经解决 B.正在解决 C.…) names every mark and chooses none.
_CLASS_LEGEND = re.compile(r"[A-D][ ]*[.、:：)）]")
_CLASS_FUSED = re.compile(r"号[ ]*[(\[【]?[ ]*([A-D])[ ]*类")
_CLASS_BRACKETED = re.compile(r"[(\[【][ ]*([A-D])[ ]*类[ ]*[)\]】]")


@dataclass(slots=True)
class Field:
    key: str
    value: str  # normalised
    start: int  # document offsets of the value
    end: int
    line: int
    debris: bool = False  # in the page's footer or menus: 主办单位 there is the website's owner


def is_label_line(line: Line) -> bool:
    return bool(_LINE_STARTS_WITH_LABEL.match(line.text))


def read_labelled(doc: Document) -> dict[str, list[Field]]:
    """Every label/value pair of the disclosure table, in any of its layouts."""
    fields: dict[str, list[Field]] = {}
    lines = [line for line in doc.lines if not line.link]
    for pos, line in enumerate(lines):
        if not is_label_line(line):
            continue
        matches = list(_LABEL_AT.finditer(line.text))
        for i, match in enumerate(matches):
            label = re.sub(r"\s", "", match.group(1))
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line.text)
            raw = line.text[match.end() : end]
            value_start = line.start + match.end() + len(raw) - len(raw.lstrip(" |丨"))
            value = raw.strip(" |丨")
            value_line = line
            if not value and i + 1 == len(matches) and pos + 1 < len(lines):
                # Label and value on consecutive lines (tables pasted cell by cell).
                following = lines[pos + 1]
                if not is_label_line(following) and len(following.text) <= 80:
                    value, value_start, value_line = following.text, following.start, following
            if _BLANK_VALUE.fullmatch(value):
                continue
            bullet = _BULLET.match(value)
            if bullet:
                value, value_start = value[bullet.end() :], value_start + bullet.end()
            field = Field(
                _KEY_OF[label],
                value,
                value_start,
                value_start + len(value),
                value_line.index,
                line.debris,
            )
            fields.setdefault(field.key, []).append(field)
    return fields


def first_date(fields: dict[str, list[Field]], *keys: str) -> tuple[str, str] | None:
    """(ISO date, label key) of the first parsable date among ``keys``, in that order."""
    for key in keys:
        for field in fields.get(key, []):
            iso, _ = find_date(field.value)
            if iso:
                return iso, key
    return None


def find_index_number(
    doc: Document, fields: dict[str, list[Field]], header: list[Line]
) -> str | None:
    for field in fields.get("index_number", []):
        match = INDEX_NUMBER.search(field.value)
        if match:
            return match.group(0)
        token = field.value.split()[0]
        if re.fullmatch(r"[0-9A-Za-z/\-_.]{4,60}", token):
            return token
    # Unlabelled bullet lists: the index number's shape is distinctive enough to trust.
    for line in header:
        match = INDEX_NUMBER.search(line.text)
        if match and not line.link:
            return match.group(0)
    return None


def find_document_number(
    doc: Document, fields: dict[str, list[Field]], header: list[Line], warnings: list[str]
) -> str | None:
    candidates = [(f.value, f.start) for f in fields.get("document_number", [])]
    candidates += [(line.text, line.start) for line in header if not line.debris]
    for text, offset in candidates:
        match = _DOC_NUMBER.search(text)
        if match:
            prefix = match.group(1)
            # 签发人:张三 某交函… — the prefix must not swallow a label.
            prefix = re.split(r"签发人|文号|字号|编号|[:：]", prefix)[-1]
            start = match.end(1) - len(prefix)
            if not prefix:
                start = match.start(2)
            return doc.orig(offset + start, offset + match.end())
    for text, offset in candidates:
        match = _DOC_NUMBER_GARBLED.search(text)
        if match:
            written = doc.orig(offset + match.start(), offset + match.end())
            warnings.append(f"[document_number] 文号不完整（“{written}”），未采用，请核对")
            return None
    return None


def find_signer(doc: Document, lines: list[Line]) -> str | None:
    for line in lines:
        match = _SIGNER.search(line.text)
        if match:
            name = match.group(1)
            return doc.orig(line.start + match.start(1), line.start + match.start(1) + len(name))
    return None


def find_category(lines: list[Line], fields: dict[str, list[Field]]) -> str | None:
    """The reply class A–D; "类别:提案" names a document type and is no class."""
    for field in fields.get("category", []):
        match = re.match(r"[(（]?[ ]*([A-Da-d])(?![A-Za-z])", field.value)
        if match and len(_CLASS_LEGEND.findall(field.value)) < 2:
            return match.group(1).upper()
    for line in lines:
        text = line.text
        if len(_CLASS_LEGEND.findall(text)) >= 2:
            continue
        for pattern in (_CLASS_LABELLED, _CLASS_FUSED, _CLASS_BRACKETED):
            match = pattern.search(text)
            if match:
                return match.group(1).upper()
        match = _CLASS_LINE.fullmatch(text)
        if match:
            return match.group(1)
    return None


_ORG_NAME = re.compile(
    r"[\u4e00-\u9fff()（）]{2,30}?(?:局|委员会|委|办公室|办|院|厅|中心|人民政府|政府|办事处|公司|"
    r"集团|管委会|街道|所|馆|社|署|处|队|站)"
)
# Page fields that name the website rather than the body that replied.
_WEBSITE = re.compile(r"网|管理员|本站|编辑|门户|admin|信息中心$", re.IGNORECASE)


def _first_name(value: str) -> str:
    """The lead body of a field that may list several (主办单位:甲局、乙局)."""
    return re.split(r"[ ]{2,}|[、,，;；/|丨]|[ ]+(?=[\u4e00-\u9fff]+[:：])", value.strip())[
        0
    ].strip()


def organisation_field(doc: Document, fields: dict[str, list[Field]], key: str) -> str | None:
    """The body named by a 主办单位 (key "replier") or 发布机构/来源 (key "publisher") field,
    when it is a body's name and not the website's."""
    for field in fields.get(key, []):
        if field.debris:
            continue
        name = _first_name(field.value)
        if _ORG_NAME.fullmatch(name) and not _WEBSITE.search(name):
            start = field.start + field.value.find(name)
            return doc.orig(start, start + len(name))
    return None


def bare_values(doc: Document, header: list[Line], consumed: set[int]) -> tuple[list, list]:
    """A metadata block given as bare bullets, read by the shape of each value:
    ([body names], [(ISO date, text)]) in page order."""
    names, dates = [], []
    for line in header:
        if line.index in consumed or line.link:
            continue
        bullet = _BULLET.match(line.text)
        value = line.text[bullet.end() :] if bullet else line.text
        iso, match = find_date(value)
        if match and match.group(0).strip() == value.strip():
            dates.append((iso, value))
        elif bullet and not line.debris and _ORG_NAME.fullmatch(value.strip()):
            if not _WEBSITE.search(value):
                start = line.start + (bullet.end() if bullet else 0)
                names.append(doc.orig(start, line.end))
    return names, dates
