"""Knowledge integrity (issue 13 item 1): the reliability review's reproducers as regression tests.

The knowledge refuses to load, with a message naming the file (and entry, field), unless it is whole
and sane: the manifest's file hashes and required ids, finite numbers in range, conditions that can
fire, ordered age bands, string ids, no YAML aliases or anchors, bounded files, and every decode,
recursion or key error turned into a KnowledgeFileError.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import knowledge
from knowledge import KnowledgeFileError, load_knowledge
from knowledge.loader import DATA_DIR, build_unchecked
from knowledge.manifest import MANIFEST, build, write

CES = {"saddle_anesthesia": True, "bladder_bowel_dysfunction": True, "leg_weakness": True}


def _edit(data: Path, file: str, old: str, new: str) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(data: Path, *fragments: str, manifest: bool = True) -> KnowledgeFileError:
    """Loading (with or without the manifest check) raises a KnowledgeFileError holding every fragment."""
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data) if manifest else build_unchecked(data)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return info.value


def test_committed_manifest_is_current():
    """If this fails after a reviewed data change, run `make knowledge-manifest` and commit it."""
    k = load_knowledge()
    committed = json.loads((DATA_DIR / MANIFEST).read_text(encoding="utf-8"))
    assert committed == build(DATA_DIR, k)
    assert set(committed["required_ids"]["red_flags"]) >= {"cauda_equina_syndrome", "mscc_neurological", "spinal_infection_suspected"}


# --- D1: an emptied or truncated rule file loads no more -----------------------------------------------


def test_emptied_red_flags_is_refused(data_copy):
    (data_copy / "red_flags.yaml").write_text("rules: []\n", encoding="utf-8")
    err = _refused(data_copy, "red_flags.yaml", MANIFEST)
    assert err.file == "red_flags.yaml"


def test_truncated_red_flags_is_refused_even_with_a_regenerated_hash(data_copy):
    """Truncated after its first rule: the hash catches it; and if someone rewrote only the hashes,
    the required ids still catch it."""
    text = (data_copy / "red_flags.yaml").read_text(encoding="utf-8")
    cut = text.index("  - id: mscc_neurological")
    (data_copy / "red_flags.yaml").write_text(text[:cut], encoding="utf-8")
    _refused(data_copy, "red_flags.yaml", "does not match")
    manifest = json.loads((data_copy / MANIFEST).read_text(encoding="utf-8"))
    from knowledge.manifest import file_hash
    manifest["files"]["red_flags.yaml"] = file_hash(data_copy / "red_flags.yaml")
    (data_copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _refused(data_copy, "required ids", "mscc_neurological")


def test_missing_manifest_is_refused(data_copy):
    (data_copy / MANIFEST).unlink()
    _refused(data_copy, MANIFEST, "not whole")


def test_a_reviewed_change_loads_after_the_manifest_is_written(data_copy):
    """The intended path: edit, review, `make knowledge-manifest`, load."""
    _edit(data_copy, "red_flags.yaml", "MRI of the lumbosacral spine within 4 hours of request (",
          "MRI of the lumbosacral spine within four hours of request (")
    _refused(data_copy, "does not match")
    write(data_copy)
    knowledge.clear_cache()
    k = load_knowledge(data_copy)
    assert knowledge.assess(CES, k).triage == "emergency"


# --- D7/D8: numbers finite and in range, conditions that can fire -------------------------------------


@pytest.mark.parametrize(("file", "old", "new", "fragments"), [
    ("causes.yaml", "prior: {infant: 8, child: 6, older_child: 6, young: 8, adult: 30, older: 30}",
     "prior: {infant: 8, child: 6, older_child: 6, young: 8, adult: .inf, older: 30}", ("causes.yaml", "lipoma", "prior")),
    ("causes.yaml", "prior: {infant: 8, child: 6, older_child: 6, young: 8, adult: 30, older: 30}",
     "prior: {infant: 8, child: 6, older_child: 6, young: 8, adult: 1e308, older: 30}", ("causes.yaml", "lipoma", "at most")),
    ("definitions.yaml", 'sarcoma_size_criterion: {size_cm: {">=": 5}}', 'sarcoma_size_criterion: {size_cm: {">=": .nan}}',
     ("definitions.yaml", "sarcoma_size_criterion", "finite")),
    ("definitions.yaml", "    at_least:\n      n: 2\n", "    at_least:\n      n: 9\n", ("definitions.yaml", "can never hold")),
    ("red_flags.yaml", "when: {ref: csf_leak_picture}", "when: {}", ("red_flags.yaml", "csf_leak", "empty condition")),
    ("causes.yaml", "{id: child, label: \"1 to 9 years\", below_years: 10,", "{id: child, label: \"1 to 9 years\", below_years: 0.5,",
     ("causes.yaml", "age_bands", "increase")),
    ("causes.yaml", "{id: young, label: \"13 to 29 years\", below_years: 30,", "{id: child, label: \"13 to 29 years\", below_years: 30,",
     ("causes.yaml", "age_bands", "unique")),
    ("causes.yaml", "{id: child, label: \"1 to 9 years\", below_years: 10,", "{id: child, label: \"1 to 9 years\", below_years: .nan,",
     ("causes.yaml", "below_years")),
    ("workup.yaml", "blood_tests: {label: \"Blood tests\", phase: 10}", "blood_tests: {label: \"Blood tests\", phase: true}",
     ("workup.yaml", "blood_tests", "phase")),
    ("findings.yaml", "  sex:\n", "  yes:\n", ("findings.yaml", "True", "word")),
    ("findings.yaml", "min: 0, max: 120, unit: years", "min: .nan, max: 120, unit: years", ("findings.yaml", "age_years")),
    ("causes.yaml", "      threshold: 0.3\n", "      threshold: .nan\n", ("causes.yaml", "threshold")),
    ("workup.yaml", "blood_tests: {label: \"Blood tests\", phase: 10}", "blood_tests: {label: \"Blood tests\", phase: 10, colour: red}",
     ("workup.yaml", "blood_tests", "steps")),
])
def test_insane_values_are_refused_by_validation(data_copy, file, old, new, fragments):
    """Named by the validation itself (before the manifest), so the message points at the entry."""
    _edit(data_copy, file, old, new)
    _refused(data_copy, *fragments, manifest=False)


def test_a_choice_with_too_many_values_is_refused(data_copy):
    values = ", ".join(f"v{i}" for i in range(150))
    _edit(data_copy, "findings.yaml", "values: [female, male],", f"values: [{values}],")
    _refused(data_copy, "findings.yaml", "sex", "at most", manifest=False)


# --- D12: every reading error is a KnowledgeFileError naming the file ---------------------------------


def test_an_alias_bomb_is_refused_fast(data_copy):
    bomb = "".join(f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]\n"
                   for i in range(1, 12))
    (data_copy / "definitions.yaml").write_text("l0: &l0 [lol]\n" + bomb + "definitions: {}\n", encoding="utf-8")
    _refused(data_copy, "definitions.yaml", "anchors", manifest=False)


def test_an_alias_is_refused(data_copy):
    _edit(data_copy, "definitions.yaml", "definitions:\n", "definitions:\n  x1: &a {fever: true}\n  x2: *a\n")
    _refused(data_copy, "definitions.yaml", "not allowed", manifest=False)


@pytest.mark.parametrize(("payload", "fragment"), [
    (b"definitions:\n  x: {fever: true}  # caf\xe9\n", "UTF-8"),
    (b"definitions:\n  ? [a, b]\n  : {fever: true}\n", "plain word"),
    (b"definitions:\n  x: " + b"[" * 5000 + b"]" * 5000 + b"\n", "definitions.yaml"),
])
def test_decode_key_and_nesting_errors_are_named(data_copy, payload, fragment):
    (data_copy / "definitions.yaml").write_bytes(payload)
    _refused(data_copy, "definitions.yaml", fragment, manifest=False)


def test_a_file_nested_a_million_deep_is_refused_not_crashed(data_copy):
    """The parse events are checked for depth before anything is built, so a file of a million nested
    lists (under the size limit) is a named error, never a stack overflow in the YAML composer."""
    (data_copy / "definitions.yaml").write_bytes(b"definitions:\n  x: " + b"[" * 900_000 + b"]" * 900_000 + b"\n")
    _refused(data_copy, "definitions.yaml", "nested more than", manifest=False)


def test_a_condition_nested_too_deeply_is_named(data_copy):
    deep = "{not: " * 3000 + "{fever: true}" + "}" * 3000
    _edit(data_copy, "definitions.yaml", "definitions:\n", f"definitions:\n  deep: {deep}\n")
    _refused(data_copy, "definitions.yaml", manifest=False)


def test_an_oversized_file_is_refused(data_copy):
    with (data_copy / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write("#" + "x" * (3 * 1024 * 1024) + "\n")
    _refused(data_copy, "sources.yaml", "larger than", manifest=False)


@pytest.mark.parametrize("text", ["<script>alert(1)</script>\n", "2026.11.1\nsecond line\n", "x" * 100 + "\n"])
def test_a_strange_version_is_refused(data_copy, text):
    (data_copy / "VERSION").write_text(text, encoding="utf-8")
    _refused(data_copy, "VERSION", manifest=False)


def test_the_pristine_knowledge_gives_finite_probabilities():
    a = knowledge.assess(CES)
    assert all(math.isfinite(p) for p in a.probabilities)
    assert a.triage == "emergency"
