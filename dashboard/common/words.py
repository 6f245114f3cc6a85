"""The interface's words that two or more pages (or the case summary) use, in one place for review.

Clinical wording (finding labels, flag messages, actions, rationales) comes from the knowledge
data; each page's own words are in its `text.py`. The triage words live here only: the bedside
banner, the case summary and the teaching page all say a level with `LEVEL_WORDS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import knowledge

APP_TITLE = "Lower Back Lump Navigator"
BEDSIDE_TITLE = "Bedside assessment"
TEACH_TITLE = "Teaching cases"
SOURCES_TITLE = "Knowledge and sources"
DATA_BROKEN = "A knowledge or teaching-case file is broken, so this page cannot be shown. Fix the file named below and reload."

# --- findings -------------------------------------------------------------------------------------
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
YES = "yes"
NO = "no"


def by_group(kb: knowledge.Knowledge, fids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Finding ids by group, in the order a clinician examines (the groups `GROUP_TITLES` knows first, in
    its order, then any other in the order met), each group's findings in the order given (the knowledge's
    own by default). The findings file is not sorted by group (a finding added later sits at its end), so
    a page that lists findings in file order would show a group twice."""
    grouped: dict[str, list[str]] = {}
    for fid in kb.findings if fids is None else fids:
        grouped.setdefault(kb.findings[fid].group, []).append(fid)
    order = [g for g in GROUP_TITLES if g in grouped] + [g for g in grouped if g not in GROUP_TITLES]
    return {g: grouped[g] for g in order}


def group_title(group: str) -> str:
    """The title of a group of findings."""
    return GROUP_TITLES.get(group, group.capitalize())


def value_text(finding: knowledge.Finding | None, value: Any) -> str:
    """A finding's value as a person would say it: 'yes', '3 cm', 'natal cleft' (the raw value if the finding is unknown)."""
    if finding is None:
        return str(value)
    if finding.type == "boolean":
        return YES if value else NO
    if finding.type == "number":
        unit = f" {finding.unit}" if finding.unit else ""
        return f"{value:g}{unit}"
    return (finding.value_labels or {}).get(value, str(value).replace("_", " "))


# --- triage and red flags -------------------------------------------------------------------------
TRIAGE = "TRIAGE"
"""The word that opens the triage banner, on screen and in the case summary."""
LEVEL_WORDS = {"emergency": "EMERGENCY", "urgent": "URGENT", "warning": "WARNING", "routine": "ROUTINE"}
TRIAGE_LINES = {
    "emergency": "act now",
    "urgent": "refer urgently",
    "routine": "no red flag has fired from the findings entered",
}
"""What a level asks for when no flag names an action (kept for a level the flags do not explain)."""
NOT_ASSESSED = "NOT ASSESSED YET"
"""The banner's level word before any finding is entered: never a reassuring ROUTINE."""
NOT_ASSESSED_LINE = "enter findings; the triage and the first thing to do appear here"
ROUTINE_NO_FLAG = "no red flag from the {n} finding{s} entered"
SEE_CARD = "what to do"
"""The banner's link text to the card of its flag."""


def warnings_line(n: int) -> str:
    """After ROUTINE when only warnings fired: the count in words (never 'no red flag has fired')."""
    return f"no urgent red flag; {n} warning{'s' if n != 1 else ''} to check"


def why_urgent(cause: str, percent: str, level: str, rule: str, source: str) -> str:
    """The line that reconciles a benign top cause with an urgent triage."""
    return (
        f"Why {level} with {cause} at {percent}: the rule \u201c{rule}\u201d ({source}) acts on the findings, "
        "whatever the estimate."
    )


def more_flags(n: int) -> str:
    """'+ 2 more red flags' after the banner's action."""
    return f"+ {n} more red flag{'s' if n != 1 else ''}"
WITHIN = "Within"
SOURCE = "Source"
ALSO_ASKED = "Also asked for"
ACTION_SOURCE = "what to do for this patient"
"""Names the source of a card's action when a variant of it (a child's route) replaced the rule's own."""
DO = "Do"
NOT_YET_ASKED = "Not yet asked (safety)"


def and_more(n: int) -> str:
    """The tappable tail of a folded list."""
    return f"and {n} more"


def flags_count(n: int) -> str:
    """'1 red flag' / '3 red flags'."""
    return f"{n} red flag{'s' if n != 1 else ''}"


# --- workup ---------------------------------------------------------------------------------------
WORKUP_HEADING = "Workup path"
DO_NOT = "Do not"
PLAN_GROUPS = {
    "immediate": "Now, as an emergency",
    "urgent": "Urgent",
    "routine": "Routine",
    "after_emergency": "After the emergency is dealt with",
}
"""The plan's groups in the order they are done (the engine's `group` of each step)."""
AFTER_EMERGENCY_WHY = "These would delay the emergency pathway: do them afterwards, if still needed."
CARDS_AFTER_EMERGENCY = (
    "The cards below wait until the emergency is dealt with: the plan gives their steps' order, and the do-not "
    "list stands over what they say."
)
"""Shown in an emergency above the first card that is not one (a search found cards asking for an X-ray or an
ultrasound beside an emergency's 'no X-ray' or 'imaging must not delay surgery'; the plan already waits)."""
DO_NOT_HEADING = "Do not"
DO_NOT_FROM = "because of"
DO_NOT_FROM_RANKING = "the ranking's estimate of {name} at {p:.0%}"
"""Why a can't-miss cause's do-not item stands when its alarm card did not fire (the age band, not the
findings, made the cause that likely)."""


def answer_word(value: object) -> str:
    """A trial answer in words ('yes', 'no', a choice as written, a number)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, int | float):
        return number_word(value)
    return str(value).replace("_", " ")


def number_word(x: float) -> str:
    """A number as people write it: 160 rather than 160.0, 0.5 as it is."""
    return f"{x:g}"


def range_words(r: Mapping[str, Any]) -> str:
    """One range of a number finding's answers in words: 'over 130', '160 or more', 'under 1', '1 to 3'."""
    low, high = r.get("low"), r.get("high")
    lo = None if low is None else (f"{number_word(low)} or more" if r.get("low_inclusive") else f"over {number_word(low)}")
    hi = None if high is None else (f"{number_word(high)} or less" if r.get("high_inclusive") else f"under {number_word(high)}")
    if low is not None and high is not None:
        if r.get("low_inclusive") and r.get("high_inclusive"):
            return f"{number_word(low)} to {number_word(high)}"
        return f"{lo} and {hi}"
    return lo or hi or "any value"


def safety_effect(level: str, effect: str, answer: object, ranges: Sequence[Mapping[str, Any]] | None = None) -> str:
    """What one answer to a not-yet-asked finding would do: 'if yes: emergency' / 'if no: clears an urgent
    flag'; for a number, every range of answers that would: 'if over 130: emergency'."""
    what = " or ".join(range_words(r) for r in ranges) if ranges else answer_word(answer)
    if effect == "fire":
        return f"if {what}: {level}"
    return f"if {what}: clears an {level} flag" if level[0] in "aeiou" else f"if {what}: clears a {level} flag"
TIMING_WORDS = {"immediate": "IMMEDIATE", "urgent": "urgent", "routine": "routine"}

# --- chart ----------------------------------------------------------------------------------------
CHART_TITLE = "Causes by estimated probability"
CHART_AXIS = "estimated probability"
CANT_MISS_TAG = "can't miss"
CHART_ALT = "Bar chart of the estimated probability of each cause, most probable first."


def chart_subtitle(version: str) -> str:
    """The line under the chart title: estimate wording and the knowledge version."""
    return f"estimates, not a diagnosis · \u26a0 hatched: can't miss · knowledge {version}"


# --- why, in words --------------------------------------------------------------------------------
WHY_LEGEND = (
    "×n beside a finding: how many times more (or less) likely that finding makes this cause than the "
    "other causes together (a likelihood ratio; ×1 would change nothing). A cause with presentations "
    "counts them in the shares this case gives them."
)


def times(ratio: float) -> str:
    """A ratio as a person would say it: 'about 6 times', 'about 1.5 times' (pure)."""
    n = ratio if ratio >= 1 else 1 / ratio
    return f"about {n:.1f} times" if n < 1.95 else f"about {round(n)} times"


def lr_phrase(ratio: float, cause: str) -> str:
    """'makes lipoma about 6 times more likely' / 'makes lipoma about 3 times less likely' (pure)."""
    way = "more" if ratio >= 1 else "less"
    return f"makes {cause} {times(ratio)} {way} likely"


def lr_mark(ratio: float) -> str:
    """The ratio as shown beside its words: '×6.4', '×0.31', '×12'."""
    if ratio >= 10:
        return f"×{ratio:.0f}"
    if ratio >= 1:
        return f"×{ratio:.1f}"
    return f"×{ratio:.2f}"
