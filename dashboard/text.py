"""User-facing wording of the bedside page, in one place for review.

Clinical wording (finding labels, flag messages, actions, rationales) comes from the knowledge
data; this module holds only the interface's own words.
"""

from __future__ import annotations

from typing import Any

APP_TITLE = "Lower Back Lump Navigator"
BEDSIDE_TITLE = "Bedside assessment"
TEACH_TITLE = "Teaching cases"  # the teaching page's own wording is in teach_text.py
INTENDED_USE = (
    "For clinicians assessing a lump on the lower back. Percentages are estimates to guide "
    "examination and workup, not a diagnosis."
)
HOW_TITLE = "How the numbers are made"


def how_text(version: str) -> str:
    """The short method note under 'How the numbers are made' (markdown)."""
    return (
        "- **Ranking**: a naive Bayes score. Each cause starts from an estimated prior for the "
        "patient's age band; every finding you enter multiplies it by how likely that finding is "
        "under the cause. The figures come from published studies where they exist and from the "
        "project's own estimates where they do not (each is marked in the knowledge files).\n"
        "- **Not examined contributes nothing**: a finding left as *not examined* is unknown, "
        "not \"no\".\n"
        "- **Red flags are rules**, written from guidelines, that fire from the findings alone, "
        "independent of the ranking.\n"
        "- The workup path is built from guideline rules, each with its source.\n"
        f"- Knowledge version **{version}**."
    )


# --- inputs ---------------------------------------------------------------------------------------
GROUP_TITLES: dict[str, str] = {
    "patient": "Patient",
    "site": "Where and how big",
    "feel": "What it feels like",
    "skin": "Skin",
    "history": "History and course",
    "systemic": "Systemic",
    "neuro": "Neurological",
    "results": "Results already to hand",
}
GROUPS_OPEN = frozenset({"patient", "site", "feel"})
"""The groups examined at almost every visit start open; the rest start folded."""

NOT_EXAMINED = "not examined"
YES = "yes"
NO = "no"
NUMBER_PLACEHOLDER = "not examined"
RESET_LABEL = "Reset: every finding to not examined"


# --- triage and red flags -------------------------------------------------------------------------
LEVEL_WORDS = {"emergency": "EMERGENCY", "urgent": "URGENT", "warning": "WARNING", "routine": "ROUTINE"}
TRIAGE_LINES = {
    "emergency": "act now",
    "urgent": "refer urgently",
    "routine": "no red flag has fired from the findings entered",
}
WITHIN = "Within"
SOURCE = "Source"
DO = "Do"
NOT_YET_ASKED = "Not yet asked (safety)"


def and_more(n: int) -> str:
    """The tappable tail of a folded list."""
    return f"and {n} more"


def flags_count(n: int) -> str:
    """'1 red flag' / '3 red flags'."""
    return f"{n} red flag{'s' if n != 1 else ''}"


# --- link problems --------------------------------------------------------------------------------
def link_problems_heading(n: int) -> str:
    """Heading of the error shown for a tampered or stale link."""
    return (
        f"This link has {n} parameter{'s' if n != 1 else ''} that could not be used. "
        f"{'They were' if n != 1 else 'It was'} left out; every other finding in the link was opened."
    )


# --- chart ----------------------------------------------------------------------------------------
CHART_TITLE = "Causes by estimated probability"
CHART_AXIS = "estimated probability"
CANT_MISS_TAG = "can't miss"
CHART_ALT = "Bar chart of the estimated probability of each cause, most probable first."


def chart_subtitle(version: str) -> str:
    """The line under the chart title: estimate wording and the knowledge version."""
    return f"estimates, not a diagnosis · \u26a0 hatched: can't miss · knowledge {version}"


# --- workup and why -------------------------------------------------------------------------------
EXAMINE_NEXT = "Examine next"
THEN_ASK = "Then"
WORKUP_HEADING = "Workup path"
DO_NOT = "Do not"
TIMING_WORDS = {"immediate": "IMMEDIATE", "urgent": "urgent", "routine": "routine"}
WHY_HEADING = "Why"
WHY_PICK = "Explain a cause: the top of the ranking unless you pick one (top causes and every can't-miss cause)"
RAISED = "Raised it"
LOWERED = "Lowered it"
NOTHING_ENTERED = "No finding entered so far moves this cause; it rests on its prior for the age band."
UNKNOWN_HEADING = "Not yet examined"


def why_title(cause: str, probability_text: str, is_top: bool) -> str:
    """Heading of the explanation of one cause."""
    top = ", top of the ranking" if is_top else ""
    return f"Why {cause}: {probability_text} estimated{top}"


def unknown_count(n: int) -> str:
    """'12 findings not yet examined'."""
    return f"{n} finding{'s' if n != 1 else ''} not yet examined"


# --- knowledge and sources page -------------------------------------------------------------------
KN_TITLE = "Knowledge and sources"
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


def kn_showing(shown: int, total: int) -> str:
    """'Showing 12 of 2160 rows'."""
    return f"Showing {shown} of {total} row{'s' if total != 1 else ''}"
KN_NO_ESTIMATES = "This table holds no figures, so no estimates: switch off 'Only the project's estimates' to see it."


# --- case summary (download) ----------------------------------------------------------------------
EXPORT_BUTTON = "Download case summary"
EXPORT_BUTTON_HELP = "A one-file summary (HTML) to print or attach: findings, ranking, red flags, workup and sources."
EXPORT_LABEL = "Label for this summary (optional, e.g. initials or bed number)"
EXPORT_LABEL_HELP = "Printed on the summary only; not kept, not put in the link. Leave empty for an anonymous summary."
EXPORT_LABEL_SHORT = "Label"
EXPORT_TITLE = "case summary"
EXPORT_GENERATED = "Generated"
EXPORT_VERSION = "Knowledge version"
EXPORT_DISCLAIMER_HEAD = "Estimates, not a diagnosis."
EXPORT_FLAGS = "Red flags"
EXPORT_NO_WORKUP = "No workup step applies to the findings entered."
EXPORT_FINDINGS = "Findings entered"
EXPORT_UNKNOWN_NOTE = "A finding not examined is unknown, not \"no\": it did not change the estimates."
EXPORT_NOTHING_ENTERED = "No finding entered."
EXPORT_NOT_EXAMINED = "Not examined"
EXPORT_RANKING = "Causes by estimated probability"
EXPORT_RANKING_NOTE = "Every cause, most probable first. Estimates from a small published base and the project's own estimates."
EXPORT_CAUSE = "Cause"
EXPORT_ESTIMATE = "Estimate"
EXPORT_SOURCES = "Sources cited"
EXPORT_SOURCES_ACTIONS = "For the red flags and the workup"
EXPORT_SOURCES_RANKING = "Behind the ranking (age-band priors and the likelihoods of the findings entered)"
EXPORT_FOOTER = "Lower Back Lump Navigator. Every figure and rule, with its source and note, is listed on the app's Knowledge and sources page."


def export_ranking_estimates(estimates: int, total: int) -> str:
    """How many of the figures behind the ranking are the project's own estimates."""
    return (
        f"{estimates} of the {total} figures behind this ranking are the project's own estimates "
        "(each with a note on how it was made, on the Knowledge and sources page); the others cite:"
    )
KN_COUNTS = "Estimates made by the project"
KN_SOURCES_IN_REGISTRY = "sources in the registry"
KN_PRIOR_HELP = "Prior in % for this age band: the cause's weight in causes.yaml over the sum of all causes' weights in the band."


def value_text(finding: Any, value: Any) -> str:
    """A finding's value as a person would say it: 'yes', '3 cm', 'natal cleft' (the raw value if the finding is unknown)."""
    if finding is None:
        return str(value)
    if finding.type == "boolean":
        return YES if value else NO
    if finding.type == "number":
        unit = f" {finding.unit}" if finding.unit else ""
        return f"{value:g}{unit}"
    return (finding.value_labels or {}).get(value, str(value).replace("_", " "))
