"""User-facing wording of the bedside page, in one place for review.

Clinical wording (finding labels, flag messages, actions, rationales) comes from the knowledge
data; this module holds only the interface's own words.
"""

from __future__ import annotations

APP_TITLE = "Lower Back Lump Navigator"
BEDSIDE_TITLE = "Bedside assessment"
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
