"""The parser on real published letters, kept outside the repository in ../shared/letters-real.

CI has a copy of shared/ beside the clone; without it these tests are skipped, never failed.
"""

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from commitments.letters import parse_letter

_SCORER = Path(__file__).resolve().parent.parent / "bench" / "real_letters.py"
_spec = importlib.util.spec_from_file_location("real_letters", _SCORER)
real_letters = sys.modules.setdefault("real_letters", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(real_letters)

FOLDER = real_letters.default_folder()
pytestmark = pytest.mark.skipif(
    not (FOLDER / "expected.json").exists(), reason=f"no real letters at {FOLDER}"
)


def expected() -> dict:
    data = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))
    return {name: want for name, want in data.items() if not name.startswith("_")}


def test_real_letters_are_read_at_least_97_percent_right_without_a_crash():
    score = real_letters.score(FOLDER)

    assert score.crashes == 0
    assert score.share >= 0.97, score.misses


def test_every_deadline_read_from_a_real_letter_is_one_it_states():
    for name, want in expected().items():
        result = parse_letter(real_letters.letter_text(FOLDER / name))
        phrases = {c["target_phrase"] for c in result["commitments"] if c["target_phrase"]}

        assert phrases <= set(want["deadlines"]), name
        for commitment in result["commitments"]:
            assert (commitment["target_date"] is None) == (commitment["target_phrase"] is None)


def test_letters_that_state_a_month_or_season_get_that_date():
    results = {
        name: parse_letter(real_letters.letter_text(FOLDER / name))
        for name in expected()
        if re.match(r"(04|13|19)_", name)
    }
    dates = {name[:2]: [c["target_date"] for c in r["commitments"]] for name, r in results.items()}

    assert "2021-12-31" in dates["04"]  # 争取年内, signed 13 July 2021
    assert "2025-11-30" in dates["13"]  # 整个工程预计11月份完成
    assert "2023-11-30" in dates["19"]  # 秋季将协同…
