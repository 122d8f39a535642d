"""When a promise is due: "2025年底前", "明年6月底前", "年内", "下半年", "2026年起", "三年内".

``find_deadline(text, reply_date)`` returns the due date a commitment states, as a date, with
the words it came from. Relative phrases (明年, 年内, 三年内) are resolved against the reply
date; without one they are left unresolved (the phrase is still returned). A phrase that names
a period means its last day (2025年上半年 → 30 June); "起" means its first day (2026年起 →
1 January 2026). Several phrases in one promise ("今年10月开工, 2025年6月底前建成"): the
latest is the deadline. Years inside names (《三年计划》, 2024年农贸市场提升改造计划, "十四五")
and vague words (尽快, 早日, 按期) are no deadline.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from .dates import chinese_number, chinese_year
from .normalise import normalise

_CN_DIGIT = "〇○零一二三四五六七八九"
_YEAR = rf"(?P<year>(?:19|20)\d{{2}}|[{_CN_DIGIT}0]{{4}}|今|明|后|次|来|明后)年"
_MONTH = r"(?P<month>\d{1,2}|十[一二]?|[一二三四五六七八九])月份?"
_DAY = r"(?P<day>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
_PART = (
    r"(?P<part>年底|年末|底|末|初|上旬|中旬|下旬|上半年|下半年|年中|年内|内|"
    r"第?[一二三四1-4]季度|[春秋]季(?:学期|开学)|[春夏秋冬]季|汛期|主汛期)"
)
_BOUND = r"(?P<bound>前|之前|以前|内|以内|起|开始|期间|完成|建成|实现)?"

_LEAD = r"(?P<lead>(?:到|至|于|在|争取|力争|确保|计划)[ ]*)?"
_ABSOLUTE = re.compile(
    rf"(?=[到至于在争力确计今明后次来年底末初上中下第春夏秋冬十{_CN_DIGIT}\d])"
    rf"{_LEAD}(?:{_YEAR}[ ]*)?(?:{_MONTH}[ ]*)?(?:{_DAY}|{_PART})?[ ]*{_BOUND}"
)
_WITHIN = re.compile(
    r"(?<![\d一二两三四五六七八九十])(?P<count>\d{1,3}|[一二两三四五六七八九十半]{1,3})[ ]*"
    r"(?P<unit>年|个月|个工作日|个?星期|周|天|日)(?:(?:之|以)?内|时间|左右时间)"
)
_RELATIVE_YEAR = {"今": 0, "明": 1, "次": 1, "来": 1, "后": 2, "明后": 2}
_SEASON_END = {"春": (5, 31), "夏": (8, 31), "秋": (11, 30)}
_PART_DAY = {"初": 10, "上旬": 10, "中旬": 20}
# 2024年力争完成…, 2023年新增…: a bare year before what is to be done is when it is due.
_TARGET_VERB = re.compile(
    r"[ ]*(?:力争|争取|完成|实现|建成|新增|新建|开工|启动|开通|投入|出台|编制|全面|基本|再|要)"
)
# A year followed by one of these names a plan or a project, not when it is due.
_NAME_AFTER_YEAR = re.compile(
    r"[ ]*(?:度|的|农|老|城|省|市|区|县|重点|民生|计划|规划|项目|工程|改造|行动|方案|预算|"
    r"专项|工作|任务|目标|考核|清单|批次|中央|第)"
)


@dataclass(frozen=True, slots=True)
class Deadline:
    date: datetime.date | None  # None when relative and there is no reply date
    phrase: str  # as written in the letter


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _count(text: str) -> float | None:
    if text == "半":
        return 0.5
    if text.isdigit():
        return int(text)
    return chinese_number(text.replace("两", "二"))


def _year_of(written: str | None, reply: datetime.date | None) -> int | None:
    if written is None:
        return reply.year if reply else None
    if written in _RELATIVE_YEAR:
        return reply.year + _RELATIVE_YEAR[written] if reply else None
    return int(written) if written.isdigit() else chinese_year(written.replace("0", "〇"))


def _resolve(match: re.Match, reply: datetime.date | None) -> datetime.date | None:
    """The date an absolute or calendar phrase means, or None when it means none."""
    groups = match.groupdict()
    year_text, month_text, part = groups["year"], groups["month"], groups["part"]
    bound = groups["bound"] or ""
    year = _year_of(year_text, reply)
    if year is None or not 1990 <= year <= 2100:
        return None
    starts = bound in ("起", "开始")
    if month_text:
        month = chinese_number(month_text)
        if not month or not 1 <= month <= 12:
            return None
        if groups["day"]:
            day = chinese_number(groups["day"])
            try:
                due = datetime.date(year, month, day or 0)
            except ValueError:
                return None
        elif starts:
            due = datetime.date(year, month, 1)
        elif part in _PART_DAY:
            due = datetime.date(year, month, _PART_DAY[part])
        elif bound in ("前", "之前", "以前") and part is None:
            due = datetime.date(year, month, 1) - datetime.timedelta(days=1)  # 9月前: by August
        else:
            due = _month_end(year, month)
        if year_text is None and reply and due < reply - datetime.timedelta(days=90):
            # "6月底前" in a July letter: next June (29 February becomes the 28th).
            due = due.replace(year=due.year + 1, day=min(due.day, 28 if due.month == 2 else 31))
        return due
    if part and part[1:] in ("季学期", "季开学"):
        # 秋季学期起 / 春季开学前: terms begin on 1 September and 1 March.
        begins = datetime.date(year, 9 if part[0] == "秋" else 3, 1)
        if bound in ("前", "之前", "以前"):
            return begins - datetime.timedelta(days=1)
        return begins
    if starts:
        return datetime.date(year, 1, 1)
    if part is None and bound in ("前", "之前", "以前"):
        return datetime.date(year - 1, 12, 31)  # 2025年前: before 2025 begins
    if part in ("上半年", "年中"):
        return datetime.date(year, 6, 30)
    if part and "季度" in part:
        quarter = chinese_number(part.strip("第季度")) or 4
        return _month_end(year, min(quarter, 4) * 3)
    if part and part.endswith("汛期"):
        return datetime.date(year, 5, 31)  # 汛期前: the flood season opens in May or June
    if part and part.endswith("季") and bound in ("前", "之前", "以前"):
        # 冬季前: before the season begins (spring in March, summer June, autumn September).
        begins = {"春": 3, "夏": 6, "秋": 9, "冬": 12}[part[0]]
        return datetime.date(year, begins, 1) - datetime.timedelta(days=1)
    if part and part[0] in _SEASON_END:
        return datetime.date(year, *_SEASON_END[part[0]])
    if part == "冬季":
        return _month_end(year + 1, 2)
    if part == "初":
        return datetime.date(year, 3, 31)
    return datetime.date(year, 12, 31)


def _absolute(text: str, reply: datetime.date | None) -> list[tuple[int, int, Deadline]]:
    found = []
    for match in _ABSOLUTE.finditer(text):
        year, month, part = match.group("year"), match.group("month"), match.group("part")
        bound = match.group("bound")
        if not (year or month or part) or (match.group("day") and not month):
            continue
        after = text[match.end() : match.end() + 2]
        if after in ("以来", "以后") or bound == "期间":
            continue  # 今年以来: since, not until
        if year and not (month or part):
            numeric = year not in _RELATIVE_YEAR
            if numeric and not (
                bound or match.group("lead") or _TARGET_VERB.match(text, match.end())
            ):
                continue  # 2024年,我局…: when something happened
            if numeric and not bound and _NAME_AFTER_YEAR.match(text, match.end()):
                continue  # 到2024年农贸市场提升改造计划: a year in a name
        if not year and not month and part in ("底", "末", "初", "内"):
            continue  # 底 / 初 / 内 alone belong to another word (彻底, 起初, 区内)
        if text[max(0, match.start() - 1) : match.start()] in ("第", "十", "《"):
            continue
        lead = match.group("lead")
        # 到2020年 keeps its 到; 争取 / 力争 / 于 are how the promise is put, not when.
        start = match.end("lead") if lead and lead[0] not in "到至" else match.start()
        end = match.end()
        if bound in ("完成", "建成", "实现"):
            end = match.start("bound")
        due = _resolve(match, reply)
        found.append((start, end, Deadline(due, "")))
    return found


def _within(text: str, reply: datetime.date | None) -> list[tuple[int, int, Deadline]]:
    found = []
    for match in _WITHIN.finditer(text):
        if text[max(0, match.start() - 1) : match.start()] in ("《", "“", "第"):
            continue
        count = _count(match.group("count"))
        if count is None or count <= 0:
            continue
        due = None
        if reply:
            unit = match.group("unit")
            if unit == "年":
                due = _add_months(reply, round(count * 12))
            elif unit == "个月":
                due = _add_months(reply, round(count))
            elif unit == "个工作日":
                due = reply + datetime.timedelta(days=-(-int(count) * 7 // 5))
            elif unit in ("星期", "个星期", "周"):
                due = reply + datetime.timedelta(weeks=count)
            else:
                due = reply + datetime.timedelta(days=count)
        found.append((match.start(), match.end(), Deadline(due, "")))
    return found


def _without_names(text: str) -> str:
    """The text with 《titles》 and quoted names blanked out, offsets kept."""
    return re.sub(r"《[^》]{0,60}》|“[^”]{0,40}”", lambda m: " " * len(m.group(0)), text)


def find_deadline(text: str, reply_date: datetime.date | str | None) -> Deadline | None:
    """The due date a promise states, or None when it states none."""
    if isinstance(reply_date, str):
        try:
            reply_date = datetime.date.fromisoformat(reply_date)
        except ValueError:
            reply_date = None
    searched = _without_names(normalise(text))
    within = _within(searched, reply_date)
    found = within + [
        item
        for item in _absolute(searched, reply_date)
        if not any(start <= item[0] < end for start, end, _ in within)  # 三年内 is not 年内
    ]
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    deadlines = [Deadline(d.date, text[start:end].strip()) for start, end, d in found]
    dated = [deadline for deadline in deadlines if deadline.date]
    return max(dated, key=lambda deadline: deadline.date) if dated else deadlines[-1]
