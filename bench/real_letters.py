"""Score the parser on real published letters (../shared/letters-real), field by field.

    .venv/bin/python bench/real_letters.py [FOLDER] [-q]

The letters are official documents kept beside the repository, never inside it: FOLDER defaults
to $LETTERS_REAL, else ../shared/letters-real next to the clone. The comparison is the one
../shared/tools/score_letters.py makes through `manage.py parse_reply`, run in-process: number,
proposers, title, organisation, reply date, class and the number of commitments, each against
the alternatives in expected.json.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commitments.letters import parse_letter  # noqa: E402

FIELDS = ("number", "proposers", "title", "organisation", "reply_date", "category", "commitments")


def default_folder() -> Path:
    return Path(os.environ.get("LETTERS_REAL") or ROOT.parent / "shared" / "letters-real")


def _norm(value) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"[\s《》“”\"'「」『』()（）,，、。:：]", "", text)


def _same_number(got, want) -> bool:
    if want is None:
        return got in (None, "")
    if got is None:
        return False
    g, w = _norm(got), _norm(want)
    return int(g) == int(w) if g.isdigit() and w.isdigit() else g == w


def _contains_either(got, want) -> bool:
    g, w = _norm(got or ""), _norm(want)
    return bool(g) and (w in g or g in w) and min(len(g), len(w)) >= 0.6 * max(len(g), len(w))


def letter_text(path: Path) -> str:
    """The letter as copied from its page, without the three header lines of the folder."""
    text = path.read_text(encoding="utf-8")
    return text.split("\n\n", 1)[1] if text.startswith("SOURCE:") else text


def field_checks(got: dict, want: dict) -> dict[str, bool]:
    low, high = want["commitments"]
    return {
        "number": any(_same_number(got.get("number"), w) for w in want["number"]),
        "proposers": any(
            {_norm(p) for p in got.get("proposers") or []} == {_norm(p) for p in names}
            for names in want["proposers"]
        ),
        "title": any(_contains_either(got.get("title"), w) for w in want["title"]),
        "organisation": any(
            _contains_either(got.get("organisation"), w) for w in want["organisation"]
        ),
        "reply_date": got.get("reply_date") in want["reply_date"],
        "category": got.get("category") in want["category"],
        "commitments": low <= len(got.get("commitments") or []) <= high,
    }


@dataclass
class Score:
    right: int = 0
    total: int = 0
    crashes: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.share:.1%} of fields right ({self.right}/{self.total}), "
            f"{self.crashes} crashes"
        )


def score(folder: Path) -> Score:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = Score()
    for name, want in expected.items():
        if name.startswith("_"):
            continue
        got = parse_letter(letter_text(folder / name))
        result.total += len(FIELDS)
        if any("解析时出错" in w for w in got["warnings"]):
            result.crashes += 1
            result.misses[name] = ["crash"]
            continue
        checks = field_checks(got, want)
        result.right += sum(checks.values())
        missed = []
        for key, ok in checks.items():
            if not ok:
                value = got.get(key)
                missed.append(f"{key}={len(value) if key == 'commitments' else value!r}")
        if missed:
            result.misses[name] = missed
    return result


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    folder = Path(args[0]) if args else default_folder()
    if not (folder / "expected.json").exists():
        print(f"real letters: none at {folder} (set LETTERS_REAL)")
        return
    result = score(folder)
    if "-q" not in sys.argv:
        for name, missed in result.misses.items():
            print(f"{name}: miss {', '.join(missed)}")
    print(result.line(f"real letters ({folder.name})"))


if __name__ == "__main__":
    main()
