"""User-facing wording of the knowledge and sources page, in one place for review."""

from __future__ import annotations

KN_VERSION = "Knowledge version"
KN_INTRO = (
    "Every figure the ranking uses, every red-flag and workup rule, and the source each rests on. "
    "Where no published figure fits, the project made an estimate; its note says how."
)
KN_FILTER = "Filter every table"
KN_FILTER_PLACEHOLDER = "a word, e.g. sarcoma, MRI, NICE, lipoma"
KN_ONLY_ESTIMATES = "Only the project's estimates"
KN_ESTIMATE_HELP = "Ticked: the project's own estimate (source: estimate); the note says how it was made."
KN_NOTE_HELP = "How the figure or rule was made, or which part of the source it rests on."
KN_FROM_HELP = "own entry: the cause has its own figure for this finding; background: it takes the shared background figure."
KN_LINK_HELP = "Where the source was read: its web page, else its DOI, else its PubMed entry."
KN_ALL = "all"
KN_BY_CAUSE = "Cause"
KN_BY_FINDING = "Finding"
KN_LIKE_VIEW = "Show"
KN_LIKE_VIEWS = {"filled": "every value", "entries": "entries as written"}
KN_FILLED_NOTE = (
    "P(value | cause) as the ranking uses it: each entry filled out to every value of the finding, "
    "values not given sharing what is left, never below 0.01. A cause without its own entry takes "
    "the background (marked in 'from')."
)
KN_ENTRIES_NOTE = "The entries of likelihoods.yaml as written; 'background' is the shared entry of causes without their own."
KN_CAUSES_NOTE = (
    "Prior %: how common each cause is before any finding, per age band (the weights of "
    "causes.yaml renormalised; with no age entered, the mean of the bands)."
)
KN_CONDITION_NOTE = (
    "Conditions read: finding = value, AND, OR, NOT; [name] is a named definition (Definitions tab). "
    "A finding not examined never satisfies a comparison."
)
KN_WORKUP_NOTE = "Each rule's steps in its own order; the bedside path merges the steps of every rule that fires, ordered by phase and timing."
KN_RULE_PICK = "Read one rule in full (with the definitions it uses)"
KN_RULE_PLACEHOLDER = "choose a rule"
KN_NO_ESTIMATES = "This table holds no figures, so no estimates: switch off 'Only the project's estimates' to see it."
KN_COUNTS = "Estimates made by the project"
KN_SOURCES_IN_REGISTRY = "sources in the registry"
KN_PRIOR_HELP = "Prior in % for this age band: the cause's weight in causes.yaml over the sum of all causes' weights in the band."


def kn_showing(shown: int, total: int) -> str:
    """'Showing 12 of 2160 rows'."""
    return f"Showing {shown} of {total} row{'s' if total != 1 else ''}"
