"""User-facing wording of the teaching page, in one place for review (shared words: dashboard.common.words).

Clinical wording (cause names, finding labels, step labels, teaching points) comes from the
knowledge and the case library; this module holds only the interface's own words.
"""

from __future__ import annotations

from dashboard.common.words import LEVEL_WORDS

# --- library ----------------------------------------------------------------------------------------
LIBRARY_INTRO = (
    "Pick a case. Each screen keeps the answer hidden until you commit a guess or reveal it on "
    "that screen."
)
DIFFICULTY_LABEL = "Difficulty"
REGION_LABEL = "Body region"
DIFFICULTY_WORDS = {"easy": "easy", "medium": "medium", "hard": "hard"}
OPEN_CASE = "Open case"
NO_MATCH = "No case matches these filters. Clear a filter to see more."


def case_count(n: int) -> str:
    """'12 cases'."""
    return f"{n} case{'s' if n != 1 else ''}"


# --- link problems ----------------------------------------------------------------------------------
LINK_PROBLEM_HEADING = "This teaching link could not be used as it is."
LINK_PROBLEM_LIBRARY = "Pick a case from the library below."

# --- the case ---------------------------------------------------------------------------------------
BACK = "← All cases"
PROJECTOR_TOGGLE = "Projector mode"
PROJECTOR_HELP = "Large type and high contrast for a room, with the class link and its QR code. Adds `view=projector` to the address."
REVEAL_TOGGLE = "Reveal answer to this screen"
REVEAL_HELP = (
    "Shows the answer on this screen only. Every student's screen is separate: theirs stays hidden until "
    "they commit a guess or reveal it themselves."
)
REVEAL_LOCKED_HELP = "You committed your answer, so the answer is shown."
STORY = "The story"
FINDINGS = "The findings"
NOT_EXAMINED_HEADING = "Not examined"


def not_examined_summary(n: int) -> str:
    """Summary of the folded list of findings nobody examined."""
    return f"{n} finding{'s' if n != 1 else ''} were not examined (unknown, not normal): tap to list"


# --- the guess --------------------------------------------------------------------------------------
GUESS_HEADING = "Your answer, before you see ours"
GUESS_CAUSES = "Most likely causes: choose up to 3, most likely first"
GUESS_TRIAGE = "Triage"
COMMIT = "Commit my answer"
MAX_GUESSES = 3
TOO_MANY = f"Choose at most {MAX_GUESSES} causes: untick one to commit."
NEED_BOTH = "Choose at least one cause and a triage level to commit."
GUESS_CLOSED = "The answer is shown on this screen, so guessing is closed. Hide it again to guess."
GUESS_CLOSED_EXPANDER = "Your answer: closed while the answer is shown"
COMMITTED = "Your committed answer"

# --- the answer ---------------------------------------------------------------------------------------
HIDDEN_NOTE = "The answer is hidden on this screen until you commit your answer or reveal it."
ENGINE_HEADING = "The navigator's assessment"
ANSWER_HEADING = "The expected answer"
COMPARE_HEADING = "How your answer compares"
DIAGNOSIS = "Diagnosis"
ACCEPTABLE = "Also acceptable"
TRIAGE = "Triage"
KEY_WORKUP = "Key workup"
AVOID = "Avoid"
REFERRAL = "Referral"
NONE = "none"
ENGINE_MISLEADS = "Here the ranking misleads:"
POINTS_HEADING = "Teaching points"
SOURCES_HEADING = "Sources"
OPEN_AT_BEDSIDE = "Open this case at the bedside"
OPEN_AT_BEDSIDE_HELP = "Opens the bedside page in a new tab with this case's findings entered, to see how each finding moves the ranking."

# Icons as well as words: never colour alone.
ICON_HIT = "\u2713"  # check mark
ICON_PARTIAL = "\u25d0"  # circle with left half black
ICON_MISS = "\u2716"  # heavy X
ICON_UNDER = "\u25bc"  # down-pointing triangle
ICON_OVER = "\u25b2"  # up-pointing triangle


def diagnosis_verdict(named: bool, position: int | None, diagnosis: str) -> str:
    """One line on whether the guess named the diagnosis."""
    if named and position == 1:
        return f"You named the diagnosis, {diagnosis}, as your first cause."
    if named:
        return f"You named the diagnosis, {diagnosis}, as your cause number {position}."
    return f"You did not name the diagnosis: {diagnosis}."


GUESS_VERDICTS = {
    "diagnosis": "the diagnosis",
    "acceptable": "acceptable",
    "other": "not expected here",
}


def triage_verdict(verdict: str, guessed: str, expected: str) -> str:
    """One line on the guessed triage against the expected one."""
    g, e = LEVEL_WORDS[guessed], LEVEL_WORDS[expected]
    if verdict == "match":
        return f"Triage right: {e}."
    if verdict == "under":
        return f"Under-triaged: you chose {g}, the answer is {e}. Under-triage is the dangerous slip."
    return f"Over-triaged: you chose {g}, the answer is {e}. Safe, but it spends urgent places."


# --- sharing ------------------------------------------------------------------------------------------
SHARE_HEADING = "Class link"
SHARE_EXPANDER = "Share this case with the class: link and QR code"
SHARE_NOTE = "Scan or type this link: the case opens with the answer hidden on every student's screen."
TEACHER_LINK = "Teacher's projector link (opens with the answer shown; do not give it to students)"
QR_ALT = "QR code of the class link"
LOCAL_LINK = (
    "This link names this computer (localhost), so it works only here. For students' devices, open "
    "the app by this computer's network address (for example `http://192.168.1.20:8501`) and use the "
    "link and QR code shown then."
)
