"""The small declarative condition language of red-flag and workup rules, compiled to closures.

A condition is a YAML mapping. Each key is either a finding id or an operator; several keys in
one mapping must all hold.

    {saddle_anesthesia: true}                 a yes/no finding is known and equal
    {location: {in: [midline_lumbar, midline_sacral]}}
    {size_cm: {">=": 5}}                      comparisons: ==, !=, <, <=, >, >=, in
    {all: [c1, c2]}, {any: [c1, c2]}, {not: c}
    {known: depth}, {unknown: depth}          whether a finding was examined at all
    {at_least: {n: 2, of: [c1, c2, c3]}}      at least n of the conditions hold
    {probability: {cause: metastasis, ">=": 0.2}}   the ranking's estimate for a cause
    {probability: {cause: cant_miss, ">=": 0.2}}    ...or for all can't-miss causes together
    {probability: {cause: top, "<": 0.6}}           ...or for the most likely cause, whichever it is
    {alarm: spinal_tumor_or_cyst}             that cause's can't-miss alarm fired (workup rules only)
    {ref: inflamed}                           a named condition of definitions.yaml

A comparison on a finding that was not examined is false: unknown is never taken as "no".
`alarm` is read only by a workup rule's own `when`: the alarms are decided after the red flags and
the named conditions, so the plan can carry out what a fired alarm says to do.
`not` is plain logical negation, so write `{fever: false}` for "fever asked and absent".

Each condition compiles to one Python expression, and each rule and named condition to one
function (`v` the case values, `p` the ranking, `c` the Context), so a rule costs one call however
deep its tree. Finding ids, choices and numbers enter the source only through `repr` of values the
compiler has checked against the vocabulary, and `in` lists as named constants.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import yaml

from knowledge.errors import KnowledgeFileError
from knowledge.schema import Finding

Values = Mapping[str, Any]
Probs = Mapping[str, float]


class Context:
    """What a condition reads: the case values, the ranking, and a memo of named conditions.

    One Context serves every rule of one assessment, so a named condition used by many rules is
    evaluated once.
    """

    __slots__ = ("a", "memo", "p", "v")

    def __init__(self, values: Values, probs: Probs, alarms: frozenset[str] = frozenset()) -> None:
        self.v = values
        self.p = probs
        self.memo: dict[str, bool] = {}
        self.a = alarms
        """The causes whose can't-miss alarm fired (set by the engine before the workup rules run)."""


Predicate = Callable[[Context], bool]
Scan = Callable[[Context, int], list[int]]
"""A whole file's rules tested in one call (`Compiler.compile_scan`): (context, known-findings mask) -> positions that fired."""


def scan_nothing(c: Context, known: int) -> list[int]:
    """The scan of a file with no rules."""
    return []

_COMPARE = ("==", "!=", "<", "<=", ">", ">=")
"""The comparisons of the language; each is written into the generated source as the same Python operator."""
_OPERATORS = ("all", "any", "not", "known", "unknown", "at_least", "probability", "alarm", "ref")
CANT_MISS = "cant_miss"
"""The pseudo-cause id that stands for all can't-miss causes together in `probability`."""
TOP = "top"
"""The pseudo-cause id that stands for the most likely cause, whichever it is, in `probability`."""


def needed_findings(cond: Any, definitions: Mapping[str, Any], _memo: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """The findings that must be examined for the condition to hold (a static, sound bound).

    A comparison on a finding that was not examined is false, so `all` needs the union of what its
    parts need, `any` (and `at_least`) the intersection, and `not`, `unknown`, `probability` and
    `alarm` need nothing. The engine skips a rule whose needed findings are not all in the case.
    Call only on conditions that compiled (the compiler reports malformed ones).
    """
    memo = {} if _memo is None else _memo
    if not isinstance(cond, Mapping) or not cond:
        return frozenset()
    parts = []
    for key, arg in cond.items():
        if key == "all":
            parts.append(frozenset().union(*(needed_findings(c, definitions, memo) for c in arg)))
        elif key in ("any", "at_least"):
            children = [needed_findings(c, definitions, memo) for c in (arg if key == "any" else arg["of"])]
            parts.append(frozenset.intersection(*children) if children else frozenset())
        elif key in ("not", "unknown", "probability", "alarm"):
            parts.append(frozenset())
        elif key == "known":
            parts.append(frozenset({arg}))
        elif key == "ref":
            if arg not in memo:
                memo[arg] = needed_findings(definitions[arg], definitions, memo)
            parts.append(memo[arg])
        else:  # a finding comparison
            parts.append(frozenset({key}))
    return frozenset().union(*parts)


def one_of_findings(cond: Any, definitions: Mapping[str, Any], _memo: dict[str, frozenset[str] | None] | None = None,
                    ) -> frozenset[str] | None:
    """A set of findings at least one of which must be examined for the condition to hold, or None when
    the condition can hold with none examined (`not`, `unknown`, `probability`, `alarm`, an empty condition).

    A sound bound, like `needed_findings`, for the conditions that bound does not help: `any` needs
    nothing in particular, but it needs one of its parts' findings. A finding test holds only if the
    finding was examined; `all` holds only if each part does, so any part's set will do (the smallest
    is kept); `any` and `at_least` hold only if some part does, so the union, when every part has one.
    Call only on conditions that compiled.
    """
    memo = {} if _memo is None else _memo
    if not isinstance(cond, Mapping) or not cond:
        return None
    best: frozenset[str] | None = None
    for key, arg in cond.items():  # the keys of one mapping must all hold: like `all`
        if key == "all":
            part = _smallest([one_of_findings(c, definitions, memo) for c in arg])
        elif key in ("any", "at_least"):
            children = [one_of_findings(c, definitions, memo) for c in (arg if key == "any" else arg["of"])]
            part = None if any(c is None for c in children) else frozenset().union(*children)  # type: ignore[arg-type]
        elif key in ("not", "unknown", "probability", "alarm"):
            part = None
        elif key == "known":
            part = frozenset({arg})
        elif key == "ref":
            if arg not in memo:
                memo[arg] = one_of_findings(definitions[arg], definitions, memo)
            part = memo[arg]
        else:  # a finding comparison
            part = frozenset({key})
        best = _smallest([best, part])
    return best


def _smallest(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    known = [s for s in sets if s is not None]
    return min(known, key=lambda s: (len(s), sorted(s))) if known else None


class Compiler:
    """Compiles conditions of one file against the vocabulary and the cause list."""

    def __init__(
        self,
        file: str,
        findings: Mapping[str, Finding],
        causes: set[str],
        definitions: Mapping[str, Any] | None = None,
        definitions_file: str = "definitions.yaml",
    ) -> None:
        self.file = file
        self.findings = findings
        self.causes = causes | {CANT_MISS, TOP}
        self.definitions = definitions or {}
        self.definitions_file = definitions_file
        self._compiled_refs: dict[str, tuple[Predicate, frozenset[str]]] = {}
        self._ref_function: dict[str, str] = {}
        """Each compiled named condition's function name in the generated code's namespace."""
        self._namespace: dict[str, Any] = {"__builtins__": {}}
        """The globals of every generated function: the named conditions' functions and `in` lists."""
        self._constant_ids = itertools.count()
        self._compiling: list[str] = []
        self._expressions: dict[tuple[str, str], str] = {}
        """Each rule's compiled expression, by (file, entry), for `compile_scan`."""
        self.number_constants: dict[str, set[float]] = {}
        """Every constant a number finding is compared with (for the 'not yet asked' trial answers)."""
        self.alarm_causes: frozenset[str] | None = None
        """The causes that carry an alarm, while workup rules are compiled; None elsewhere (red flags and
        named conditions are decided before the alarms, so they may not read them)."""

    def compiled_refs(self) -> Mapping[str, tuple[Predicate, frozenset[str]]]:
        """Every named condition compiled so far, with the findings it reads."""
        return dict(self._compiled_refs)

    def compile_ref(self, name: str) -> tuple[Predicate, frozenset[str]]:
        """Compile a named condition of definitions.yaml once; errors name that file. Its function
        keeps its value in the Context's memo, so rules that share it evaluate it once per case."""
        if name in self._compiled_refs:
            return self._compiled_refs[name]
        self._ref_source(name)
        return self._compiled_refs[name]

    def compile(self, cond: Any, entry: str, path: str = "when", *, allow_always: bool = False,
                scanned: bool = True) -> tuple[Predicate, frozenset[str]]:
        """Return the predicate and the set of finding ids the condition reads.

        An empty condition would always hold: it is refused, except where the caller allows it (a
        workup fallback, which applies only when nothing else did). `scanned`: the condition is the rule's
        own, which `compile_scan` writes into the file's scan (a step's condition is not)."""
        expr, reads = self._expr(cond, entry, path, allow_always)
        if scanned:
            self._expressions[(self.file, entry)] = expr
        source = f"def test(c):\n    v = c.v\n    p = c.p\n    memo = c.memo\n    return {expr}\n"
        return self._define(source, "test", entry, path, keep=False), reads

    def compile_scan(self, rules: list[tuple[str, int, int]]) -> Scan:
        """One function that tests, in order, rules of the current file already compiled with `compile`:
        `scan(c, known_mask)` returns the positions (in `rules`) of those whose condition holds. Each
        rule is given as (entry, needs_mask, one_of_mask): the bits of `needed_findings` (all examined)
        and, when that is empty, of `one_of_findings` (at least one examined); a rule whose bound fails
        cannot hold and is not evaluated.

        It is the same expressions as the rules' own `test` functions, written one after the other in
        one function, so a case pays one call for the whole file instead of one per rule."""
        # Rules are grouped under one test of a bit they all need (the lowest bit of their needed
        # findings), or of the one-of mask they share, so a case pays one test per group rather than
        # one per rule; the hits are sorted back into file order at the end.
        groups: dict[str, list[str]] = {}
        for i, (entry, mask, one_of) in enumerate(rules):
            expr = self._expressions[(self.file, entry)]
            if mask:
                anchor = mask & -mask
                outer = f"known & {anchor}"
                inner = f"(known & {mask}) == {mask} and " if mask != anchor else ""
            else:
                outer = f"known & {one_of}" if one_of else ""
                inner = ""
            groups.setdefault(outer, []).append(f"if {inner}({expr}):\n    hit({i})")
        lines = ["def scan(c, known):", "    v = c.v", "    p = c.p", "    memo = c.memo", "    hits = []", "    hit = hits.append"]
        for outer, tests in groups.items():
            indent = "    "
            if outer:
                lines.append(f"    if {outer}:")
                indent = "        "
            lines.extend(indent + line.replace("\n", "\n" + indent) for line in tests)
        lines.append("    hits.sort()")
        lines.append("    return hits")
        scan: Scan = self._define("\n".join(lines) + "\n", "scan", "(all rules)", "when", keep=False)  # type: ignore[assignment]
        return scan

    # Strictly private helpers below.

    def _define(self, source: str, name: str, entry: str, path: str, *, keep: bool) -> Predicate:
        """Compile one generated function in the shared namespace, left there when other functions call
        it by name (`keep`: a named condition) and taken out otherwise (a rule's own test); too deep a
        condition is a named error."""
        try:
            code = compile(source, f"<{self.file}: {entry}>", "exec")
        except (RecursionError, MemoryError, SyntaxError) as err:
            raise KnowledgeFileError(self.file, entry, path, "the condition is nested too deeply") from err
        exec(code, self._namespace)  # noqa: S102 - source built only from checked ids and values (module docstring)
        fn: Predicate = self._namespace[name] if keep else self._namespace.pop(name)
        return fn

    def _ref_source(self, name: str) -> str:
        """The expression that calls a named condition's function (compiling it the first time)."""
        if name in self._ref_function:
            return self._ref_call(name)
        if name in self._compiling:
            cycle = " -> ".join([*self._compiling, name])
            raise KnowledgeFileError(self.definitions_file, name, "ref", f"definitions refer to each other in a cycle: {cycle}")
        self._compiling.append(name)
        outer = self.file
        self.file = self.definitions_file
        try:
            expr, reads = self._expr(self.definitions[name], name, "definition")
            function = f"_ref_{len(self._ref_function)}"
            key = repr(name)
            source = (f"def {function}(c):\n    memo = c.memo\n    if {key} in memo:\n        return memo[{key}]\n"
                      f"    v = c.v\n    p = c.p\n    value = memo[{key}] = {expr}\n    return value\n")
            fn = self._define(source, function, name, "definition", keep=True)
        finally:
            self.file = outer
            self._compiling.pop()
        self._ref_function[name] = function
        self._compiled_refs[name] = (fn, reads)
        return self._ref_call(name)

    def _ref_call(self, name: str) -> str:
        """The expression that reads a named condition: its value from the memo when this case has it
        already (no call), else a call of its function (which stores it there). Every generated function
        has `memo` (the Context's memo) as a local."""
        key = repr(name)
        return f"(memo[{key}] if {key} in memo else {self._ref_function[name]}(c))"

    def _expr(self, cond: Any, entry: str, path: str, allow_always: bool = False) -> tuple[str, frozenset[str]]:
        if not isinstance(cond, Mapping):
            self._fail(entry, path, f"a condition is a mapping, not {type(cond).__name__} {cond!r}")
        if not cond:
            if allow_always:
                return "True", frozenset()
            self._fail(entry, path, "an empty condition would always hold; say when the rule applies")
        parts = [self._key(key, arg, entry, f"{path}.{key}") for key, arg in cond.items()]
        return _join(" and ", [e for e, _ in parts]), frozenset().union(*(r for _, r in parts))

    def _fail(self, entry: str, path: str, problem: str) -> NoReturn:
        raise KnowledgeFileError(self.file, entry, path, problem)

    def _list(self, arg: Any, entry: str, path: str) -> list[tuple[str, frozenset[str]]]:
        if not isinstance(arg, list) or not arg:
            self._fail(entry, path, f"expects a non-empty list of conditions, got {arg!r}")
        return [self._expr(c, entry, f"{path}[{i}]") for i, c in enumerate(arg)]

    def _key(self, key: Any, arg: Any, entry: str, path: str) -> tuple[str, frozenset[str]]:
        if key in ("all", "any"):
            parts = self._list(arg, entry, path)
            reads = frozenset().union(*(r for _, r in parts))
            return _join(" and " if key == "all" else " or ", [e for e, _ in parts]), reads
        if key == "not":
            inner, reads = self._expr(arg, entry, path)
            return f"not ({inner})", reads
        if key in ("known", "unknown"):
            fid = self._finding_id(arg, entry, path)
            return f"{fid!r} {'in' if key == 'known' else 'not in'} v", frozenset({fid})
        if key == "at_least":
            if not isinstance(arg, Mapping) or set(arg) != {"n", "of"}:
                self._fail(entry, path, "expects {n: <int>, of: [conditions]}")
            n = arg["n"]
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                self._fail(entry, f"{path}.n", f"n must be a whole number of at least 1, got {n!r}")
            parts = self._list(arg["of"], entry, f"{path}.of")
            if n > len(parts):
                self._fail(entry, f"{path}.n", f"at least {n} of {len(parts)} conditions can never hold")
            reads = frozenset().union(*(r for _, r in parts))
            counted = " + ".join(f"(1 if {e} else 0)" for e, _ in parts)
            return f"{counted} >= {n}", reads
        if key == "probability":
            return self._probability(arg, entry, path), frozenset()
        if key == "alarm":
            return self._alarm(arg, entry, path), frozenset()
        if key == "ref":
            if not isinstance(arg, str) or arg not in self.definitions:
                self._fail(entry, path, f"no named condition {arg!r} in {self.definitions_file}")
            source = self._ref_source(arg)
            return source, self._compiled_refs[arg][1]
        return self._finding(key, arg, entry, path)

    def _finding_id(self, fid: Any, entry: str, path: str) -> str:
        if not isinstance(fid, str) or fid not in self.findings:
            self._fail(entry, path, f"unknown finding {fid!r} (operators are {', '.join(_OPERATORS)})")
        return fid

    def _probability(self, arg: Any, entry: str, path: str) -> str:
        if not isinstance(arg, Mapping) or "cause" not in arg or len(arg) != 2:
            self._fail(entry, path, "expects {cause: <id>, <comparison>: <number>}")
        cause = arg["cause"]
        if not isinstance(cause, str) or cause not in self.causes:
            self._fail(entry, f"{path}.cause", f"unknown cause {cause!r}")
        (op, bound), = [(k, v) for k, v in arg.items() if k != "cause"]
        if op not in _COMPARE or isinstance(bound, bool) or not isinstance(bound, (int, float)) or not 0 <= bound <= 1:
            self._fail(entry, path, f"expects a comparison with a probability in [0, 1], got {op}: {bound!r}")
        return f"p.get({cause!r}, 0.0) {op} {bound!r}"

    def _alarm(self, arg: Any, entry: str, path: str) -> str:
        if self.alarm_causes is None:
            self._fail(entry, path, "`alarm` is read only in a workup rule's own `when`: the alarms are decided after "
                                    "the red flags and the named conditions")
        if not isinstance(arg, str) or arg not in self.causes:
            self._fail(entry, path, f"unknown cause {arg!r}")
        if arg not in self.alarm_causes:
            self._fail(entry, path, f"the cause {arg!r} has no alarm in causes.yaml, so this could never hold")
        return f"({arg!r} in c.a)"

    def _finding(self, fid: Any, arg: Any, entry: str, path: str) -> tuple[str, frozenset[str]]:
        fid = self._finding_id(fid, entry, path)
        finding = self.findings[fid]
        reads = frozenset({fid})
        # every test on a finding first checks it was examined: unknown is never "no"
        if not isinstance(arg, Mapping):
            value = self._value(finding, arg, entry, path)
            return f"({fid!r} in v and v[{fid!r}] == {value!r})", reads
        tests: list[str] = []
        for op, operand in arg.items():
            sub = f"{path}.{op}"
            if op == "in":
                if not isinstance(operand, list) or not operand:
                    self._fail(entry, sub, "`in` expects a non-empty list of values")
                allowed = frozenset(self._value(finding, x, entry, sub) for x in operand)
                name = f"_in_{next(self._constant_ids)}"
                self._namespace[name] = allowed
                tests.append(f"v[{fid!r}] in {name}")
            elif op in _COMPARE:
                if op not in ("==", "!=") and finding.type != "number":
                    self._fail(entry, sub, f"{op} compares numbers; {fid} is a {finding.type} finding")
                value = self._value(finding, operand, entry, sub)
                if finding.type == "number":
                    self.number_constants.setdefault(fid, set()).add(float(value))
                tests.append(f"v[{fid!r}] {op} {value!r}")
            else:
                self._fail(entry, sub, f"unknown comparison {op!r} (use in, {', '.join(_COMPARE)})")
        if not tests:
            self._fail(entry, path, "an empty comparison")
        return f"({fid!r} in v and {' and '.join(tests)})", reads

    def _value(self, finding: Finding, value: Any, entry: str, path: str) -> Any:
        if finding.type == "boolean" and not isinstance(value, bool):
            self._fail(entry, path, f"expects true or false, got {value!r}")
        if finding.type == "choice" and value not in (finding.values or ()):
            self._fail(entry, path, f"{value!r} is not one of {list(finding.values or ())}")
        if finding.type == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self._fail(entry, path, f"expects a number, got {value!r}")
        if finding.type == "number" and not math.isfinite(value):
            self._fail(entry, path, f"expects a finite number, got {value!r} (a rule on it could never, or always, fire)")
        return value


def _join(joiner: str, exprs: list[str]) -> str:
    """Join expressions with `and` / `or`, each in parentheses (one alone stays as it is)."""
    if len(exprs) == 1:
        return exprs[0]
    return joiner.join(f"({e})" for e in exprs)


# --- the readable side of the language: one line of text, the YAML, the definitions used ---------------
# (kept here, beside the compiler, so a new operator is added to the compiler, `needed_findings` and
# `_key_text` in one module)

_SYMBOL = {"==": "=", "!=": "\u2260", "<": "<", "<=": "\u2264", ">": ">", ">=": "\u2265"}


def _scalar(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _finding_test(fid: str, arg: Any) -> str:
    if not isinstance(arg, Mapping):
        return f"{fid} = {_scalar(arg)}"
    parts = []
    for op, operand in arg.items():
        if op == "in":
            parts.append(f"{fid} in {{{', '.join(_scalar(v) for v in operand)}}}")
        else:
            parts.append(f"{fid} {_SYMBOL.get(op, op)} {_scalar(operand)}")
    return parts[0] if len(parts) == 1 else f"({' AND '.join(parts)})"


def _key_text(key: str, arg: Any, *, outer: bool) -> str:
    if key in ("all", "any"):
        joined = (" AND " if key == "all" else " OR ").join(condition_text(c, nested=True) for c in arg)
        return joined if outer or len(arg) == 1 else f"({joined})"
    if key == "not":
        inner = condition_text(arg, nested=True)
        return f"NOT {inner}" if inner.startswith(("[", "(")) else f"NOT ({inner})"
    if key == "known":
        return f"{arg} examined"
    if key == "unknown":
        return f"{arg} not examined"
    if key == "at_least":
        return f"at least {arg['n']} of ({'; '.join(condition_text(c) for c in arg['of'])})"
    if key == "probability":
        cause = {CANT_MISS: "all can't-miss causes", TOP: "the most likely cause"}.get(arg["cause"], arg["cause"])
        (op, bound), = [(k, v) for k, v in arg.items() if k != "cause"]
        return f"estimated P({cause}) {_SYMBOL.get(op, op)} {bound}"
    if key == "alarm":
        return f"{arg} alarm fired"
    if key == "ref":
        return f"[{arg}]"
    return _finding_test(key, arg)


def condition_text(cond: Any, *, nested: bool = False) -> str:
    """A condition of the rule language in one readable line; named definitions in [brackets].

    `nested` adds the parentheses a part needs inside a larger AND / OR.
    """
    if not isinstance(cond, Mapping):
        return repr(cond)
    if not cond:
        return "always"
    outer = not nested and len(cond) == 1
    parts = [_key_text(key, arg, outer=outer) for key, arg in cond.items()]
    if len(parts) == 1:
        return parts[0]
    joined = " AND ".join(parts)
    return f"({joined})" if nested else joined


def condition_yaml(cond: Any) -> str:
    """A condition as YAML, the way the data files write it."""
    return yaml.safe_dump(cond, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100).strip()


def refs_used(cond: Any, definitions: Mapping[str, Any]) -> list[str]:
    """The named definitions a condition uses, directly or through other definitions, first use first."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, arg in node.items():
                if key == "ref" and isinstance(arg, str):
                    if arg not in found:
                        found.append(arg)
                        walk(definitions.get(arg))
                else:
                    walk(arg)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(cond)
    return found
