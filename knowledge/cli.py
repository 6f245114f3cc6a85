"""`python -m knowledge assess CASE.json|-`: assess one case or a list of cases.

Prints the assessment (or a list of them) as JSON on standard output and exits 0. Any bad input
prints every problem on standard error, nothing on standard output, and exits 2; never a
traceback. In a list, each bad case is named by its position (1-based).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from knowledge.case import case_problems
from knowledge.engine import assess
from knowledge.errors import KnowledgeError, KnowledgeFileError
from knowledge.loader import load_knowledge

EXIT_BAD_INPUT = 2


class _InputError(Exception):
    """Strictly private: the input cannot be read as JSON cases."""


def _reject_constant(name: str) -> Any:
    msg = f"{name} is not a number a case can hold (JSON has no NaN or Infinity)"
    raise _InputError(msg)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            msg = f"finding '{key}' is given twice in one case; which value was meant?"
            raise _InputError(msg)
        out[key] = value
    return out


def _read(path: str) -> Any:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as err:
        msg = f"cannot read {path}: {err.strerror or err}"
        raise _InputError(msg) from err
    except UnicodeDecodeError as err:
        msg = f"{'standard input' if path == '-' else path} is not UTF-8 text"
        raise _InputError(msg) from err
    if not text.strip():
        msg = "the input is empty; expected a JSON object (one case) or a list of cases"
        raise _InputError(msg)
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        msg = f"the input is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        raise _InputError(msg) from err


def _assess_command(path: str) -> int:
    try:
        data = _read(path)
    except _InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    k = load_knowledge()
    single = isinstance(data, dict)
    if not single and not isinstance(data, list):
        print(f"error: expected a JSON object (one case) or a list of cases, not {type(data).__name__}", file=sys.stderr)
        return EXIT_BAD_INPUT
    cases = [data] if single else data
    bad = []
    for i, case in enumerate(cases, start=1):
        problems = case_problems(case, k)
        if problems:
            head = "case" if single else f"case {i}"
            bad.append(f"{head}: " + ("; ".join(str(p) for p in problems) if len(problems) == 1 else
                                      "\n  - " + "\n  - ".join(str(p) for p in problems)))
    if bad:
        n = sum(1 for b in bad)
        print(f"error: {n} bad case{'s' if n != 1 else ''}; nothing was assessed", file=sys.stderr)
        for line in bad:
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    results = [assess(c, k).to_dict() for c in cases]
    json.dump(results[0] if single else results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m knowledge`."""
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="Lower Back Lump Navigator knowledge module.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_assess = sub.add_parser("assess", help="assess a case (JSON object) or a list of cases")
    p_assess.add_argument("case", help="path to a JSON file, or - for standard input")
    sub.add_parser("version", help="print the knowledge version")
    args = parser.parse_args(argv)
    try:
        if args.command == "version":
            print(load_knowledge().version)
            return 0
        return _assess_command(args.case)
    except KnowledgeFileError as err:
        print(f"error: the knowledge files are broken: {err}", file=sys.stderr)
        return 1
    except KnowledgeError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
