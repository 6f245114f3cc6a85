"""Where a figure comes from, as every page shows it: the estimate marker and the source link.

Both come from the knowledge's public API (`knowledge.ESTIMATE`, `Source.link`): the one link builder
lives with the source model, so the pages and the case summary cannot build links two ways.
"""

from __future__ import annotations

import knowledge

ESTIMATE = knowledge.ESTIMATE
"""The reserved source id of a figure or rule the project estimated itself."""


def source_link(source: knowledge.Source) -> str:
    """Where a source can be read (see `knowledge.Source.link`)."""
    return source.link
