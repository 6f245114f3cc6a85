"""User-facing wording of the bedside page and its case summary, in one place for review.

Words shared with other pages (titles, level words, group titles, the workup's words) are in
`dashboard.common.words`; clinical wording comes from the knowledge data.
"""

from __future__ import annotations

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
GROUPS_OPEN = frozenset({"patient", "site", "feel"})
"""The groups examined at almost every visit start open; the rest start folded."""

NOT_EXAMINED = "not examined"
NUMBER_PLACEHOLDER = "not examined"
RESET_LABEL = "Reset: new patient"


# --- link problems --------------------------------------------------------------------------------
def link_problems_heading(n: int) -> str:
    """Heading of the error shown for a tampered or stale link."""
    return (
        f"This link has {n} parameter{'s' if n != 1 else ''} that could not be used. "
        f"{'They were' if n != 1 else 'It was'} left out; every other finding in the link was opened."
    )


REPEATED_SHOWN = 5
"""How many values of a finding given more than once the error lists (then 'and N more')."""


# --- next question and why ------------------------------------------------------------------------
EXAMINE_NEXT = "Examine next"
THEN_ASK = "Then"
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


def state_line(state: str, share: float) -> str:
    """For a cause the ranking splits into presentations (model.yaml): which one the findings point to."""
    return f"Mostly as its {state} presentation ({share:.0%} of this estimate)."


def unknown_count(n: int) -> str:
    """'12 findings not yet examined'."""
    return f"{n} finding{'s' if n != 1 else ''} not yet examined"


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


# --- quick entry, reset/undo, copy ----------------------------------------------------------------
NOTE_TITLE = "bedside assessment note"
NOTE_FINDINGS = "Findings entered"
NOTE_TOP_CAUSES = "Most likely causes"
NOTE_ESTIMATES = "estimates, not a diagnosis"
CHIPS_HEADING = "Entered"
CHIPS_HELP = "Tap a finding to set it back to not examined."
NEURO_NORMAL = "Neurological examination normal"
NEURO_NORMAL_HELP = "Sets every neurological yes/no finding not yet answered to no (a number is left as it is)."
UNDO_LABEL = "Undo reset"
COPY_LINK = "Copy link"
COPY_NOTE = "Copy to note"
COPIED = "Copied"
COPY_FAILED = "Copy blocked by the browser: select the text below and copy it."
NOTE_PREVIEW = "The note (plain text)"
NOT_APPLICABLE = "does not apply at age {age:g}"

FULL_RESULTS = "Full results"
BACK_TO_FINDINGS = "Back to findings"
TOP_THREE = "Most likely"


def examined_count(n: int, total: int) -> str:
    """'8 of 64 findings examined'."""
    return f"{n} of {total} findings examined"
NOT_USED = "Not used: the assessment treats it as not examined until it is corrected."
ANSWER_HERE = "Answer here"
