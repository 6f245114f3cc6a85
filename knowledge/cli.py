"""`python -m knowledge assess CASE.json|-`: assess one case or a list of cases.

Prints the assessment (or a list of them) as JSON on standard output and exits 0. Any bad input
prints every problem on standard error, nothing on standard output, and exits 2; never a
traceback. In a list, each bad case is named by its position (1-based), and each problem by its
finding id, quoted.

How it reads (so memory does not grow with the list):

- The input is read in chunks and parsed incrementally: the top-level list and each case object
  by this module, each key and each value by the standard library's decoder
  (`json.decoder.scanstring`, `json.JSONDecoder.raw_decode`), so only the case being read is in
  memory. One key or value may be at most `MAX_TOKEN_CHARS` characters.
- Pass 1 validates every case and keeps none of them: each valid case is written as one compact
  JSON line to a spool (`tempfile.SpooledTemporaryFile`: in memory up to `SPOOL_MEMORY_BYTES`,
  then an unnamed temporary file that is gone when closed). A bad case is reported on standard
  error as soon as it has been read, with all of its problems (at most `MAX_PROBLEMS_SHOWN`
  listed, then a count). If any case is bad, nothing is assessed and nothing goes to standard
  output: the contract says an error names each bad case, prints nothing on standard output and
  exits 2, and a stream that had already printed cases 1..k-1 could not keep that promise.
- Pass 2 reads the spool back one case at a time, assesses it, and writes it at once: `[`, each
  assessment, `]`, byte for byte what `json.dump(results, indent=2)` printed before. Numbers
  that JSON cannot carry (NaN, infinity: only broken knowledge makes them) are never printed: the
  command stops with exit 1 and a message; in a list, standard output then ends without its `]`,
  so no reader takes it for a whole answer.

JSON-level problems (NaN and Infinity literals, integers of more than `MAX_INT_DIGITS` digits,
keys given twice, empty keys, nesting too deep to read, text that is not UTF-8) are kept as
markers while reading and reported with their finding and case, beside every other problem of the
same case. Only an error of JSON syntax stops the reading, since nothing after it can be trusted:
the problems found before it are still reported, with the case and the line and column.
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from knowledge.case import _show, case_problems
from knowledge.engine import assess
from knowledge.errors import KnowledgeError, KnowledgeFileError
from knowledge.loader import Knowledge, load_knowledge

EXIT_BAD_INPUT = 2
EXIT_BROKEN_KNOWLEDGE = 1

CHUNK_CHARS = 1 << 16
"""How much text is read at a time."""
MAX_TOKEN_CHARS = 1 << 22
"""The longest one key or one value may be (4 Mi characters); a case is a few hundred."""
MAX_INT_DIGITS = 30
"""An integer with more digits is too large for any finding; it is never converted (Python refuses
more than 4,300 digits, and a float cannot hold more than about 308)."""
MAX_PROBLEMS_SHOWN = 50
"""Problems listed per case; the rest are counted."""
SPOOL_MEMORY_BYTES = 8 << 20
"""Validated cases kept in memory before the spool moves to an unnamed temporary file."""
MAX_NAME_CHARS = 80
"""How much of a finding id a message quotes."""

_LOOKAHEAD = 16  # longer than any literal (-Infinity) or escape (\\uXXXX) cut at a chunk's end
_WS = re.compile(r"[ \t\n\r]*")
_SPECIAL = re.compile(r'[\[\]{}"]')
_STRING_TAIL = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8


class _InputError(Exception):
    """Strictly private: the input cannot be read any further (message says where)."""


class _TooDeep(Exception):
    """Strictly private: a value nests deeper than the decoder can follow (it has been skipped)."""


# --- markers the decoder leaves in place of what a case cannot hold ----------------------------


@dataclass(frozen=True)
class _Unfit:
    """A JSON value that is read but can never be a finding's value (NaN, a huge integer)."""

    what: str
    problem: str


class _Object(dict[str, Any]):
    """A JSON object inside a value; remembers keys given twice and empty keys."""

    twice: set[str]

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.twice = set()
        for key, value in pairs:
            if key in self:
                self.twice.add(key)
            self[key] = value


def _constant(name: str) -> _Unfit:
    return _Unfit(name, f"{name} is not a number a case can hold (JSON has no NaN or Infinity)")


def _integer(text: str) -> int | _Unfit:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Unfit(f"an integer of {digits} digits", f"an integer of {digits} digits is far too large for any finding")
    return int(text)


_DECODER = json.JSONDecoder(parse_constant=_constant, parse_int=_integer, object_pairs_hook=_Object)


def _name(key: str) -> str:
    """A finding id as a message shows it: quoted, escaped (no line can be forged), capped."""
    shown = repr(key)
    if len(shown) > MAX_NAME_CHARS:
        shown = repr(key[: MAX_NAME_CHARS - 10]) + f"... ({len(key)} characters)"
    return shown


def _value_problems(value: Any) -> list[str]:
    """What JSON-level markers a value holds, found without recursion (it may nest deep)."""
    found: list[str] = []
    stack = [value]
    while stack and len(found) < 5:
        item = stack.pop()
        if isinstance(item, _Unfit):
            found.append(item.problem)
        elif isinstance(item, str):
            if _SURROGATE.search(item):
                found.append(f"the text {_show(item)} is not valid Unicode (a byte that is not UTF-8, or a lone surrogate)")
        elif isinstance(item, _Object):
            for key in sorted(item.twice):
                found.append(f"holds an object whose key {_name(key)} is given twice")
            if "" in item:
                found.append("holds an object with an empty key ''")
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return list(dict.fromkeys(found))


# --- the text, read in chunks --------------------------------------------------------------------


class _Text:
    """The input as a sliding text buffer: what has been consumed is dropped."""

    def __init__(self, source: IO[Any]) -> None:
        self._source = source
        self._binary = not isinstance(source.read(0), str)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line = 1  # line and column of buf[0]
        self._col = 1
        self.bad_utf8: str | None = None  # where the first byte that is not UTF-8 is

    def _read(self, n: int) -> str:
        if self.eof:
            return ""
        while True:
            raw = self._source.read(n)
            if not raw:
                self.eof = True
                return self._decoder.decode(b"", final=True) if self._binary else ""
            text = self._decoder.decode(raw) if self._binary else raw
            if text:
                return text

    def more(self, at_least: int = CHUNK_CHARS) -> bool:
        """Drop the consumed text, read more; False at the end of the input."""
        if self.pos:
            self._advance(self.pos)
        chunk = self._read(max(at_least, CHUNK_CHARS))
        if not chunk:
            return False
        if self.bad_utf8 is None:
            bad = _NOT_UTF8.search(chunk)
            if bad:
                self.bad_utf8 = self._where_in(self.buf + chunk, len(self.buf) + bad.start())
        self.buf += chunk
        return True

    def _advance(self, n: int) -> None:
        newlines = self.buf.count("\n", 0, n)
        if newlines:
            self._line += newlines
            self._col = n - self.buf.rfind("\n", 0, n)
        else:
            self._col += n
        self.buf = self.buf[n:]
        self.pos -= n

    def _where_in(self, buf: str, p: int) -> str:
        line = self._line + buf.count("\n", 0, p)
        last = buf.rfind("\n", 0, p)
        col = p - last if last >= 0 else self._col + p
        return f"line {line}, column {col}"

    def where(self, p: int | None = None) -> str:
        """Line and column of buf[p] (default: the current position)."""
        return self._where_in(self.buf, self.pos if p is None else p)

    def peek(self) -> str:
        """The next character after whitespace, or '' at the end of the input."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]  # matches ''
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def _may_go_on(self, err: json.JSONDecodeError) -> bool:
        """Could this decoding error be the end of the text read so far rather than bad JSON?"""
        return err.pos >= len(self.buf) - _LOOKAHEAD or err.msg.startswith("Unterminated string")

    def _grow(self) -> bool:
        pending = len(self.buf) - self.pos
        if pending >= MAX_TOKEN_CHARS:
            msg = f"a key or value longer than {MAX_TOKEN_CHARS:,} characters at {self.where()}; no case is that long"
            raise _InputError(msg)
        return self.more(pending)

    def key(self) -> str:
        """A JSON string at the current position (a key)."""
        while True:
            try:
                text, end = json.decoder.scanstring(self.buf, self.pos + 1, True)  # type: ignore[attr-defined]
            except json.JSONDecodeError as err:
                at = err.pos - self.pos  # _grow() may move the text in the buffer
                if self._may_go_on(err) and self._grow():
                    continue
                raise _InputError(f"not valid JSON: {err.msg} at {self.where(self.pos + at)}") from None
            length = end - self.pos  # _grow() may move the text in the buffer
            if len(self.buf) - end < _LOOKAHEAD and not self.eof and self._grow():
                continue
            self.pos += length
            return text

    def value(self) -> Any:
        """A JSON value at the current position. Raises _TooDeep (after skipping it) or _InputError."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:
                self._skip_nested()
                raise _TooDeep from None
            except json.JSONDecodeError as err:
                at = err.pos - self.pos  # _grow() may move the text in the buffer
                if self._may_go_on(err) and self._grow():
                    continue
                raise _InputError(f"not valid JSON: {err.msg} at {self.where(self.pos + at)}") from None
            except ValueError as err:  # not expected with the hooks above; never a traceback
                raise _InputError(f"not valid JSON: {err} at {self.where()}") from None
            # A token that ends near the end of the text read so far may go on in the next chunk
            # (a number: `1` then `2e5`): read on and decode it again.
            length = end - self.pos  # _grow() may move the text in the buffer
            if len(self.buf) - end < _LOOKAHEAD and not self.eof and self._grow():
                continue
            self.pos += length
            return value

    def _skip_nested(self) -> None:
        """Skip a list or object too deep to decode, without holding it: count brackets outside strings."""
        depth = 0
        i = self.pos
        while True:
            found = _SPECIAL.search(self.buf, i)
            if found is None:
                self.pos = len(self.buf)
                if not self.more():
                    raise _InputError(f"the input ends inside a value nested too deeply to read, at {self.where()}")
                i = self.pos
                continue
            if found.group() == '"':
                tail = _STRING_TAIL.match(self.buf, found.end())
                if tail is None:  # the string goes on in the next chunk
                    self.pos = found.start()
                    if not self._grow():
                        raise _InputError(f"unterminated string at {self.where()}")
                    i = self.pos
                    continue
                i = tail.end()
                continue
            i = found.end()
            depth += 1 if found.group() in "[{" else -1
            if depth <= 0:
                self.pos = i
                return


# --- one case ------------------------------------------------------------------------------------


@dataclass
class _CaseCheck:
    """Every problem of one case, gathered pair by pair as it is read."""

    k: Knowledge
    values: dict[str, Any] | None = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    count: int = 0
    times: dict[str, int] = field(default_factory=dict)

    def problem(self, text: str) -> None:
        self.count += 1
        self.values = None  # a bad case is never kept
        if len(self.problems) < MAX_PROBLEMS_SHOWN:
            self.problems.append(text)

    def pair(self, key: str, value: Any, too_deep: bool = False) -> None:
        self.times[key] = self.times.get(key, 0) + 1
        if self.times[key] > 1:
            self.values = None  # reported when the case ends, with the count
        name = _name(key)
        if key == "":
            self.problem(f"{name}: an empty finding id is not a finding (see the vocabulary for the ids)")
        elif _SURROGATE.search(key):
            self.problem(f"{name}: the finding id is not valid Unicode (a byte that is not UTF-8, or a lone surrogate)")
        elif key not in self.k.findings:
            if len(self.problems) < MAX_PROBLEMS_SHOWN:  # past that, spare the suggestions their time
                self.problem(f"{name}: " + "; ".join(p.problem for p in case_problems({key: None}, self.k)))
            else:
                self.problem("")
        if too_deep:
            self.problem(f"{name}: the value is nested too deeply to read (a finding's value is one number, text, true or false)")
            return
        marked = _value_problems(value)
        for text in marked:
            self.problem(f"{name}: {text}")
        if key in self.k.findings and not marked:
            for p in case_problems({key: value}, self.k):
                self.problem(f"{name}: {p.problem}")
        if self.values is not None:
            self.values[key] = value

    def finish(self) -> None:
        for key, n in self.times.items():
            if n > 1:
                said = "twice" if n == 2 else f"{n} times"
                self.problem(f"{_name(key)}: given {said} in one case; which value was meant?")

    def lines(self, label: str) -> list[str]:
        shown = [p for p in self.problems if p]
        hidden = self.count - len(shown)
        if hidden:
            shown.append(f"... and {hidden} more problem{'s' if hidden != 1 else ''} in this case")
        if len(shown) == 1:
            return [f"{label}: {shown[0]}"]
        return [f"{label}:"] + [f"  - {p}" for p in shown]


def _json_kind(value: Any) -> str:
    """What a JSON value is, in the words the command has always used (`not int`, `not str`)."""
    if isinstance(value, _Unfit):
        return value.what
    return {type(None): "null", _Object: "dict"}.get(type(value), type(value).__name__)


# --- pass 1: read and check everything -----------------------------------------------------------


@dataclass
class _Pass1:
    """The outcome of reading the whole input."""

    single: bool = False
    cases: int = 0
    bad_cases: int = 0
    fatal: str | None = None


def _read_object(text: _Text, check: _CaseCheck) -> None:
    """Read the object at text.pos ('{') into check. Raises _InputError on broken syntax."""
    text.pos += 1
    if text.peek() == "}":
        text.pos += 1
        return
    while True:
        c = text.peek()
        if c != '"':
            where = text.where()
            what = f"the input ends inside the case, at {where}" if not c else f"not valid JSON: expected a finding id in double quotes at {where}"
            raise _InputError(what)
        key = text.key()
        c = text.peek()
        if c != ":":
            what = f"the input ends inside the case, at {text.where()}" if not c else f"not valid JSON: expected ':' at {text.where()}"
            raise _InputError(f"{_name(key)}: {what}")
        text.pos += 1
        if not text.peek():
            raise _InputError(f"{_name(key)}: the input ends before the value, at {text.where()}")
        try:
            value = text.value()
        except _TooDeep:
            check.pair(key, None, too_deep=True)
        except _InputError as err:
            raise _InputError(f"{_name(key)}: the value is {err}") from None
        else:
            check.pair(key, value)
        c = text.peek()
        if c == ",":
            text.pos += 1
            continue
        if c == "}":
            text.pos += 1
            return
        what = f"the input ends inside the case, at {text.where()}" if not c else f"not valid JSON: expected ',' or '}}' at {text.where()}"
        raise _InputError(f"after the value of {_name(key)}: {what}")


def _read_case(text: _Text, k: Knowledge) -> _CaseCheck:
    """One case at text.pos (which is not whitespace). Raises _InputError with what was found so far."""
    check = _CaseCheck(k)
    if text.buf[text.pos] != "{":
        try:
            value = text.value()
        except _TooDeep:
            check.problem("a case must be a JSON object of finding: value, not a list nested too deeply to read")
            return check
        check.problem(f"a case must be a JSON object of finding: value, not {_json_kind(value)} {_show(value)}".rstrip())
        return check
    try:
        _read_object(text, check)
    except _InputError as err:
        check.finish()
        check.problem(str(err))
        raise _CaseBroken(check) from None
    check.finish()
    return check


class _CaseBroken(Exception):
    """Strictly private: a case whose syntax breaks; holds what was found before the break."""

    def __init__(self, check: _CaseCheck) -> None:
        super().__init__()
        self.check = check


def _report(label: str, check: _CaseCheck) -> None:
    for line in check.lines(label):
        print(line, file=sys.stderr)


def _pass1(text: _Text, k: Knowledge, spool: IO[str]) -> _Pass1:
    out = _Pass1()
    first = text.peek()
    if not first:
        out.fatal = "the input is empty; expected a JSON object (one case) or a list of cases"
        return out
    if first == "\ufeff":
        out.fatal = "the input starts with a byte-order mark (BOM); save it as UTF-8 without one"
        return out
    if first not in "{[":
        try:
            value = text.value()
        except (_InputError, _TooDeep) as err:
            said = str(err) or "not valid JSON: nested too deeply to read"
            out.fatal = f"the input is {said}" if said.startswith("not valid JSON") else said
            return out
        out.fatal = f"expected a JSON object (one case) or a list of cases, not {_json_kind(value)} {_show(value)}".rstrip()
        if text.peek():
            out.fatal += f"; and there is more text at {text.where()}"
        return out
    out.single = first == "{"
    for label, check in _cases(text, k, out):
        out.cases += 1
        if check.values is None or check.count:
            out.bad_cases += 1
            _report(label, check)
        elif not out.bad_cases:
            spool.write(json.dumps(check.values, allow_nan=False) + "\n")
    if out.fatal is None and text.peek():
        out.fatal = f"the input is not valid JSON: extra text after the {'case' if out.single else 'list'} at {text.where()}"
    return out


def _cases(text: _Text, k: Knowledge, out: _Pass1) -> Iterator[tuple[str, _CaseCheck]]:
    """Each case with its label; a syntax error sets out.fatal and ends the cases."""
    if out.single:
        try:
            yield "case", _read_case(text, k)
        except _CaseBroken as err:
            yield "case", err.check
            out.fatal = "the input could not be read to its end"
        return
    text.pos += 1  # '['
    if text.peek() == "]":
        text.pos += 1
        return
    i = 0
    while True:
        i += 1
        c = text.peek()
        if not c or c in ",]":
            what = f"the input ends at {text.where()}" if not c else f"expected a case at {text.where()}"
            out.fatal = f"the input is not valid JSON: {what} (case {i} of the list)"
            return
        try:
            check = _read_case(text, k)
        except _CaseBroken as err:
            yield f"case {i}", err.check
            out.fatal = f"the input could not be read after case {i}"
            return
        except _InputError as err:
            out.fatal = f"case {i}: {err}"
            return
        yield f"case {i}", check
        c = text.peek()
        if c == ",":
            text.pos += 1
            continue
        if c == "]":
            text.pos += 1
            return
        what = f"the input ends inside the list, at {text.where()}" if not c else f"expected ',' or ']' at {text.where()}"
        out.fatal = f"the input is not valid JSON: after case {i}: {what}"
        return


# --- pass 2: assess and write, one case at a time ------------------------------------------------


def _dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, allow_nan=False)


def _pass2(spool: IO[str], k: Knowledge, single: bool) -> int:
    spool.seek(0)
    out = sys.stdout
    written = 0
    for i, line in enumerate(spool, start=1):
        case = json.loads(line)
        try:
            text = _dumps(assess(case, k).to_dict())
        except ValueError:
            where = "the assessment" if single else f"the assessment of case {i}"
            print(f"error: {where} holds a number JSON cannot carry (NaN or infinity): the knowledge is broken; "
                  "standard output is incomplete", file=sys.stderr)
            return EXIT_BROKEN_KNOWLEDGE
        if single:
            out.write(text + "\n")
            return 0
        out.write(("[\n  " if not written else ",\n  ") + text.replace("\n", "\n  "))
        written += 1
    out.write("\n]\n" if written else "[]\n")
    return 0


def _open(path: str) -> IO[Any]:
    if path == "-":
        return getattr(sys.stdin, "buffer", sys.stdin)
    try:
        return open(path, "rb")  # closed by _assess_command
    except OSError as err:
        msg = f"cannot read {path}: {err.strerror or err}"
        raise _InputError(msg) from None


def _assess_command(path: str) -> int:
    k = load_knowledge()
    try:
        source = _open(path)
    except _InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES, mode="w+", encoding="utf-8") as spool:
            text = _Text(source)
            try:
                result = _pass1(text, k, spool)
            except _InputError as err:  # a key or value over the size limit
                result = _Pass1(fatal=str(err))
            except OSError as err:
                result = _Pass1(fatal=f"cannot read {path}: {err.strerror or err}")
            problems = []
            if text.bad_utf8:
                problems.append(f"the input is not UTF-8 text: the first byte that is not UTF-8 is at {text.bad_utf8}")
            if result.fatal:
                problems.append(result.fatal)
            if result.bad_cases:
                n, of = result.bad_cases, "" if result.single else f" of {result.cases}"
                problems.append(f"{n} bad case{'s' if n != 1 else ''}{of}; nothing was assessed")
            elif problems:
                problems.append("nothing was assessed")
            if problems:
                for line in problems:
                    print(f"error: {line}", file=sys.stderr)
                return EXIT_BAD_INPUT
            return _pass2(spool, k, result.single)
    finally:
        if source is not sys.stdin and source is not getattr(sys.stdin, "buffer", None):
            source.close()


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
        return EXIT_BROKEN_KNOWLEDGE
    except KnowledgeError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
