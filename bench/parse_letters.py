"""Parse the seed letter repeatedly on one core and print letters per second.

    .venv/bin/python bench/parse_letters.py [repetitions]

Target: at least 500 letters/second. Then the share of fields read right on the real letters
in ../shared/letters-real (bench/real_letters.py; target 97%), when that folder is there.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from real_letters import default_folder, score  # noqa: E402  (bench/ is the script's folder)

from commitments.letters import parse_letter  # noqa: E402

SEED = ROOT / "sample_data" / "reply-xinwu-2024-20.txt"


def main() -> None:
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    text = SEED.read_text(encoding="utf-8")
    parse_letter(text)  # warm up: compiled patterns, the traditional-character table
    started, started_cpu = time.perf_counter(), time.process_time()
    for _ in range(repetitions):
        parse_letter(text)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    # CPU time is the figure to compare: wall time also counts other processes on the core.
    print(
        f"{repetitions} letters: {repetitions / cpu:.0f} letters/second of CPU time "
        f"({repetitions / elapsed:.0f}/s wall clock, {cpu:.2f} s CPU, {elapsed:.2f} s wall)"
    )
    folder = default_folder()
    if (folder / "expected.json").exists():
        print(score(folder).line(f"real letters ({folder})"))
    else:
        print(f"real letters: none at {folder} (set LETTERS_REAL to score them)")


if __name__ == "__main__":
    main()
