"""The lock files every install reads agree with requirements*.txt: run `make lock` when not.

`make run`, `make test` and CI install only what requirements.lock and requirements-dev.lock
name, so a package added to requirements.txt but not locked would be missing everywhere.
"""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
FIX = "requirements*.txt and the lock files disagree: run `make lock`"
LOCKED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.M)


def requirements(name: str) -> dict[str, Requirement]:
    """The packages a requirements file asks for by name (`-r` includes followed)."""
    wanted = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r"):
            wanted.update(requirements(line[2:].strip()))
        elif line:
            requirement = Requirement(line)
            wanted[canonicalize_name(requirement.name)] = requirement
    return wanted


def locked(name: str) -> dict[str, tuple[str, str]]:
    """Each package of a lock file: (version, its pip-compile entry with hashes and `via`)."""
    text = (ROOT / name).read_text()
    starts = list(LOCKED.finditer(text))
    entries = {}
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        entry = text[match.start() : following.start() if following else len(text)]
        entries[canonicalize_name(match.group(1))] = (match.group(2), entry)
    return entries


def asked_for_by(entries, requirement_files) -> set[str]:
    """The packages a lock file holds because one of these files names them."""
    return {
        package
        for package, (_version, entry) in entries.items()
        if any(f"-r {file}" in entry for file in requirement_files)
    }


@pytest.mark.parametrize(
    ("lock_file", "requirement_files"),
    [
        ("requirements.lock", ["requirements.txt"]),
        ("requirements-dev.lock", ["requirements.txt", "requirements-dev.txt"]),
    ],
)
def test_lock_file_holds_exactly_the_packages_requirements_name(lock_file, requirement_files):
    wanted = requirements(requirement_files[-1])
    entries = locked(lock_file)

    assert sorted(set(wanted) - set(entries)) == [], f"not locked yet. {FIX}"
    assert sorted(asked_for_by(entries, requirement_files) - set(wanted)) == [], (
        f"no longer asked for. {FIX}"
    )
    outside_the_range = {
        package: version
        for package, (version, _entry) in entries.items()
        if package in wanted and not wanted[package].specifier.contains(version, prereleases=True)
    }
    assert outside_the_range == {}, f"locked outside the range asked for. {FIX}"
    assert all("--hash=sha256:" in entry for _version, entry in entries.values())


def test_development_installs_the_runtime_lock_versions():
    runtime = locked("requirements.lock")
    development = locked("requirements-dev.lock")

    differ = {
        package: (version, development.get(package, ("missing",))[0])
        for package, (version, _entry) in runtime.items()
        if development.get(package, (None,))[0] != version
    }
    assert differ == {}, f"the two lock files differ. {FIX}"
