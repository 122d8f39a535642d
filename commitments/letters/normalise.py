"""A matching copy of a letter that keeps every character at its original offset.

The parser matches against ``Document.norm`` (half-width punctuation, simplified characters,
one kind of space and line break) but returns slices of ``Document.original``, so that a
traditional-character or full-width letter comes back exactly as it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update({code: 0x20 for code in (0x09, 0xA0, 0x3000, 0xFEFF, 0x200B, 0x2060)})
_WIDTH_TABLE.update({code: 0x20 for code in range(0x2000, 0x200B)})
_WIDTH_TABLE.update({code: 0x0A for code in (0x0B, 0x0C, 0x85, 0x2028, 0x2029)})
# Small and lenticular brackets used for document numbers on some sites.
_WIDTH_TABLE.update({0xFE5D: "〔", 0xFE5E: "〕", 0xFE59: "(", 0xFE5A: ")"})
# Corner quotes are the traditional-text form of “”.
_WIDTH_TABLE.update({ord("「"): "“", ord("」"): "”", ord("『"): "“", ord("』"): "”"})

_WIDTH_CHARS = re.compile("[" + "".join(re.escape(chr(code)) for code in _WIDTH_TABLE) + "]")
_WIDTH_MAP = {chr(k): v if isinstance(v, str) else chr(v) for k, v in _WIDTH_TABLE.items()}
_CR_LF = re.compile(r"\r\n")


def _load_traditional_table() -> dict[int, str]:
    """Single-character traditional → simplified pairs from OpenCC's own dictionary."""
    try:
        import opencc

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        rows = path.read_text(encoding="utf-8").splitlines()
    except (ImportError, OSError):
        return {}
    table = {}
    for row in rows:
        parts = row.split()
        if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1 and parts[0] != parts[1]:
            table[ord(parts[0])] = parts[1]
    return table


_TRADITIONAL = _load_traditional_table()


def _char_class(codes) -> re.Pattern:
    chars = "".join(re.escape(chr(code)) for code in sorted(codes))
    return re.compile(f"[{chars}]" if chars else "(?!)")


# Searching a character class is far faster than walking the text through a set, but only
# while the class stays in the Basic Multilingual Plane; the few others are checked apart.
_TRADITIONAL_BMP = _char_class(code for code in _TRADITIONAL if code <= 0xFFFF)
_TRADITIONAL_ASTRAL = _char_class(code for code in _TRADITIONAL if code > 0xFFFF)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_converter = None


def _to_simplified(text: str) -> str:
    global _converter
    if not _TRADITIONAL_BMP.search(text) and not (
        _ASTRAL.search(text) and _TRADITIONAL_ASTRAL.search(text)
    ):
        return text
    try:
        if _converter is None:
            from opencc import OpenCC

            _converter = OpenCC("t2s")
        converted = _converter.convert(text)
    except Exception:  # the converter is a convenience; the char table below still works
        converted = ""
    if len(converted) == len(text):
        return converted
    # Phrase conversion changed a length: fall back to the 1:1 character table.
    return text.translate(_TRADITIONAL)


def normalise(text: str) -> str:
    """Return a same-length copy of ``text`` for matching."""
    text = _CR_LF.sub(" \n", text).replace("\r", "\n")
    # Only a few characters need mapping; substituting just those beats str.translate.
    text = _WIDTH_CHARS.sub(lambda match: _WIDTH_MAP[match.group()], text)
    return _to_simplified(text)


@dataclass(slots=True)
class Line:
    index: int
    start: int  # offset of the first non-space character in the document
    end: int  # offset just after the last non-space character
    text: str  # normalised, stripped
    debris: bool = False  # page furniture: menus, counters, footers
    link: bool = False  # 上一篇/下一篇 and similar: names other letters, never read


class Document:
    """The letter as received plus its normalised twin, split into non-empty lines."""

    def __init__(self, original: str):
        self.original = original
        self.norm = normalise(original)
        if len(self.norm) != len(original):  # defensive: offsets must line up
            self.norm = original
        self.lines: list[Line] = []
        pos = 0
        for raw in self.norm.split("\n"):
            stripped = raw.strip()
            if stripped:
                start = pos + len(raw) - len(raw.lstrip())
                self.lines.append(Line(len(self.lines), start, start + len(stripped), stripped))
            pos += len(raw) + 1

    def orig(self, start: int, end: int) -> str:
        """The original text between two document offsets, stripped."""
        return self.original[start:end].strip()

    def line_orig(self, line: Line, start: int = 0, end: int | None = None) -> str:
        """Original text of a line, optionally between offsets relative to the line."""
        stop = line.end if end is None else line.start + end
        return self.orig(line.start + start, stop)


class Joined:
    """Several lines read as one string (line breaks dropped), mapped back to the original."""

    def __init__(self, doc: Document, lines: list[Line]):
        self.doc = doc
        parts = []
        self.positions: list[int] = []
        for line in lines:
            parts.append(line.text)
            self.positions.extend(range(line.start, line.end))
        self.text = "".join(parts)

    def orig(self, start: int, end: int) -> str:
        chars = (self.doc.original[p] for p in self.positions[start:end])
        return "".join(chars).strip()

    def sub(self, start: int, end: int) -> Joined:
        """A view of part of this text."""
        view = Joined(self.doc, [])
        view.text = self.text[start:end]
        view.positions = self.positions[start:end]
        return view
