"""`python -m knowledge assess` end to end: JSON out and exit 0, or every problem on stderr and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(stdin: str | None = None, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "knowledge", "assess", *(args or ("-",))]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)


def assert_rejected(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr


def test_one_case_gives_one_assessment():
    """One case in gives one assessment object out, with the contract's fields."""
    proc = run('{"age_years": 34, "sex": "male", "location": "natal_cleft", "size_cm": 2, "tender": true, '
               '"erythema": true, "sinus_pits": true, "fever": false}')
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"knowledge_version", "causes", "triage", "red_flags", "workup"} <= set(out)
    assert out["causes"][0]["id"] == "pilonidal_disease"
    assert abs(sum(c["probability"] for c in out["causes"]) - 1) < 1e-4
    assert all({"step", "timing", "rationale", "source"} <= set(w) for w in out["workup"])


def test_list_gives_list_in_order():
    """A list of cases gives a list of assessments, one each, in order."""
    cases = [{"leg_weakness": True}, {}, {"reducible": True, "location": "flank"}]
    proc = run(json.dumps(cases))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [a["triage"] for a in out] == ["emergency", "routine", "routine"]
    assert out[2]["causes"][0]["id"] == "lumbar_hernia"


def test_file_argument(tmp_path):
    """A path to a JSON file works as well as standard input."""
    path = tmp_path / "case.json"
    path.write_text('{"saddle_anesthesia": true}', encoding="utf-8")
    proc = run(None, str(path))
    assert proc.returncode == 0 and json.loads(proc.stdout)["triage"] == "emergency"


@pytest.mark.parametrize(
    ("stdin", "fragments"),
    [
        ('{"leg_weaknes": true}', ["leg_weaknes", "did you mean 'leg_weakness'?"]),
        ('{"fever": "yes"}', ["fever", "true or false"]),
        ('{"sex": "M"}', ["sex", "is not one of"]),
        ('{"size_cm": 120}', ["size_cm", "above the 50 cm limit", "mm"]),
        ('{"size_cm": NaN}', ["NaN"]),
        ('{"size_cm": Infinity}', ["Infinity"]),
        ("not json", ["not valid JSON"]),
        ("", ["empty"]),
        ("42", ["not int"]),
        ('"case"', ["not str"]),
        ('{"fever": true, "fever": false}', ["given twice"]),
        ('{"fever": "yes", "size_cm": 0, "colour": "red"}', ["fever", "size_cm", "colour"]),
    ],
    ids=["misspelt", "wrong-type", "bad-choice", "mm-slip", "nan", "infinity", "not-json", "empty", "number", "string",
         "duplicate-key", "three-problems"],
)
def test_bad_input_rejected(stdin, fragments):
    """Each kind of bad input prints its problems on stderr, nothing on stdout, and exits 2."""
    assert_rejected(run(stdin), *fragments)


def test_bad_cases_in_list_named_by_position():
    """In a list, each bad case is named by its position and nothing is assessed."""
    proc = run(json.dumps([{"fever": True}, {"fever": "yes"}, {}, {"size_cm": -3}]))
    assert_rejected(proc, "case 2:", "case 4:", "2 bad cases")
    assert "case 1:" not in proc.stderr and "case 3:" not in proc.stderr


def test_list_of_non_objects():
    """A list holding something other than objects names that position."""
    assert_rejected(run("[{}, 3]"), "case 2:", "JSON object")


def test_missing_file():
    """A path that does not exist is a clear error, not a traceback."""
    assert_rejected(run(None, "/nonexistent/case.json"), "cannot read")


def test_broken_knowledge_is_reported(tmp_path, monkeypatch):
    """With a broken knowledge file the CLI names the file and entry and exits non-zero without a traceback."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "knowledge" / "data", data)
    text = (data / "red_flags.yaml").read_text(encoding="utf-8")
    (data / "red_flags.yaml").write_text(text.replace("level: warning", "level: caution", 1), encoding="utf-8")
    code = (
        "import sys, knowledge.loader as L; L.DATA_DIR = L.Path(sys.argv[1]); "
        "from knowledge.cli import main; sys.exit(main(['assess', '-']))"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(data)], input="{}", capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert proc.returncode == 1
    assert "red_flags.yaml" in proc.stderr and "level" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
