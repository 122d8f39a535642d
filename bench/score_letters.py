"""Score the letter parser against a folder of expected results, field by field.

    .venv/bin/python bench/score_letters.py tests/letters/holdout [-q]

Each NN-name.txt is parsed and compared with NN-name.json. Scalar fields, proposers and contact
must match exactly; measures and commitments count as three checks each (count, titles, texts).
Expected warnings (field keys such as "reply_date") are reported separately: each key must be
named in some warning the parser gave. Prints the misses per letter, then a per-field table and
the overall share of fields right.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commitments.letters import extract_text, parse_letter  # noqa: E402

EXACT_FIELDS = (
    "kind",
    "number",
    "session",
    "proposers",
    "title",
    "organisation",
    "reply_date",
    "published_date",
    "index_number",
    "document_number",
    "category",
    "signer",
    "contact",
)
LIST_FIELDS = ("measures", "commitments")


def compare(expected: dict, got: dict) -> dict[str, tuple[bool, object, object]]:
    """Map each scored field to (right, expected, got)."""
    checks: dict[str, tuple[bool, object, object]] = {}
    for field in EXACT_FIELDS:
        checks[field] = (expected[field] == got.get(field), expected[field], got.get(field))
    for field in LIST_FIELDS:
        want, have = expected[field], got.get(field) or []
        checks[f"{field}.count"] = (len(want) == len(have), len(want), len(have))
        for part in ("title", "text"):
            want_parts = [item[part] for item in want]
            have_parts = [item.get(part) for item in have]
            checks[f"{field}.{part}s"] = (want_parts == have_parts, want_parts, have_parts)
    return checks


def warning_fields(warnings: list[str]) -> set[str]:
    """Field keys of warnings written bare ("reply_date") or as the parser writes them."""
    return {match.group(1) for w in warnings if (match := re.match(r"\[?(\w+)", w))}


def warnings_right(expected: dict, got: dict) -> bool:
    return warning_fields(expected.get("warnings", [])) <= warning_fields(got.get("warnings", []))


def short(value: object, width: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "letters" / "holdout"
    quiet = "-q" in sys.argv[2:]
    right, total = Counter(), Counter()
    warn_right = warn_total = 0
    for letter in sorted(folder.glob("*.txt")):
        expected = json.loads(letter.with_suffix(".json").read_text(encoding="utf-8"))
        got = parse_letter(extract_text(letter.read_bytes(), letter.name))  # any encoding
        checks = compare(expected, got)
        misses = [(field, want, have) for field, (ok, want, have) in checks.items() if not ok]
        for field, (ok, _, _) in checks.items():
            total[field] += 1
            right[field] += ok
        warn_total += 1
        warned = warnings_right(expected, got)
        warn_right += warned
        print(f"{letter.stem}: {len(checks) - len(misses)}/{len(checks)}")
        if quiet:
            continue
        for field, want, have in misses:
            print(f"    {field}\n      want {short(want)}\n      got  {short(have)}")
        if not warned:
            print(f"    warnings: want {expected['warnings']} got {short(got.get('warnings'))}")
    print("\nper field:")
    for field in total:
        print(f"  {field:22} {right[field]:3}/{total[field]}")
    print(f"  {'(warnings named)':22} {warn_right:3}/{warn_total}")
    fields_right, fields = sum(right.values()), sum(total.values())
    print(f"\n{fields_right}/{fields} fields right: {100 * fields_right / max(fields, 1):.1f}%")


if __name__ == "__main__":
    main()
