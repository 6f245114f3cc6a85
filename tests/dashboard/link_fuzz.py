"""Fuzz the app's links: hostile URLs through the case-in-URL codec and the link renderers (or AppTest).

    .venv/bin/python -m tests.dashboard.link_fuzz [N] [--seed S] [--apptest]

(It lives beside the tests, not in tools/: the layout rule lets no tool import dashboard code, and the
renderers it drives are dashboard code.)

Builds N (default 2,000) hostile query strings: markdown and HTML payloads in finding names and values
(line breaks CR, LF, CRLF, U+2028/2029, headings, `:green[...]`, `:material/...:`, images, links,
autolinks, LaTeX, tables, backticks), repeated finding keys (`tender=true&tender=false`), bad and
huge values, unknown keys, bidi and control characters, too many parameters (81 to 1,500) and too
long links, and teaching links (`page=teach`, `case`, `reveal`, `view`, repeated too).

By default each URL goes through the same pure functions the pages use: `case_url.decode` and the
bedside error's markdown (`panels.link_problems_markdown`), and `teaching.links.read_link` with the
teaching error's markdown as `teaching.panels.link_problems` composes it. `--apptest` runs each URL
through Streamlit's AppTest on `streamlit_app.py` instead (about 0.3 s a URL). Prints

    N URLs: markdown injections X, silent repeated keys Y, exceptions Z

A markdown injection is an error/markdown body with a block construct not of the page's own
(heading, quote, rule, table, fence, ...), a broken code span, or an unescaped active character
outside code spans; or an HTML body holding a payload tag unescaped. A silent repeated key is a
finding (or `case`/`reveal`/`view`) given more than once whose values were not all named, or one
of which was used. Exit status 0 when all three counts are 0.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import knowledge
from dashboard.bedside import panels
from dashboard.common import case_url
from dashboard.common.markdown import code_span
from dashboard.teaching import links as teach_links
from dashboard.teaching import text as tt

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
Pairs = list[tuple[str, str]]

# --- the pieces URLs are built from --------------------------------------------------------------
BREAKS = ["\n", "\r", "\r\n", "\n\n", "\r\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"]
PAYLOADS = [
    "# ROUTINE: no red flag. Safe to discharge",
    ":green[**No red flags: discharge**] :material/check_circle:",
    "![t](http://127.0.0.1:8622/img.png)",
    "[Open the NICE guideline](http://evil.example/)",
    "http://evil.example/x www.evil.example a@b.example",
    "$\\frac{1}{0}$ $$x$$",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quoted",
    "---",
    "***bold italic***",
    "```\ncode\n```",
    "`x` ``y``",
    "<img src=x onerror=alert(1)><u data-fz>tag</u><script>alert(1)</script>",
    "&lt;entity&#x3C;",
    "1. one\n2. two",
    "    indented code",
    "Answer: lipoma, routine",
    "\u202eevil\u202c",
    "\x00\x1b[31m",
    "~~strike~~ ==mark==",
]
PAYLOAD_TAG = "<u data-fz"
TEACH_KEYS = ("case", "reveal", "view")


def _payload(rng: random.Random) -> str:
    parts = [rng.choice(PAYLOADS)]
    for _ in range(rng.randint(0, 2)):
        parts.append(rng.choice(BREAKS) + rng.choice(PAYLOADS))
    text = "".join(parts)
    return rng.choice(BREAKS) + text if rng.random() < 0.7 else text


def _value(rng: random.Random, kb: knowledge.Knowledge, fid: str) -> str:
    f = kb.findings.get(fid)
    roll = rng.random()
    if roll < 0.3 and f is not None:
        if f.type == "boolean":
            return rng.choice(["true", "false"])
        if f.type == "choice":
            return rng.choice(list(f.values or ("x",)))
        return str(rng.randint(int(f.min), int(f.max)))
    if roll < 0.6:
        return _payload(rng)
    if roll < 0.7:
        return rng.choice(["", "nan", "inf", "1e400", "-1", "٥٥", "𝟓", "1_0", "maybe", "TRUE", " true "])
    if roll < 0.8:
        return rng.choice("ab`\n#") * rng.randint(100, 6000)
    return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 30)))


def random_url(rng: random.Random, kb: knowledge.Knowledge) -> tuple[str, Pairs]:
    """A page ('bedside' or 'teach') and the (name, value) pairs of a hostile query."""
    ids = list(kb.findings)
    kind = rng.random()
    if kind < 0.15:  # teaching links
        pairs: Pairs = [("page", "teach")]
        for name in TEACH_KEYS:
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                pairs.append((name, _payload(rng) if rng.random() < 0.5 else rng.choice(["1", "projector", "ABC123", "", "tc-x"])))
        return "teach", pairs
    pairs = []
    if kind < 0.25:  # too many parameters, or too long
        n = rng.choice([81, 200, 999, 1001, 1500])
        pairs = [(rng.choice(ids), "true") for _ in range(2)] + [(f"x{i}", "1") for i in range(n)]
        return "bedside", pairs
    for _ in range(rng.randint(1, 8)):
        r = rng.random()
        if r < 0.5:
            name = rng.choice(ids)
        elif r < 0.8:
            name = rng.choice(ids) + rng.choice(BREAKS) + _payload(rng) if rng.random() < 0.5 else _payload(rng)
        else:
            name = rng.choice(["page", "reveal", "view", "", "embed", "leg_weaknes", "a" * rng.randint(61, 500)])
        pairs.append((name, _value(rng, kb, name)))
        if rng.random() < 0.35:  # the same name again
            pairs.append((name, _value(rng, kb, name)))
    return "bedside", pairs


def as_params(pairs: Pairs) -> dict[str, list[str]]:
    """The pairs as `{name: [values]}`, as `st.query_params.get_all` gives them (after Streamlit's own limits)."""
    query = urlencode(pairs)
    if len(query) > 512 * 1024 or query.count("&") + 1 > 1000:
        return {}  # Streamlit drops the whole query (sanitize_query_string)
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


# --- the checks ----------------------------------------------------------------------------------
_BLOCK = re.compile(r"^(?: {0,3}(?:#|>|=+\s*$|-{3,}|\*{3,}|_{3,}|\d+[.)](?:\s|$)|\||```|~~~|\$\$|<|[*+](?:\s|$))| {4,}|\t)")
_ACTIVE = set("[]<>!$~|&@*_`")


def markdown_injection(body: str) -> list[str]:
    """What in a markdown body (an st.error / st.markdown the page wrote) lets markdown read link text.

    The pages' link messages are lines of plain words, a `**heading**`, and list items `- ...`, with
    link text only inside one-line code spans or behind backslash escapes.
    """
    found: list[str] = []
    for line in body.split("\n"):
        if "\r" in line or "\u2028" in line or "\u2029" in line or "\x0b" in line or "\x0c" in line or "\x85" in line:
            found.append(f"a raw line break in {line[:60]!r}")
        if _BLOCK.match(line) or (line.startswith("- ") and _BLOCK.match(line[2:])):
            found.append(f"a block construct: {line[:60]!r}")
        rest = line[2:] if line.startswith("- ") else line
        if rest.startswith("**") and rest.endswith("**"):
            rest = rest[2:-2]
        i = 0
        while i < len(rest):  # CommonMark's order: outside a code span '\\' escapes, '`' opens one
            ch = rest[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "`":
                end = rest.find("`", i + 1)
                if end < 0:
                    found.append(f"a broken code span: {rest[max(0, i - 20):i + 40]!r}")
                    break
                i = end + 1
                continue
            nxt = rest[i + 1] if i + 1 < len(rest) else " "
            if ch in _ACTIVE or (ch == ":" and not nxt.isspace()) or rest.startswith("www.", i):
                found.append(f"{ch!r} unescaped in {rest[max(0, i - 20):i + 20]!r}")
                break
            i += 1
    return found


def html_injection(body: str) -> list[str]:
    """A payload tag that reached an st.html body unescaped."""
    return [f"payload tag in HTML: {body[:80]!r}"] if PAYLOAD_TAG in body else []


def repeated_names(pairs: Pairs, names: Callable[[str], bool]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        if names(name):
            out.setdefault(name, []).append(value)
    return {n: v for n, v in out.items() if len(v) > 1}


def teach_markdown(problems: tuple[str, ...]) -> str:
    """The teaching page's error body, composed as `teaching.panels.link_problems` composes it."""
    return "\n".join([f"**{tt.LINK_PROBLEM_HEADING}**", "", *(f"- {p}" for p in problems), "", tt.LINK_PROBLEM_LIBRARY])


class Result:
    def __init__(self) -> None:
        self.injections = self.silent_repeats = self.exceptions = 0
        self.examples: list[str] = []

    def note(self, kind: str, detail: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {detail}")


def check_pure(page: str, pairs: Pairs, kb: knowledge.Knowledge, result: Result) -> None:
    """One URL through the codec and the renderers the pages use."""
    params = as_params(pairs)
    try:
        if page == "teach":
            link = teach_links.read_link(params, {"ABC123": "tc-x"}, ["tc-x"])
            body = teach_markdown(link.problems) if link.problems else ""
            for name, values in repeated_names(pairs, lambda n: n in TEACH_KEYS).items():
                if params and not all(code_span(v, teach_links.SHOWN_MAX) in body for v in values[:5]):
                    result.note("silent_repeats", f"{name}={values!r} not all named")
                if params and ((name == "case" and link.case_id) or (name == "reveal" and link.reveal) or (name == "view" and link.projector)):
                    result.note("silent_repeats", f"{name}={values!r} used")
        else:
            case, problems = case_url.decode(params, kb)
            body = panels.link_problems_markdown(problems) if problems else ""
            whole = any(p.whole for p in problems)
            for name, values in repeated_names(pairs, lambda n: n in kb.findings).items():
                if not params:
                    continue  # Streamlit dropped the query; the page's browser-side guard says so
                if name in case:
                    result.note("silent_repeats", f"{name}={values!r} used: {case[name]!r}")
                elif not whole and not all(code_span(v) in body for v in values[: panels.text.REPEATED_SHOWN]):
                    result.note("silent_repeats", f"{name}={values!r} not all named")
    except Exception:
        result.note("exceptions", traceback.format_exc(limit=3))
        return
    for problem in markdown_injection(body):
        result.note("injections", problem)


def check_apptest(page: str, pairs: Pairs, kb: knowledge.Knowledge, result: Result) -> None:
    """One URL through the whole app in Streamlit's AppTest."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=30)
    for name, values in as_params(pairs).items():
        at.query_params[name] = values if len(values) > 1 else values[0]
    try:
        at.run()
    except Exception:
        result.note("exceptions", traceback.format_exc(limit=3))
        return
    if at.exception:
        result.note("exceptions", str(at.exception[0].value)[:300])
    bodies = [str(e.value) for kind in ("error", "warning", "markdown", "caption", "info", "success") for e in at.get(kind)]
    body = "\n".join(str(e.value) for e in at.error)
    for b in bodies:
        for problem in markdown_injection(b) if b in body else []:
            result.note("injections", problem)
    for el in at.get("html"):
        for problem in html_injection(str(el.value)):
            result.note("injections", problem)
    params = as_params(pairs)
    if page == "bedside" and params:
        too_big = case_url.size_problem(params, kb) is not None  # refused whole, with its own message
        for name, values in repeated_names(pairs, lambda n: n in kb.findings).items():
            widget = at.session_state[f"f.{name}"] if f"f.{name}" in at.session_state else None  # noqa: SIM401 (no .get)
            if widget not in (None, "not examined") or not (too_big or code_span(name) in body):
                result.note("silent_repeats", f"{name}={values!r}: widget {widget!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--apptest", action="store_true", help="run every URL through AppTest (slow)")
    args = parser.parse_args(argv)
    kb = knowledge.load_knowledge()
    rng = random.Random(args.seed)
    result = Result()
    check = check_apptest if args.apptest else check_pure
    for _ in range(args.n):
        page, pairs = random_url(rng, kb)
        check(page, pairs, kb, result)
    for line in result.examples:
        print("---", line[:400], file=sys.stderr)
    how = "through AppTest" if args.apptest else "through the codec and the renderers"
    counts = f"markdown injections {result.injections}, silent repeated keys {result.silent_repeats}, exceptions {result.exceptions}"
    print(f"{args.n} URLs: {counts} ({how})")
    return 0 if result.injections == result.silent_repeats == result.exceptions == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
