"""The class-session store: one small interface, two backends (in-process memory and Redis).

A class session is held under its join code:

- meta: the case being run, the round (1 for the first case, one more per "next case"), the current
  stage (0-based) and how many the case has, whether the stage is open for answers, whether the
  answer is revealed, created and expiry times, the case ids of every round (for the CSV), and a
  SHA-256 of the teacher secret (never the secret itself);
- the students who joined: random ids, nothing else;
- the answers of each (round, stage): student id -> up to three causes and a triage level. A student
  who answers again replaces the earlier answer, so each student counts once per stage.

Only the holder of the teacher secret (given once, at `create`) can close, advance, reveal or start
the next case. Every key expires `ttl_seconds()` after the class was started (or after the last
"next case"). Nothing is written to disk: the memory store lives in the server process, and the
Redis store relies on the Redis server's own settings (run it with `--save '' --appendonly no` to
keep it off disk too).

A lost Redis connection raises `StoreUnavailable`; the client reconnects on the next call, so the
caller only has to try again.
"""

from __future__ import annotations

import abc
import functools
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

JOIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Join-code characters: digits and capitals without the look-alikes 0/O, 1/I/L, read off a projector."""
JOIN_LENGTH = 6
MAX_CAUSES = 3
MAX_STUDENTS = 400
"""A class larger than this is refused (it bounds the memory one class can take)."""
MAX_CLASSES = 500
"""The memory store holds at most this many live classes."""
TTL_ENV = "LBLN_CLASS_TTL_HOURS"
STORE_ENV = "LBLN_CLASS_STORE"
DEFAULT_TTL_HOURS = 4.0
TTL_HOURS_RANGE = (0.001, 48.0)
SECRET_BYTES = 24
"""The teacher secret's randomness: 192 bits."""
STUDENT_ID_BYTES = 12


# --- errors ---------------------------------------------------------------------------------------


class ClassError(Exception):
    """Something the person in front of the screen should be told in words."""


class SessionGone(ClassError):
    """No class runs under this code: it never existed, was mistyped, or has expired."""


class NotTeacher(ClassError):
    """The teacher secret given does not match the class's."""


class StageClosed(ClassError):
    """An answer for a stage that is no longer open (closed, moved on, or revealed)."""


class ClassFull(ClassError):
    """The class has reached MAX_STUDENTS (or the memory store MAX_CLASSES)."""


class StoreUnavailable(ClassError):
    """The store cannot be reached just now (Redis down or unreachable); try again shortly."""


# --- values ---------------------------------------------------------------------------------------


def normalise_code(text: str) -> str | None:
    """A join code as typed (any case, spaces or dashes between) in its canonical form, or None if it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(cleaned) != JOIN_LENGTH or any(ch not in JOIN_ALPHABET for ch in cleaned):
        return None
    return cleaned


def new_code() -> str:
    """A random join code."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))


def new_student_id() -> str:
    """A random, anonymous student id (96 bits): it names a browser, never a person."""
    return secrets.token_urlsafe(STUDENT_ID_BYTES)


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def ttl_seconds(environ: Mapping[str, str] | None = None) -> int:
    """The class lifetime from LBLN_CLASS_TTL_HOURS (default 4 hours); a bad value raises ValueError naming it."""
    env = os.environ if environ is None else environ
    raw = env.get(TTL_ENV, "").strip()
    if not raw:
        return int(DEFAULT_TTL_HOURS * 3600)
    try:
        hours = float(raw)
    except ValueError:
        msg = f"{TTL_ENV}={raw!r} is not a number of hours"
        raise ValueError(msg) from None
    low, high = TTL_HOURS_RANGE
    if not low <= hours <= high:
        msg = f"{TTL_ENV}={raw!r} is outside {low}..{high} hours"
        raise ValueError(msg)
    return max(1, round(hours * 3600))


@dataclass(frozen=True)
class Answer:
    """One student's answer at one stage: up to three causes, most likely first, and a triage level."""

    causes: tuple[str, ...]
    triage: str

    def __post_init__(self) -> None:
        if not 1 <= len(self.causes) <= MAX_CAUSES:
            msg = f"an answer names 1 to {MAX_CAUSES} causes, not {len(self.causes)}"
            raise ValueError(msg)
        if len(set(self.causes)) != len(self.causes) or not all(isinstance(c, str) and c for c in self.causes):
            msg = "an answer's causes are distinct, non-empty ids"
            raise ValueError(msg)
        if not isinstance(self.triage, str) or not self.triage:
            msg = "an answer has a triage level"
            raise ValueError(msg)

    def dumps(self) -> str:
        return json.dumps({"c": list(self.causes), "t": self.triage}, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> Answer:
        data = json.loads(text)
        return cls(tuple(data["c"]), data["t"])


@dataclass(frozen=True)
class ClassView:
    """What every screen of a class reads: where the class is (no secret, no answer)."""

    code: str
    case_id: str
    round: int
    stage: int
    stages: int
    stage_open: bool
    revealed: bool
    created: float
    expires: float
    cases: tuple[str, ...] = field(default=())
    """The case id of each round, first round first."""

    @property
    def last_stage(self) -> bool:
        return self.stage >= self.stages - 1


def _view_to_fields(v: ClassView) -> dict[str, str]:
    return {
        "case": v.case_id,
        "round": str(v.round),
        "stage": str(v.stage),
        "stages": str(v.stages),
        "open": "1" if v.stage_open else "0",
        "revealed": "1" if v.revealed else "0",
        "created": repr(v.created),
        "expires": repr(v.expires),
        "cases": ",".join(v.cases),
    }


def _view_from_fields(code: str, f: Mapping[str, str]) -> ClassView:
    return ClassView(
        code=code,
        case_id=f["case"],
        round=int(f["round"]),
        stage=int(f["stage"]),
        stages=int(f["stages"]),
        stage_open=f["open"] == "1",
        revealed=f["revealed"] == "1",
        created=float(f["created"]),
        expires=float(f["expires"]),
        cases=tuple(c for c in f.get("cases", "").split(",") if c),
    )


# --- teacher actions (pure: old view -> new view) --------------------------------------------------


def _close(v: ClassView) -> ClassView:
    return replace(v, stage_open=False)


def _advance(v: ClassView) -> ClassView:
    if v.revealed:
        msg = "the answer is already revealed; start the next case instead"
        raise StageClosed(msg)
    if v.last_stage:
        msg = "this is the case's last stage"
        raise StageClosed(msg)
    return replace(v, stage=v.stage + 1, stage_open=True)


def _reveal(v: ClassView) -> ClassView:
    return replace(v, stage_open=False, revealed=True)


def _checked_stages(stages: int) -> int:
    if not 1 <= stages <= 10:
        msg = f"a case has 1 to 10 stages, not {stages}"
        raise ValueError(msg)
    return stages


class ClassStore(abc.ABC):
    """The interface every screen uses. Codes are canonical (`normalise_code`)."""

    def __init__(self, ttl_s: int | None = None) -> None:
        self.ttl_s = ttl_seconds() if ttl_s is None else ttl_s

    @abc.abstractmethod
    def create(self, case_id: str, stages: int, now: float | None = None) -> tuple[ClassView, str]:
        """Start a class on a case: its view and the teacher secret (shown once, never stored)."""

    @abc.abstractmethod
    def view(self, code: str) -> ClassView:
        """Where the class is. Raises SessionGone for an unknown or expired code."""

    @abc.abstractmethod
    def is_teacher(self, code: str, secret: str) -> bool:
        """Whether `secret` is this class's teacher secret (constant-time comparison)."""

    @abc.abstractmethod
    def join(self, code: str, student: str) -> None:
        """Count a student as joined (once, however often they call)."""

    @abc.abstractmethod
    def joined(self, code: str) -> int:
        """How many students have joined."""

    @abc.abstractmethod
    def answer(self, code: str, student: str, round_: int, stage: int, answer: Answer) -> None:
        """Record (or replace) a student's answer to the open stage. Raises StageClosed otherwise."""

    @abc.abstractmethod
    def answers(self, code: str, round_: int, stage: int) -> dict[str, Answer]:
        """Every student's latest answer to one stage of one round."""

    @abc.abstractmethod
    def _update(self, code: str, secret: str, change: Callable[[ClassView], ClassView], refresh_ttl: bool = False) -> ClassView:
        """Apply a teacher action atomically, after checking the secret."""

    # teacher actions

    def close_stage(self, code: str, secret: str) -> ClassView:
        """Stop answers to the current stage (they stay counted)."""
        return self._update(code, secret, _close)

    def next_stage(self, code: str, secret: str) -> ClassView:
        """Release the next stage's findings and open it for answers."""
        return self._update(code, secret, _advance)

    def reveal(self, code: str, secret: str) -> ClassView:
        """Show the answer on every screen (closes the stage)."""
        return self._update(code, secret, _reveal)

    def next_case(self, code: str, secret: str, case_id: str, stages: int) -> ClassView:
        """Run another case with the same join code: a new round from its first stage (the clock restarts)."""
        _checked_stages(stages)

        def change(v: ClassView) -> ClassView:
            return replace(
                v, case_id=case_id, round=v.round + 1, stage=0, stages=stages, stage_open=True, revealed=False,
                expires=time.time() + self.ttl_s, cases=(*v.cases, case_id),
            )

        return self._update(code, secret, change, refresh_ttl=True)


def _check_answer_allowed(v: ClassView, round_: int, stage: int) -> None:
    if v.revealed or not v.stage_open or v.round != round_ or v.stage != stage:
        msg = "this stage is closed: the teacher has closed it, moved on, or revealed the answer"
        raise StageClosed(msg)


# --- memory -----------------------------------------------------------------------------------------


@dataclass
class _MemClass:
    view: ClassView
    secret_hash: str
    students: set[str] = field(default_factory=set)
    answers: dict[tuple[int, int], dict[str, Answer]] = field(default_factory=dict)


class MemoryStore(ClassStore):
    """Every class in this server process's memory (the default: one process, nothing to install)."""

    def __init__(self, ttl_s: int | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(ttl_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._classes: dict[str, _MemClass] = {}

    def _live(self, code: str) -> _MemClass:
        c = self._classes.get(code)
        if c is None or c.view.expires <= self._clock():
            self._classes.pop(code, None)
            msg = f"no class is running with the code {code}"
            raise SessionGone(msg)
        return c

    def _purge(self) -> None:
        now = self._clock()
        for code in [k for k, c in self._classes.items() if c.view.expires <= now]:
            del self._classes[code]

    def create(self, case_id: str, stages: int, now: float | None = None) -> tuple[ClassView, str]:
        _checked_stages(stages)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        start = self._clock() if now is None else now
        with self._lock:
            self._purge()
            if len(self._classes) >= MAX_CLASSES:
                msg = f"this server already runs {MAX_CLASSES} classes"
                raise ClassFull(msg)
            code = new_code()
            while code in self._classes:
                code = new_code()
            view = ClassView(code, case_id, 1, 0, stages, True, False, start, start + self.ttl_s, (case_id,))
            self._classes[code] = _MemClass(view, _secret_hash(secret))
        return view, secret

    def view(self, code: str) -> ClassView:
        with self._lock:
            return self._live(code).view

    def is_teacher(self, code: str, secret: str) -> bool:
        with self._lock:
            stored = self._live(code).secret_hash
        return hmac.compare_digest(stored, _secret_hash(secret))

    def join(self, code: str, student: str) -> None:
        with self._lock:
            c = self._live(code)
            if student not in c.students and len(c.students) >= MAX_STUDENTS:
                msg = f"this class is full ({MAX_STUDENTS} students)"
                raise ClassFull(msg)
            c.students.add(student)

    def joined(self, code: str) -> int:
        with self._lock:
            return len(self._live(code).students)

    def answer(self, code: str, student: str, round_: int, stage: int, answer: Answer) -> None:
        with self._lock:
            c = self._live(code)
            _check_answer_allowed(c.view, round_, stage)
            if student not in c.students and len(c.students) >= MAX_STUDENTS:
                msg = f"this class is full ({MAX_STUDENTS} students)"
                raise ClassFull(msg)
            c.students.add(student)
            c.answers.setdefault((round_, stage), {})[student] = answer

    def answers(self, code: str, round_: int, stage: int) -> dict[str, Answer]:
        with self._lock:
            return dict(self._live(code).answers.get((round_, stage), {}))

    def _update(self, code: str, secret: str, change: Callable[[ClassView], ClassView], refresh_ttl: bool = False) -> ClassView:
        with self._lock:
            c = self._live(code)
            if not hmac.compare_digest(c.secret_hash, _secret_hash(secret)):
                msg = "this is not the teacher link of the class"
                raise NotTeacher(msg)
            c.view = change(c.view)
            return c.view


# --- redis --------------------------------------------------------------------------------------------

_PREFIX = "lbln:class:"

_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
"""

# KEYS: meta, joined set, answers hash (or the joined set again for a join). ARGV: student, max students,
# then for an answer: round, stage, payload. Returns 1 done, -1 gone, -2 full, 0 stage closed.
_JOIN = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -2 end
redis.call('SADD', KEYS[2], ARGV[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return 1
"""

_ANSWER = """
local m = redis.call('HMGET', KEYS[1], 'round', 'stage', 'open', 'revealed')
if not m[1] then return -1 end
if m[1] ~= ARGV[3] or m[2] ~= ARGV[4] or m[3] ~= '1' or m[4] == '1' then return 0 end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -2 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[5])
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[3], ttl)
end
return 1
"""

REDIS_TIMEOUT_S = 1.0
"""Socket and connect timeout: a Redis that does not answer within a second counts as lost."""


class RedisStore(ClassStore):
    """Classes in one Redis database shared by several server processes (`LBLN_CLASS_STORE=redis://...`)."""

    def __init__(self, url: str, ttl_s: int | None = None) -> None:
        super().__init__(ttl_s)
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._errors: tuple[type[Exception], ...] = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
        self._watch_error = redis.exceptions.WatchError
        self.client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            retry=Retry(NoBackoff(), 1),  # one quick retry on a stale pooled connection, then tell the user
            health_check_interval=10,
        )
        self._create = self.client.register_script(_CREATE)
        self._join = self.client.register_script(_JOIN)
        self._answer = self.client.register_script(_ANSWER)

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except self._errors as err:
            msg = "the class store (Redis) cannot be reached"
            raise StoreUnavailable(msg) from err

    @staticmethod
    def _keys(code: str) -> tuple[str, str]:
        return f"{_PREFIX}{code}", f"{_PREFIX}{code}:joined"

    @staticmethod
    def _answers_key(code: str, round_: int, stage: int) -> str:
        return f"{_PREFIX}{code}:a:{round_}:{stage}"

    def create(self, case_id: str, stages: int, now: float | None = None) -> tuple[ClassView, str]:
        _checked_stages(stages)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        start = time.time() if now is None else now
        for _ in range(20):
            code = new_code()
            view = ClassView(code, case_id, 1, 0, stages, True, False, start, start + self.ttl_s, (case_id,))
            fields = {**_view_to_fields(view), "secret": _secret_hash(secret)}
            flat = [x for kv in fields.items() for x in kv]
            meta, _joined = self._keys(code)
            args: list[str | int] = [self.ttl_s, *flat]
            if self._call(functools.partial(self._create, keys=[meta], args=args)) == 1:
                return view, secret
        msg = "no free join code found"
        raise ClassFull(msg)

    def _fields(self, code: str) -> dict[str, str]:
        meta, _ = self._keys(code)
        fields: dict[str, str] = self._call(lambda: self.client.hgetall(meta))
        if not fields:
            msg = f"no class is running with the code {code}"
            raise SessionGone(msg)
        return fields

    def view(self, code: str) -> ClassView:
        return _view_from_fields(code, self._fields(code))

    def is_teacher(self, code: str, secret: str) -> bool:
        return hmac.compare_digest(self._fields(code)["secret"], _secret_hash(secret))

    def _status(self, result: int, code: str) -> None:
        if result == -1:
            msg = f"no class is running with the code {code}"
            raise SessionGone(msg)
        if result == -2:
            msg = f"this class is full ({MAX_STUDENTS} students)"
            raise ClassFull(msg)
        if result == 0:
            msg = "this stage is closed: the teacher has closed it, moved on, or revealed the answer"
            raise StageClosed(msg)

    def join(self, code: str, student: str) -> None:
        meta, joined = self._keys(code)
        self._status(int(self._call(lambda: self._join(keys=[meta, joined], args=[student, MAX_STUDENTS]))), code)

    def joined(self, code: str) -> int:
        meta, joined = self._keys(code)
        pipe = self.client.pipeline(transaction=False)
        pipe.exists(meta)
        pipe.scard(joined)
        exists, count = self._call(pipe.execute)
        if not exists:
            msg = f"no class is running with the code {code}"
            raise SessionGone(msg)
        return int(count)

    def answer(self, code: str, student: str, round_: int, stage: int, answer: Answer) -> None:
        meta, joined = self._keys(code)
        keys = [meta, joined, self._answers_key(code, round_, stage)]
        args: list[str | int] = [student, MAX_STUDENTS, str(round_), str(stage), answer.dumps()]
        self._status(int(self._call(lambda: self._answer(keys=keys, args=args))), code)

    def answers(self, code: str, round_: int, stage: int) -> dict[str, Answer]:
        raw: dict[str, str] = self._call(lambda: self.client.hgetall(self._answers_key(code, round_, stage)))
        return {student: Answer.loads(text) for student, text in raw.items()}

    def _update(self, code: str, secret: str, change: Callable[[ClassView], ClassView], refresh_ttl: bool = False) -> ClassView:
        meta, joined = self._keys(code)
        done: list[ClassView] = []

        def apply(pipe: Any) -> None:
            fields = pipe.hgetall(meta)
            if not fields:
                msg = f"no class is running with the code {code}"
                raise SessionGone(msg)
            if not hmac.compare_digest(fields["secret"], _secret_hash(secret)):
                msg = "this is not the teacher link of the class"
                raise NotTeacher(msg)
            new = change(_view_from_fields(code, fields))
            pipe.multi()
            pipe.hset(meta, mapping=_view_to_fields(new))
            if refresh_ttl:
                pipe.expire(meta, self.ttl_s)
                pipe.expire(joined, self.ttl_s)
            done.append(new)

        self._call(lambda: self.client.transaction(apply, meta))
        return done[-1]

    def close(self) -> None:
        self.client.close()


# --- choosing one --------------------------------------------------------------------------------------

_memory_lock = threading.Lock()
_stores: dict[str, ClassStore] = {}


def open_store(environ: Mapping[str, str] | None = None) -> ClassStore:
    """The store LBLN_CLASS_STORE names (unset: this process's memory store), one per process and setting.

    Raises ValueError naming the setting when it is neither empty nor a redis:// (or rediss://) URL.
    """
    env = os.environ if environ is None else environ
    url = env.get(STORE_ENV, "").strip()
    ttl = ttl_seconds(env)
    key = f"{url}|{ttl}"
    with _memory_lock:
        store = _stores.get(key)
        if store is None:
            if not url:
                store = MemoryStore(ttl)
            elif url.startswith(("redis://", "rediss://", "unix://")):
                store = RedisStore(url, ttl)
            else:
                msg = f"{STORE_ENV}={url!r} is not understood: leave it unset (memory) or give redis://host:port/db"
                raise ValueError(msg)
            _stores[key] = store
        return store
