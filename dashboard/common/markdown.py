"""The one markdown escaper for text from the data or from a link that goes into st.markdown / st.error."""

from __future__ import annotations

_SPECIAL = frozenset("\\`*_{}[]<>()#+!|$~")
"""Markdown's punctuation, and `$` and `~`, which Streamlit's markdown reads as LaTeX and strike-through."""


def md_escape(s: str) -> str:
    """Escape markdown (and LaTeX dollars) in text from data or from a link."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in s)


def code_span_text(s: str) -> str:
    """Text to put inside a `code span`: a backtick would close it early, so it becomes a quote."""
    return s.replace("`", "'")
