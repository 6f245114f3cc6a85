"""The one markdown escaper for text from the data or from a link that goes into st.markdown / st.error."""

from __future__ import annotations

import unicodedata

_SPECIAL = frozenset("\\`*_{}[]<>()#+!|$~")
"""Markdown's punctuation, and `$` and `~`, which Streamlit's markdown reads as LaTeX and strike-through."""


def md_escape(s: str) -> str:
    """Escape markdown (and LaTeX dollars) in text from data or from a link."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in s)


def code_span_text(s: str) -> str:
    """Text to put inside a `code span`: a backtick would close it early, so it becomes a quote."""
    return s.replace("`", "'")


# --- text from a link (issue 13, item 2) -----------------------------------------------------------
LINK_TEXT_MAX = 60
"""How many characters of a link's parameter name or value a message shows (the rest is '…')."""


def _invisible(ch: str) -> bool:
    """Control, format (bidi overrides, zero-width), line and paragraph separator characters."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def visible_text(s: str, limit: int = LINK_TEXT_MAX) -> str:
    """Text from a link as one visible line: every control, format, line- or paragraph-separator
    character is written as its escape (`\\n`, `\\u202e`), and the result is cut to `limit`
    characters with '…'. Markdown and HTML still need their own escaping after this."""
    out: list[str] = []
    size = 0
    for ch in s:
        piece = ch.encode("unicode_escape").decode("ascii") if _invisible(ch) else ch
        if size + len(piece) > limit:
            out.append("…")
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def code_span(s: str, limit: int = LINK_TEXT_MAX) -> str:
    """Text from a link as a markdown code span: one line, capped, no backtick that could close it.

    Inside a code span markdown reads nothing (no heading, link, image, LaTeX, colour or icon), so
    this is the way link text goes into st.markdown / st.error."""
    text = visible_text(s, limit).replace("`", "'")
    return f"`{text}`" if text.strip() else "` `"


_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_inert(s: str, limit: int = 300) -> str:
    """Text that may quote a link (a validator's message) as inert markdown: one visible line,
    capped, and every ASCII punctuation character backslash-escaped, so that no construct can
    start (no emphasis, link, autolink, `:colour[...]` or `:icon:` directive, LaTeX, entity)."""
    return "".join("\\" + ch if ch in _ASCII_PUNCTUATION else ch for ch in visible_text(s, limit))
