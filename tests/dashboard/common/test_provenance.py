"""The one source-link builder and the one markdown escaper every page uses."""

from __future__ import annotations

import pytest

import knowledge
from dashboard.common.markdown import code_span_text, md_escape
from dashboard.common.provenance import source_link


def _source(url: str | None = None, doi: str | None = None, pmid: str | None = None) -> knowledge.Source:
    fields = {"id": "x", "label": "A source", "title": "A title", "kind": "study", "url": url, "doi": doi, "pmid": pmid}
    if not (url or doi or pmid):  # the model refuses a source that cannot be located; build it unchecked
        return knowledge.Source.model_construct(**fields)
    return knowledge.Source(**fields)


def test_sources_without_url_link_to_doi_or_pubmed() -> None:
    """A source's link is its url, else its DOI, else its PubMed page, else nothing."""
    assert source_link(_source("https://a.b/c", "10.1/x", "123")) == "https://a.b/c"
    assert source_link(_source(None, "10.1/x", "123")) == "https://doi.org/10.1/x"
    assert source_link(_source(None, None, "123")) == "https://pubmed.ncbi.nlm.nih.gov/123/"
    assert source_link(_source()) == ""


def test_the_page_link_is_the_models_link() -> None:
    """The dashboard has no link builder of its own: it returns `Source.link`."""
    s = _source(None, None, "42")
    assert source_link(s) == s.link == "https://pubmed.ncbi.nlm.nih.gov/42/"
    with pytest.raises(ValueError, match="at least one of doi, pmid or url"):
        knowledge.Source(id="x", label="A source", title="A title", kind="study")


def test_markdown_escaper_escapes_every_special_character_and_keeps_the_rest() -> None:
    """Markdown, LaTeX dollars and strike-through tildes are escaped; plain text passes unchanged."""
    assert md_escape("a *b* [c](d) $x$ ~y~ #h") == r"a \*b\* \[c\]\(d\) \$x\$ \~y\~ \#h"
    assert md_escape("plain text, 3 cm.") == "plain text, 3 cm."
    assert code_span_text("a`b") == "a'b"
