"""Live class sessions without the interface: the class state, its two stores, stages and tallies.

A teacher starts a class from a teaching case; students join with a short code and answer stage by
stage; the projector shows the tally; the teacher reveals the answer to everyone. This package holds
the state and the arithmetic only. It never imports Streamlit or the dashboard, and it stores no
name or anything else that identifies a student: a student is a random id the browser keeps.

`open_store()` picks the backend from one setting, `LBLN_CLASS_STORE`: unset, the in-process memory
store (one server process, nothing to install); `redis://host:port/db`, a Redis server shared by
several server processes. Neither writes to disk by itself.
"""

from classroom.stages import STAGE_GROUPS, Stage, case_stages
from classroom.store import (
    JOIN_ALPHABET,
    JOIN_LENGTH,
    Answer,
    ClassError,
    ClassFull,
    ClassStore,
    ClassView,
    MemoryStore,
    NotTeacher,
    SessionGone,
    StageClosed,
    StoreUnavailable,
    new_student_id,
    normalise_code,
    open_store,
    ttl_seconds,
)
from classroom.tally import Tally, tallies_csv, tally

__all__ = [
    "JOIN_ALPHABET",
    "JOIN_LENGTH",
    "STAGE_GROUPS",
    "Answer",
    "ClassError",
    "ClassFull",
    "ClassStore",
    "ClassView",
    "MemoryStore",
    "NotTeacher",
    "SessionGone",
    "Stage",
    "StageClosed",
    "StoreUnavailable",
    "Tally",
    "case_stages",
    "new_student_id",
    "normalise_code",
    "open_store",
    "tallies_csv",
    "tally",
    "ttl_seconds",
]
