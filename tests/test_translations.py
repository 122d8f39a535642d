"""Every interface string is translated: zh-hans (the default) and English."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {
    code: ROOT / "locale" / code / "LC_MESSAGES" / "django.po" for code in ("zh_Hans", "en")
}


def untranslated(path):
    catalogue = polib.pofile(str(path))
    return [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]


@pytest.mark.parametrize("code", CATALOGUES)
def test_catalogue_has_no_untranslated_entries(code):
    assert untranslated(CATALOGUES[code]) == []


def test_compiled_catalogues_are_current():
    for path in CATALOGUES.values():
        compiled = path.with_suffix(".mo")
        assert compiled.exists()
        assert compiled.stat().st_mtime >= path.stat().st_mtime - 1, f"run make messages: {path}"


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path):
    assert shutil.which("xgettext"), "GNU gettext is needed: apt-get install gettext"
    # Extract the strings from a copy of the sources, so the working tree is left alone.
    for name in ("commitments", "templates", "tracker", "locale", "manage.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "en", "-v", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    for code in CATALOGUES:
        missing = untranslated(tmp_path / "locale" / code / "LC_MESSAGES" / "django.po")
        assert missing == [], f"untranslated in {code}; run make messages and translate: {missing}"
