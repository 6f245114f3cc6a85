"""requirements.lock is current and whole (issue 13, item 5: reproducible installs).

`make install` installs only the lock, with `pip install --require-hashes`. These checks read files only
(no network): every exact pin in requirements*.txt is in the lock at the same version, and every package
in the lock carries at least one sha256 hash. A failure here means: run `make lock` and commit the lock.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
REQUIREMENT_FILES = ("requirements.txt", "requirements-dev.txt")

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#\\]+)")
_HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}\b")


def _canonical(name: str) -> str:
    """PEP 503 normalised name: Authlib, authlib and py_yaml vs py-yaml compare equal."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _direct_pins() -> dict[str, tuple[str, str]]:
    """{canonical name: (version, file)} for every requirement line of requirements*.txt."""
    pins: dict[str, tuple[str, str]] = {}
    for filename in REQUIREMENT_FILES:
        for raw in (ROOT / filename).read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith(("-r ", "--requirement")):
                continue
            match = _PIN.match(line)
            assert match, f"{filename}: not an exact pin (name==version): {raw!r}"
            pins[_canonical(match.group(1))] = (match.group(2), filename)
    return pins


def _lock_entries() -> list[tuple[str, str, str]]:
    """[(canonical name, version, the entry's text)]: one per package, with its continuation lines."""
    entries: list[tuple[str, str, str]] = []
    for raw in LOCK.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if raw[:1].isspace():
            assert entries, f"requirements.lock: a continuation line before any package: {raw!r}"
            name, version, text = entries[-1]
            entries[-1] = (name, version, text + "\n" + stripped)
            continue
        match = _PIN.match(stripped)
        assert match, f"requirements.lock: not a pinned package line (options belong in pip's config): {raw!r}"
        entries.append((_canonical(match.group(1)), match.group(2), stripped))
    return entries


def test_lock_has_a_hash_for_every_package() -> None:
    entries = _lock_entries()
    assert len(entries) >= len(_direct_pins()), "the lock holds fewer packages than requirements*.txt pin"
    unhashed = [f"{name}=={version}" for name, version, text in entries if not _HASH.search(text)]
    assert not unhashed, f"requirements.lock: packages without --hash=sha256: {unhashed}; run `make lock`"
    names = [name for name, _, _ in entries]
    assert len(names) == len(set(names)), "requirements.lock: a package is listed twice"


def test_every_line_of_the_lock_is_a_pin_a_hash_or_a_comment() -> None:
    for number, raw in enumerate(LOCK.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pin_line = _PIN.match(line) is not None and line.endswith("\\")
        hash_line = _HASH.fullmatch(line.rstrip("\\").strip()) is not None
        assert pin_line or hash_line, f"requirements.lock:{number}: neither a hashed pin nor a hash: {raw!r}"


def test_every_direct_pin_is_in_the_lock_at_the_same_version() -> None:
    locked = {name: version for name, version, _ in _lock_entries()}
    problems = []
    for name, (version, filename) in sorted(_direct_pins().items()):
        if name not in locked:
            problems.append(f"{name}=={version} ({filename}) is missing from requirements.lock")
        elif locked[name] != version:
            problems.append(f"{name}=={version} ({filename}) is {locked[name]} in requirements.lock")
    assert not problems, "; ".join(problems) + "; run `make lock`, then `make test`, and commit both"


def test_the_lock_names_no_index_or_local_path() -> None:
    options = [line.strip() for line in LOCK.read_text(encoding="utf-8").splitlines() if line.strip().startswith("-")]
    named = [line for line in options if not _HASH.fullmatch(line.rstrip("\\").strip())]
    assert not named, f"requirements.lock names {named}: the index is pip's own configuration, not the lock's"
    for marker in ("file://", "http://", "https://", "/opt/"):
        assert marker not in LOCK.read_text(encoding="utf-8"), f"requirements.lock names a location ({marker})"
