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


# --- issue 13, item 3: never a traceback, every problem named (review probe 1, D9 and D11) ------------------------

_FUZZ_PATH = ROOT / "tools" / "fuzz_cli.py"


def _fuzz_module():
    """tools/fuzz_cli.py, imported by path (tools/ is not a package): its input pieces and its judge."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz_cli", _FUZZ_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_cli", module)
    spec.loader.exec_module(module)
    return sys.modules["fuzz_cli"]


fuzz = _fuzz_module()


def run_bytes(data: bytes):
    """The CLI on these bytes, in this process (fast enough for many examples)."""
    return fuzz.run_cli(data)


def assert_rejected_in_process(data: bytes | str, *fragments: str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    result = run_bytes(data)
    assert result.exc is None, result.exc
    assert result.rc == 2, result.err
    assert result.out == ""
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in result.err, result.err
    return result.err


@pytest.mark.parametrize(
    ("stdin", "fragments"),
    [
        ('{"zzz": 1' + "0" * 4300 + "}", ["'zzz'", "unknown finding", "4301 digits"]),
        ('{"size_cm": 1' + "0" * 400 + "}", ["'size_cm'", "401 digits"]),
        ('{"size_cm": 1' + "0" * 308 + "}", ["'size_cm'", "309 digits"]),
        ("[" * 990 + "]" * 990, ["case 1:", "nested too deeply"]),
        ("[" * 100_000, ["case 1:"]),
        ('{"size_cm": ' + "[" * 5000 + "]" * 5000 + ', "leg_weaknes": true}', ["'size_cm'", "nested too deeply", "'leg_weaknes'"]),
        ('{"a": ' * 3000 + "1" + "}" * 3000, ["'a'", "unknown finding"]),
    ],
    ids=["int-over-4300-digits-unknown-key", "int-400-digits", "int-309-digits", "nesting-990", "nesting-100000-open",
         "deep-value-then-typo", "deep-objects"],
)
def test_review_crash_reproducers_are_named_errors(stdin, fragments):
    """The review's three crash causes (D9): huge integers, 309-4,300-digit numbers, deep nesting: exit 2, named."""
    assert_rejected_in_process(stdin, *fragments)


def test_review_crash_reproducers_as_the_real_command():
    """The same three reproducers through `python -m knowledge assess -`: exit 2 and no traceback."""
    for stdin in ('{"zzz": 1' + "0" * 4300 + "}", '{"size_cm": 1' + "0" * 400 + "}", "[" * 990 + "]" * 990):
        assert_rejected(run(stdin), "case")


@pytest.mark.parametrize(
    ("stdin", "fragments", "absent"),
    [
        ('{"size_cm": NaN, "leg_weaknes": true}', ["'size_cm': NaN is not a number", "'leg_weaknes'", "did you mean 'leg_weakness'"], []),
        ('[{}, {"fever": true, "size_cm": NaN}]', ["case 2: 'size_cm': NaN", "1 bad case of 2"], ["case 1:"]),
        ('[{}, {"tender": true, "tender": false}]', ["case 2: 'tender': given twice"], ["case 1:"]),
        ('{"": true}', ["'': an empty finding id"], []),
        ('{"size_cm": Infinity, "fever": -Infinity}', ["'size_cm': Infinity", "'fever': -Infinity"], []),
        ('{"x\\ncase 2: ok": 1}', ["'x\\ncase 2: ok'"], ["\ncase 2: ok"]),
        ('{"fever": true, "fever": "yes", "sex": "M"}', ["'fever': given twice", "'fever': expects true or false", "'sex'"], []),
        ('{"consistency": {"a": 1, "a": 2, "": NaN}}', ["'consistency': holds an object whose key 'a' is given twice",
                                                        "'consistency': holds an object with an empty key", "'consistency': NaN"], []),
        ('[{"fever": true}, 3, {"zzz": NaN}, {}]', ["case 2: a case must be a JSON object", "case 3:", "'zzz': unknown finding",
                                                   "'zzz': NaN", "2 bad cases of 4"], ["case 1:", "case 4:"]),
    ],
    ids=["nan-and-typo", "nan-in-list", "duplicate-in-list", "empty-key", "infinities", "newline-key", "duplicate-and-bad-values",
         "nested-duplicate-and-empty-key", "list-mixed"],
)
def test_review_message_reproducers_name_finding_and_case(stdin, fragments, absent):
    """The review's D11 reproducers: each problem names its finding (quoted) and, in a list, its case; none hides another."""
    err = assert_rejected_in_process(stdin, *fragments)
    for fragment in absent:
        assert fragment not in err, err


def test_invalid_utf8_names_the_key_and_the_place():
    """Bytes that are not UTF-8 are reported with their line and column, and the finding they sit in."""
    err = assert_rejected_in_process(b'{"fever": true,\n "sex": "m\xe9le"}', "not UTF-8 text", "line 2, column", "'sex'")
    assert "\udce9" not in err  # escaped, never written raw


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xef\xbb\xbf{}", "byte-order mark"),
        (b"{} {}", "extra text after the case at line 1, column 4"),
        (b"[{}, {}", "the input ends inside the list"),
        (b'[{"fever": true}, {"fever": tru}]', "case 2: 'fever': the value is not valid JSON: Expecting value at line 1, column 29"),
        (b"null", "not null"),
        (b"NaN", "not NaN"),
        (b"[{},]", "expected a case at line 1, column 5"),
        (b'{"fever": true,}', "expected a finding id in double quotes at line 1, column 16"),
        (b'{"leg_weaknes": true, "fever": tru}', "'leg_weaknes'"),
    ],
    ids=["bom", "extra-data", "unclosed-list", "syntax-in-case-2", "null", "nan-alone", "trailing-comma-list",
         "trailing-comma-case", "problems-before-a-syntax-error"],
)
def test_not_json_says_where(data, fragment):
    """Broken JSON says where (case, finding, line and column); what was found before the break is still reported."""
    assert_rejected_in_process(data, fragment)


def test_large_values_are_capped_in_messages():
    """A 1 MB text value or key is not echoed back whole; suggestions skip long keys."""
    err = assert_rejected_in_process('{"sex": "' + "m" * 1_000_000 + '", "' + "k" * 100_000 + '": true}', "'sex'", "characters")
    assert len(err) < 2000


def test_many_problems_in_one_case_are_counted():
    """Past 50 problems in one case the rest are counted, not listed (10,000 unknown keys stay fast)."""
    case = "{" + ", ".join(f'"unknown_{i}": true' for i in range(10_000)) + "}"
    err = assert_rejected_in_process(case, "'unknown_0'", "and 9950 more problems in this case")
    assert err.count("\n") < 60


def test_output_is_strict_json_and_identical_to_a_whole_dump():
    """Good input: exit 0, nothing on stderr, and the stream is byte for byte json.dump(results, indent=2) + newline."""
    import knowledge

    cases = [{"leg_weakness": True}, {}, {"reducible": True, "location": "flank"}, {"size_cm": 1e1, "age_years": 120}]
    for data in (cases, cases[:1], [], cases[0]):
        result = run_bytes(json.dumps(data).encode())
        assert result.exc is None and result.rc == 0 and result.err == "", result.err
        if isinstance(data, list):
            expected = json.dumps([knowledge.assess(c).to_dict() for c in data], indent=2) + "\n"
        else:
            expected = json.dumps(knowledge.assess(data).to_dict(), indent=2) + "\n"
        assert result.out == expected
        json.loads(result.out, parse_constant=lambda name: pytest.fail(f"{name} in the output"))


def test_nan_from_broken_knowledge_is_never_printed(monkeypatch):
    """If the engine ever yields NaN (a broken prior), the command refuses to print it: exit 1, a message, no NaN."""
    import knowledge.cli as cli

    class Broken:
        def to_dict(self):
            return {"causes": [{"id": "x", "probability": float("nan")}]}

    monkeypatch.setattr(cli, "assess", lambda case, k: Broken())
    for data in (b"{}", b"[{}, {}]"):
        result = run_bytes(data)
        assert result.exc is None and result.rc == 1
        assert "NaN" not in result.out and "cannot carry" in result.err


def test_long_list_is_streamed_in_bounded_memory(monkeypatch):
    """A long list is written one assessment at a time: the memory of the run does not grow with the list."""
    import tracemalloc

    import knowledge.cli as cli

    class Small:
        def __init__(self, case):
            self.case = case

        def to_dict(self):
            return {"case": self.case, "padding": "x" * 2000}

    monkeypatch.setattr(cli, "assess", lambda case, k: Small(case))

    def peak(n: int) -> int:
        data = ("[" + ", ".join(['{"fever": true, "size_cm": 2}'] * n) + "]").encode()
        sink = _CountingSink()
        stdin = sys.stdin
        sys.stdin = __import__("io").TextIOWrapper(__import__("io").BytesIO(data), encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", sink)
        tracemalloc.start()
        try:
            assert cli.main(["assess", "-"]) == 0
            _, top = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            sys.stdin = stdin
            monkeypatch.undo()
            monkeypatch.setattr(cli, "assess", lambda case, k: Small(case))
        assert sink.items == n
        return top - len(data) * 2  # the input itself, held by the test, is not the command's

    small, large = peak(1_000), peak(10_000)
    assert large < small + 2_000_000, (small, large)  # 9,000 more assessments of 2 kB would be 18 MB


class _CountingSink:
    """A stdout that counts assessments and keeps nothing."""

    def __init__(self) -> None:
        self.items = 0

    def write(self, text: str) -> int:
        self.items += text.count('"padding"')
        return len(text)

    def flush(self) -> None:
        pass


def test_case_problems_never_raises_on_huge_ints(kb):
    """The shared validator (also the app's) compares ints of any size without float overflow (review root cause 2)."""
    from knowledge import case_problems

    for value in (10**400, -(10**400), 10**5000, 10**308):
        problems = case_problems({"size_cm": value, "fever": value, "sex": value}, kb)
        assert {p.finding for p in problems} == {"size_cm", "fever", "sex"}
        assert all(len(p.problem) < 200 for p in problems)


# --- fuzz: hypothesis over JSON-ish text, in process ---------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import knowledge as _knowledge  # noqa: E402

_KB = _knowledge.load_knowledge()
_IDS = sorted(_KB.findings)


@st.composite
def _pairs(draw):
    bad_key = st.one_of(st.sampled_from(fuzz.BAD_KEYS), st.text(max_size=12))
    key = draw(st.sampled_from(_IDS)) if draw(st.integers(0, 3)) else draw(bad_key)
    finding = _KB.findings.get(key)
    if finding is not None and draw(st.booleans()):
        return fuzz.Pair(key, fuzz.key_text(key), draw(st.sampled_from(fuzz.good_values(finding))), True)
    if draw(st.integers(0, 4)):
        value = draw(st.sampled_from(fuzz.BAD_VALUES))
    else:  # any JSON-ish scalar text
        value = draw(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8)).map(
            lambda v: json.dumps(v).encode()))
    good = False
    if finding is not None:
        try:
            good = not _knowledge.case_problems({key: json.loads(value)}, _KB)
        except (ValueError, RecursionError):  # huge or deep: never good
            good = False
    return fuzz.Pair(key, fuzz.key_text(key), value, good)


_case = st.one_of(
    st.lists(_pairs(), max_size=6).flatmap(
        lambda ps: st.just(ps) if not ps else st.sampled_from([ps, [*ps, ps[0]]])),  # sometimes a key given twice
    st.sampled_from([b"3", b"null", b'"x"', b"[]", b"NaN", b"[" * 1500 + b"]" * 1500]),
)


@st.composite
def _specs(draw):
    sep = draw(st.sampled_from([b"", b" ", b"\n  "]))
    kind = draw(st.sampled_from(["single", "list", "raw"]))
    if kind == "single":
        case = draw(_case.filter(lambda c: not (isinstance(c, bytes) and c.startswith(b"["))))
        return fuzz.Spec("single", [case], sep=sep)
    cases = draw(st.lists(_case, max_size=5))
    spec = fuzz.Spec("list", cases, sep=sep)
    if kind == "list":
        return spec
    data = fuzz.build(spec)
    cut = draw(st.integers(0, len(data)))
    junk = draw(st.binary(max_size=4))
    return fuzz.Spec("raw", raw=data[:cut] + junk + data[cut + draw(st.integers(0, 3)):])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_specs())
def test_fuzz_never_a_traceback_and_every_problem_named(spec):
    """Any JSON-ish text: no exception escapes, no traceback, the right exit code, and every problem names its finding or place."""
    result = run_bytes(fuzz.build(spec))
    crashed, unnamed, breaches = fuzz.judge(spec, result)
    assert not crashed, result.exc or result.err
    assert not unnamed, (unnamed, result.err)
    assert not breaches, (breaches, result.err)
