"""Dates as letters write them: 2024年7月23日, 2024-07-23, 二○一一年三月八日 — and garbled ones."""

from __future__ import annotations

import datetime
import re

_ZEROS = "〇○零OoΟ0"
_DIGITS = {ch: 0 for ch in _ZEROS}
_DIGITS.update({ch: i for i, ch in enumerate("一二三四五六七八九", start=1)})
_DIGITS.update({ch: i for i, ch in enumerate("壹贰叁肆伍陆柒捌玖", start=1)})
_DIGITS["两"] = 2
_CN = "〇○零OoΟ一二三四五六七八九十廿卅两"

_NUMERIC = re.compile(
    r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?|[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})(?!\d))"
)
_CHINESE = re.compile(
    rf"([{_CN}\d]{{4}})\s*年\s*([{_CN}\d]{{1,3}})\s*月\s*([{_CN}\d]{{1,3}})\s*[日号]"
)
# Anything that looks like it meant to be a date on a line of its own.
_DATE_ISH = re.compile(rf"[\d{_CN}\s年月日号./-]{{3,24}}")


def chinese_number(text: str) -> int | None:
    """1–99 written as 八, 十一, 二十三, 廿三 or plain digits; None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, units = text.partition("十")
        if len(tens) > 1 or len(units) > 1 or "十" in units:
            return None
        tens_value = _DIGITS.get(tens, -1) if tens else 1
        units_value = _DIGITS.get(units, -1) if units else 0
        if tens_value < 1 or units_value < 0:
            return None
        return tens_value * 10 + units_value
    if len(text) == 1 and text in _DIGITS:
        return _DIGITS[text]
    return None


def chinese_year(text: str) -> int | None:
    """A year written digit by digit: 二○一一, 2011, 二〇二四."""
    if len(text) != 4:
        return None
    value = 0
    for ch in text:
        digit = int(ch) if ch.isdigit() else _DIGITS.get(ch)
        if digit is None:
            return None
        value = value * 10 + digit
    return value


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or month is None or day is None or not 1990 <= year <= 2100:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str | None, re.Match | None]:
    """The first well-formed date in ``text`` as ISO, with its match (None, None if none)."""
    numeric = _NUMERIC.search(text)
    chinese = _CHINESE.search(text)
    match = min((m for m in (numeric, chinese) if m), key=lambda m: m.start(), default=None)
    if match is None:
        return None, None
    if match.re is _NUMERIC:
        year = int(match.group(1))
        month = int(match.group(2) or match.group(4))
        day = int(match.group(3) or match.group(5))
        return _iso(year, month, day), match
    return (
        _iso(
            chinese_year(match.group(1)),
            chinese_number(match.group(2)),
            chinese_number(match.group(3)),
        ),
        match,
    )


def compact_date(text: str) -> str | None:
    """A date whose separators the website lost (20221108, 2024619, 2023 614, 202285) when
    exactly one reading of the digits after the year is a real date."""
    digits = re.sub(r"[ ./-]", "", text.strip())
    match = re.fullmatch(r"((?:19|20)\d{2})(\d{2,4})", digits)
    if not match:
        return None
    year, rest = int(match.group(1)), match.group(2)
    readings = {
        iso
        for cut in range(1, len(rest))
        if len(rest[:cut]) <= 2
        and len(rest[cut:]) <= 2
        and (iso := _iso(year, int(rest[:cut]), int(rest[cut:])))
    }
    return readings.pop() if len(readings) == 1 else None


def looks_like_date(text: str) -> bool:
    """True for a whole string made of date characters (parsable or not): 2023 614, 512日."""
    if not _DATE_ISH.fullmatch(text):
        return False
    digits = sum(ch.isdigit() for ch in text)
    has_unit = any(unit in text for unit in "年月日")
    if has_unit:
        return digits >= 2 or any(ch in _CN for ch in text)
    return digits >= 6
