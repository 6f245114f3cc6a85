"""Where a figure comes from, as every page shows it: the estimate marker and the one source-link builder."""

from __future__ import annotations

from typing import Any

ESTIMATE = "estimate"
"""The reserved source id of a figure or rule the project estimated itself (as in knowledge/data)."""


def source_link(source: Any) -> str:
    """Where a source can be read: its url, else its DOI, else its PubMed page ('' if none).

    The PubMed address ends in a slash, the form PubMed itself links to (the bare form redirects).
    """
    if source.url:
        return source.url
    if source.doi:
        return f"https://doi.org/{source.doi}"
    if source.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{source.pmid}/"
    return ""
