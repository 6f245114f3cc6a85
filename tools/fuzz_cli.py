"""Fuzz `python -m knowledge assess` in-process: never a traceback, every problem named.

    .venv/bin/python tools/fuzz_cli.py [N] [--seed S]

Builds N (default 20,000) JSON-ish inputs as bytes: valid cases; bad values (NaN, Infinity, integers
of 309 to 5,000 digits, 1e400, nesting up to 3,000 deep, text for numbers, ...); unknown, misspelt,
empty, very long, multi-line, non-UTF-8 and lone-surrogate keys; keys given twice; lists of up to 8
cases with non-objects among them; and byte-level mutations, truncations, BOMs, UTF-16 and random
bytes. Each input runs through `knowledge.cli.main(["assess", "-"])` in this process (no
subprocess, no network), with standard input, output and error replaced. Prints

    N inputs: tracebacks T, unnamed problems U

where a traceback is an exception escaping `main` or "Traceback" on standard error, and an unnamed
problem is a bad finding whose id (quoted) is not on standard error, a bad case whose position
("case k:") is not, or a line of standard error that says neither where nor what. A second line
counts contract breaches (wrong exit code, output on exit 2, output that is not strict JSON).
Exit status 0 when all three counts are 0, else 1. The test suite runs the same checks through
hypothesis (tests/knowledge/test_cli.py).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import random
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge import load_knowledge
from knowledge.cli import _name, main

# --- the pieces inputs are built from ------------------------------------------------------------

BAD_VALUES: tuple[bytes, ...] = (
    b"null", b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400",
    b"1" + b"0" * 309, b"-1" + b"0" * 400, b"9" * 4300, b"1" + b"0" * 4300, b"1" + b"0" * 5000,
    b'"yes"', b'"true"', b'"3"', b'"Male"', b'""', b"[]", b"{}", b"[NaN]", b'{"a": 1, "a": 2}', b'{"": 1}',
    b"[" * 50 + b"]" * 50, b"[" * 990 + b"]" * 990, b"[" * 3000 + b"]" * 3000, b'{"a":' * 1200 + b"1" + b"}" * 1200,
    b'"\\ud800"', b'"x\\ny"', b'"caf\xff"', b"-0.5", b"100000", b"0", b"2", b"1.5",
)

BAD_KEYS: tuple[str, ...] = (
    "", "zzz", "__proto__", "fevr", "FEVER", "leg_weaknes", "size cm", "x\ncase 2: ok", "k" * 5000,
    "fi\u00e9vre", "\ud800", "\udcff", "a\x00b", " fever", "fever ",
)


@dataclass
class Pair:
    """One `"key": value` of a case: the key as Python sees it, its JSON text, the value's text."""

    key: str
    key_text: bytes
    value_text: bytes
    good: bool


@dataclass
class Spec:
    """One input: a case, a list of cases (a case is a list of pairs, or the text of a non-object), or raw bytes."""

    kind: str  # "single" | "list" | "raw"
    cases: list[list[Pair] | bytes] = field(default_factory=list)
    raw: bytes = b""
    sep: bytes = b" "


def key_text(key: str) -> bytes:
    """A key as JSON text; a key holding surrogateescape'd bytes is written as those raw bytes."""
    if re.search("[\udc80-\udcff]", key):
        return b'"' + key.encode("utf-8", "surrogateescape") + b'"'
    return json.dumps(key).encode("ascii")


def good_values(finding) -> list[bytes]:
    """Value texts the vocabulary accepts for a finding."""
    if finding.type == "boolean":
        return [b"true", b"false"]
    if finding.type == "choice":
        return [json.dumps(v).encode() for v in finding.values]
    lo, hi = finding.min, finding.max
    mid = (lo + hi) / 2
    # the highest integer, and "1e1" when 10 is in the range or else the lowest integer in it (this was
    # "1" whatever the range, out of range for a finding whose minimum is above 1, such as the heart rate)
    return [repr(x).encode() for x in (lo, hi, mid, round(lo + (hi - lo) / 3, 3))] + [
        str(int(hi)).encode(), b"1e1" if lo <= 10 <= hi else str(math.ceil(lo)).encode()]


def build(spec: Spec) -> bytes:
    """The bytes of an input."""
    if spec.kind == "raw":
        return spec.raw
    sep = spec.sep

    def one(case: list[Pair] | bytes) -> bytes:
        if isinstance(case, bytes):
            return case
        return b"{" + (b"," + sep).join(p.key_text + b":" + sep + p.value_text for p in case) + b"}"

    if spec.kind == "single":
        return one(spec.cases[0])
    return b"[" + (b"," + sep).join(one(c) for c in spec.cases) + b"]"


# --- random inputs -------------------------------------------------------------------------------


def random_pair(rng: random.Random, k) -> Pair:
    ids = list(k.findings)
    key = rng.choice(ids) if rng.random() < 0.75 else rng.choice(BAD_KEYS)
    finding = k.findings.get(key)
    if finding is not None and rng.random() < 0.6:
        return Pair(key, key_text(key), rng.choice(good_values(finding)), True)
    value = rng.choice(BAD_VALUES)
    good = finding is not None and value in set(good_values(finding))
    if finding is not None and finding.type == "number" and value in (b"-0.5", b"100000", b"0", b"2", b"1.5"):
        good = finding.min <= float(value) <= finding.max
    return Pair(key, key_text(key), value, good)


def random_case(rng: random.Random, k, in_list: bool = True) -> list[Pair] | bytes:
    if rng.random() < 0.05:  # not an object (a list alone would be a list of cases)
        return rng.choice([b"3", b'"case"', b"null", b"NaN", b"true"] + ([b"[]", b"[" * 2000 + b"]" * 2000] if in_list else []))
    pairs = [random_pair(rng, k) for _ in range(rng.choice([0, 1, 2, 3, 5, 8]))]
    if pairs and rng.random() < 0.1:  # a key given twice
        twin = rng.choice(pairs)
        pairs.insert(rng.randrange(len(pairs) + 1), Pair(twin.key, twin.key_text, twin.value_text, twin.good))
    return pairs


def mutate(rng: random.Random, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        i = rng.randrange(len(data) + 1)
        if op < 0.3 and data:
            del data[min(i, len(data) - 1)]
        elif op < 0.6:
            data[i:i] = bytes([rng.choice(b'{}[]",:0123456789 ntfe-.\\\xff\x00\n')])
        elif data:
            data[min(i, len(data) - 1)] = rng.randrange(256)
    return bytes(data)


def random_spec(rng: random.Random, k) -> Spec:
    sep = rng.choice([b" ", b"", b"\n", b"\n  "])
    r = rng.random()
    if r < 0.45:
        return Spec("single", [random_case(rng, k, in_list=False)], sep=sep)
    if r < 0.8:
        return Spec("list", [random_case(rng, k) for _ in range(rng.randint(0, 8))], sep=sep)
    base = build(Spec("list" if rng.random() < 0.5 else "single", [random_case(rng, k) for _ in range(3)], sep=sep))
    choice = rng.random()
    if choice < 0.6:
        raw = mutate(rng, base)
    elif choice < 0.7:
        raw = base[: rng.randrange(len(base) + 1)]
    elif choice < 0.75:
        raw = b"\xef\xbb\xbf" + base
    elif choice < 0.8:
        raw = base.decode("utf-8", "surrogateescape").encode("utf-16", "surrogatepass")
    elif choice < 0.9:
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
    else:
        raw = rng.choice([b"", b"   ", b"42", b'"x"', b"[" * 100000, b"{" * 5000, b"[{}]" + b" x", b"{} {}", b"[[[[1]]]]"])
    return Spec("raw", raw=raw)


# --- running and judging -------------------------------------------------------------------------


@dataclass
class Run:
    rc: int | None
    out: str
    err: str
    exc: str | None


def run_cli(data: bytes) -> Run:
    """`python -m knowledge assess -` on these bytes, in this process."""
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    rc: int | None = None
    exc = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(["assess", "-"])
    except BaseException:  # counting what escapes is the point
        exc = traceback.format_exc()
    finally:
        sys.stdin = stdin
    return Run(rc, out.getvalue(), err.getvalue(), exc)


_LOCATED = re.compile(r"^(case( \d+)?: .|case( \d+)?:$|  - ['\"]|  - \.\.\. and \d+ more|  - .*line \d+, column \d+|error: )")
_GLOBAL = re.compile(
    r"^error: (\d+ bad cases?( of \d+)?; nothing was assessed|nothing was assessed|the input is empty|the input starts with a byte-order mark"
    r"|expected a JSON object \(one case\) or a list of cases|.*line \d+, column \d+|.*case \d+|the input could not be read)"
)


def _strict_json(text: str) -> bool:
    def refuse(name: str) -> None:
        raise ValueError(name)

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError:
        return False
    return True


def judge(spec: Spec, run: Run) -> tuple[bool, list[str], list[str]]:
    """(traceback?, unnamed problems, contract breaches) of one run."""
    crashed = run.exc is not None or "Traceback" in run.err
    unnamed: list[str] = []
    breaches: list[str] = []
    if crashed:
        return True, unnamed, breaches
    if run.rc == 0:
        if run.err or not _strict_json(run.out):
            breaches.append("exit 0 with stderr or without strict JSON on stdout")
    elif run.rc == 2:
        if run.out:
            breaches.append("exit 2 with output")
    else:
        breaches.append(f"exit {run.rc}")
    for line in run.err.splitlines():
        if not _LOCATED.match(line) or (line.startswith("error: ") and not _GLOBAL.match(line)):
            unnamed.append(f"line says neither where nor what: {line[:120]!r}")
    if spec.kind == "raw":
        return False, unnamed, breaches
    any_bad = False
    for i, case in enumerate(spec.cases, start=1):
        label = "case" if spec.kind == "single" else f"case {i}"
        names: list[str] = []
        if isinstance(case, bytes):
            bad = True
        else:
            seen: set[str] = set()
            for p in case:
                if p.key in seen or not p.good:
                    names.append(_name(p.key))
                seen.add(p.key)
            bad = bool(names)
        any_bad |= bad
        has_label = re.search(rf"^{re.escape(label)}:", run.err, re.MULTILINE) is not None
        if spec.kind == "single" and isinstance(case, bytes):  # not a case at all: said of the whole input
            has_label = re.search(r"^error: (expected a JSON object|the input is not valid JSON)", run.err, re.MULTILINE) is not None
        if bad and not has_label:
            unnamed.append(f"{label} is bad but not named")
        if not bad and has_label:
            breaches.append(f"{label} is good but reported")
        for name in names[:40]:
            if name not in run.err:
                unnamed.append(f"{label}: {name[:60]} not named")
    if run.rc != (2 if any_bad else 0):
        breaches.append(f"exit {run.rc}, expected {2 if any_bad else 0}")
    return False, unnamed, breaches


def main_fuzz(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=20000, help="how many inputs (default 20000)")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--show", type=int, default=3, help="print this many failing inputs of each kind")
    args = parser.parse_args(argv)
    k = load_knowledge()
    rng = random.Random(args.seed)  # noqa: S311 (reproducible test inputs)
    tracebacks = unnamed = breaches = 0
    shown = 0
    for _ in range(args.n):
        spec = random_spec(rng, k)
        data = build(spec)
        run = run_cli(data)
        crashed, missing, broken = judge(spec, run)
        tracebacks += crashed
        unnamed += bool(missing)
        breaches += bool(broken)
        if (crashed or missing or broken) and shown < args.show:
            shown += 1
            print(f"--- input {data[:200]!r}\n{run.exc or ''}{missing[:3]} {broken[:3]}\n{run.err[:400]}", file=sys.stderr)
    print(f"{args.n} inputs: tracebacks {tracebacks}, unnamed problems {unnamed}")
    print(f"contract breaches (exit code, output on exit 2, output that is not strict JSON): {breaches}")
    return 0 if tracebacks == unnamed == breaches == 0 else 1


if __name__ == "__main__":
    sys.exit(main_fuzz())
