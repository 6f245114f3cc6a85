"""User-facing wording of live class sessions (teacher, projector, student), in one place for review."""

from __future__ import annotations

# --- starting and joining --------------------------------------------------------------------------
START_CLASS = "Start a live class with this case"
START_CLASS_HELP = (
    "Students join with a short code on their phones and answer stage by stage; the projector shows the "
    "tally; only you can reveal the answer."
)
JOIN_HEADING = "Join a live class"
JOIN_LABEL = "Class code (on the projector)"
JOIN_BUTTON = "Join"
JOIN_PLACEHOLDER = "for example K7QX2M"
BAD_CODE = "That is not a class code: a code is six letters and digits, as on the projector."
GONE = (
    "No class is running with the code {code}. Check the code on the projector: it may be mistyped, or "
    "the class has ended (classes close {hours} hours after they start)."
)
FORGED_TEACHER = (
    "This teacher link is not valid for class {code}: only the link made when the class was started can "
    "control it. Students join with the code alone; the class goes on unchanged."
)
STORE_LOST = (
    "The class server cannot be reached just now, so answers and the tally are paused. Nothing is lost "
    "that was already counted. This page retries every second and carries on by itself when it is back."
)
STORE_SETTING = "The class store setting is wrong, so live classes are off on this server: {problem}"
CLASS_FULL = "This class is full: {problem}."

# --- the student ------------------------------------------------------------------------------------
STUDENT_INTRO = "Class {code}: you are anonymous. Your teacher reveals the answer to everyone at the end."


def stage_heading(number: int, total: int) -> str:
    """'Stage 1 of 2': where the class is (each released stage's findings are headed by its own name)."""
    return f"Stage {number} of {total}"


NEW_AT_STAGE = "new"
"""The tag on the heading of the stage just released (from stage 2 on)."""


ANSWER_HEADING = "Your answer at this stage"
ANSWER_CAUSES = "Most likely causes: choose up to 3, most likely first"
ANSWER_TRIAGE = "Triage"
SEND = "Send my answer"
SEND_AGAIN = "Change my answer"
SENT = "Your answer is in: {answer}. You can change it until the teacher closes this stage."
NOT_SENT = "Your answer was not sent: {problem}"
STAGE_CLOSED = "The teacher has closed this stage. Wait for the next one; your last answer counts."
STAGE_CLOSED_NONE = "The teacher has closed this stage before you answered. Wait for the next one."
WAITING_REVEAL = "The answer stays hidden until your teacher reveals it to the class."
COMPARE_FINAL = "Compared with your last answer (stage {stage})"
NO_ANSWER_GIVEN = "You gave no answer in this case, so there is nothing to compare."
TOO_MANY = "Choose at most 3 causes: untick one to send."
NEED_BOTH = "Choose at least one cause and a triage level to send."

# --- the teacher ----------------------------------------------------------------------------------
TEACHER_HEADING = "Teacher's console: class {code}"
TEACHER_WARNING = (
    "Keep this page to yourself: its address controls the class. Put the projector view on the room's screen."
)
OPEN_PROJECTOR = "Open the projector view"
CLOSE_STAGE = "Close answers for this stage"
NEXT_STAGE = "Release stage {number}: {title}"
REVEAL = "Reveal the answer to everyone"
NEXT_CASE_LABEL = "Next case (same class code)"
NEXT_CASE = "Start the next case"
DOWNLOAD = "Download the anonymous tallies (CSV)"
STATE_OPEN = "Answers open"
STATE_CLOSED = "Answers closed"
STATE_REVEALED = "Answer revealed"
TEACHER_ANSWER = "The expected answer (on your screen only)"
ALREADY_LAST = "This is the last stage: reveal when the class has answered."

# --- the projector / tally -------------------------------------------------------------------------
JOIN_AT = "Join at"
JOIN_CODE = "Class code"
TALLY_HEADING = "The class so far"
JOINED = "joined"
ANSWERED = "answered this stage"
FIRST_CAUSES = "First-choice cause"
TRIAGE_CHOSEN = "Triage chosen"
UNDER_TRIAGED = "under-triaged"
UNDER_HIDDEN = "Under-triage is shown with the answer."
NO_ANSWERS = "No answers yet."
BY_STAGE_HEADING = "How the class's thinking moved, stage by stage"
COL_STAGE = "Stage"
COL_ANSWERED = "Answered"
COL_CLASS_FIRST = "Class's top first choice"
COL_NAMED = "Named the diagnosis (top 3)"
COL_UNDER = "Under-triaged"
COL_NAVIGATOR = "Navigator's top cause (findings so far)"
COL_NAV_TRIAGE = "Navigator's triage"


def share(n: int, of: int) -> str:
    """'7 of 20 (35%)'."""
    pct = round(100 * n / of) if of else 0
    return f"{n} of {of} ({pct}%)"
