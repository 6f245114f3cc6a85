"""The class store's contract, run against both backends: in-process memory and a real Redis server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from classroom import store as cs
from classroom.store import Answer, ClassStore, MemoryStore, NotTeacher, SessionGone, StageClosed, normalise_code

TTL_S = 30


@pytest.fixture(params=["memory", "redis"])
def make_store(request: pytest.FixtureRequest) -> Iterator[object]:
    """A factory of fresh stores of one backend: `make_store(ttl_s)`."""
    made: list[ClassStore] = []

    def make(ttl_s: int = TTL_S) -> ClassStore:
        if request.param == "memory":
            s: ClassStore = MemoryStore(ttl_s)
        else:
            s = cs.RedisStore(request.getfixturevalue("redis_url"), ttl_s)
        made.append(s)
        return s

    yield make
    for s in made:
        if isinstance(s, cs.RedisStore):
            s.close()


@pytest.fixture
def store(make_store) -> ClassStore:
    return make_store()


A = Answer(("lipoma", "epidermoid_cyst"), "routine")
B = Answer(("abscess",), "urgent")


def test_create_gives_a_short_unambiguous_code_and_a_long_secret(store):
    """A new class has a 6-character code of the unambiguous alphabet, a secret of at least 128 bits, and starts open at stage 0."""
    view, secret = store.create("tc-x", 2)
    assert len(view.code) == 6 and all(ch in cs.JOIN_ALPHABET for ch in view.code)
    assert not set(view.code) & set("01OIL")
    assert len(secret) >= 22  # token_urlsafe: 6 bits a character, so 22 characters hold 128 bits
    assert (view.case_id, view.round, view.stage, view.stages, view.stage_open, view.revealed) == ("tc-x", 1, 0, 2, True, False)
    assert store.view(view.code) == view
    other, other_secret = store.create("tc-x", 2)
    assert other.code != view.code and other_secret != secret


def test_only_the_teacher_secret_controls_the_class(store):
    """A wrong secret (or another class's) is refused for every teacher action and changes nothing."""
    view, secret = store.create("tc-x", 2)
    _, other_secret = store.create("tc-y", 2)
    assert store.is_teacher(view.code, secret)
    for wrong in ("", "guess", other_secret, secret[:-1]):
        assert not store.is_teacher(view.code, wrong)
        for action in (store.close_stage, store.next_stage, store.reveal):
            with pytest.raises(NotTeacher):
                action(view.code, wrong)
        with pytest.raises(NotTeacher):
            store.next_case(view.code, wrong, "tc-z", 2)
    assert store.view(view.code) == view


def test_unknown_code_is_gone(store):
    """Every call on a code no class holds raises SessionGone."""
    with pytest.raises(SessionGone):
        store.view("ABCDEF")
    with pytest.raises(SessionGone):
        store.join("ABCDEF", "s1")
    with pytest.raises(SessionGone):
        store.answer("ABCDEF", "s1", 1, 0, A)
    with pytest.raises(SessionGone):
        store.joined("ABCDEF")


def test_answers_are_counted_once_and_replaced(store):
    """A student who joins twice counts once; a second answer replaces the first."""
    view, _ = store.create("tc-x", 2)
    store.join(view.code, "s1")
    store.join(view.code, "s1")
    store.join(view.code, "s2")
    assert store.joined(view.code) == 2
    store.answer(view.code, "s1", 1, 0, A)
    store.answer(view.code, "s1", 1, 0, B)
    store.answer(view.code, "s2", 1, 0, A)
    assert store.answers(view.code, 1, 0) == {"s1": B, "s2": A}
    store.answer(view.code, "s3", 1, 0, A)  # answering without joining first joins
    assert store.joined(view.code) == 3


def test_concurrent_answers_are_all_counted(store):
    """Forty students answering at once from threads: forty answers, none lost or doubled."""
    view, _ = store.create("tc-x", 1)

    def student(n: int) -> None:
        store.join(view.code, f"s{n}")
        store.answer(view.code, f"s{n}", 1, 0, A if n % 2 else B)
        store.answer(view.code, f"s{n}", 1, 0, B if n % 2 else A)

    threads = [threading.Thread(target=student, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = store.answers(view.code, 1, 0)
    assert len(got) == 40 and store.joined(view.code) == 40
    assert sum(1 for a in got.values() if a == A) == 20


def test_stages_close_advance_and_reveal(store):
    """Answers go only to the open current stage; closing, advancing and revealing move the class as the teacher says."""
    view, secret = store.create("tc-x", 2)
    code = view.code
    store.answer(code, "s1", 1, 0, A)
    closed = store.close_stage(code, secret)
    assert not closed.stage_open and closed.stage == 0
    with pytest.raises(StageClosed):
        store.answer(code, "s1", 1, 0, B)
    assert store.answers(code, 1, 0) == {"s1": A}
    moved = store.next_stage(code, secret)
    assert (moved.stage, moved.stage_open) == (1, True)
    with pytest.raises(StageClosed):
        store.answer(code, "s1", 1, 0, B)  # an old stage
    store.answer(code, "s1", 1, 1, B)
    with pytest.raises(StageClosed):
        store.next_stage(code, secret)  # no stage after the last
    shown = store.reveal(code, secret)
    assert shown.revealed and not shown.stage_open
    with pytest.raises(StageClosed):
        store.answer(code, "s1", 1, 1, A)
    assert store.answers(code, 1, 1) == {"s1": B}


def test_next_case_keeps_the_code_and_starts_a_new_round(store):
    """The next case runs under the same code from its first stage, hidden again; the old round's answers stay apart."""
    view, secret = store.create("tc-x", 2)
    store.join(view.code, "s1")
    store.answer(view.code, "s1", 1, 0, A)
    store.reveal(view.code, secret)
    nxt = store.next_case(view.code, secret, "tc-y", 1)
    assert (nxt.code, nxt.case_id, nxt.round, nxt.stage, nxt.stages, nxt.stage_open, nxt.revealed) == (view.code, "tc-y", 2, 0, 1, True, False)
    assert nxt.cases == ("tc-x", "tc-y")
    assert store.answers(view.code, 2, 0) == {}
    assert store.answers(view.code, 1, 0) == {"s1": A}
    assert store.joined(view.code) == 1
    with pytest.raises(StageClosed):
        store.answer(view.code, "s1", 1, 0, B)


def test_sessions_expire(make_store):
    """A class is gone once its time to live has passed, for the students and the teacher alike."""
    store = make_store(1)
    view, secret = store.create("tc-x", 2)
    store.join(view.code, "s1")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            store.view(view.code)
        except SessionGone:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the class did not expire")
    with pytest.raises(SessionGone):
        store.reveal(view.code, secret)
    with pytest.raises(SessionGone):
        store.join(view.code, "s2")


def test_answer_values_are_checked():
    """An answer names one to three distinct causes and a triage level."""
    for causes in ((), ("a", "b", "c", "d"), ("a", "a"), ("",)):
        with pytest.raises(ValueError, match="an answer"):
            Answer(causes, "routine")
    with pytest.raises(ValueError, match="triage"):
        Answer(("a",), "")
    assert Answer.loads(A.dumps()) == A


def test_codes_are_read_as_typed():
    """A code typed in lower case, with spaces or a dash, is read; anything else is not a code."""
    assert normalise_code("ab2 c-d3") == "AB2CD3"
    assert normalise_code("ABCDE") is None
    assert normalise_code("ABCDE0") is None  # 0 is not in the alphabet
    assert normalise_code("<scrip") is None


def test_settings_choose_the_backend_and_the_lifetime(redis_url):
    """Unset LBLN_CLASS_STORE is the memory store (one per process); redis:// a Redis store; anything else is named."""
    memory = cs.open_store({})
    assert isinstance(memory, MemoryStore) and cs.open_store({}) is memory
    assert memory.ttl_s == 4 * 3600
    assert cs.open_store({"LBLN_CLASS_TTL_HOURS": "0.5"}).ttl_s == 1800
    assert isinstance(cs.open_store({"LBLN_CLASS_STORE": redis_url}), cs.RedisStore)
    with pytest.raises(ValueError, match="LBLN_CLASS_STORE"):
        cs.open_store({"LBLN_CLASS_STORE": "postgres://x"})
    for bad in ("soon", "0", "1000"):
        with pytest.raises(ValueError, match="LBLN_CLASS_TTL_HOURS"):
            cs.ttl_seconds({"LBLN_CLASS_TTL_HOURS": bad})


def test_lost_redis_is_unavailable_then_recovers(redis_server):
    """With Redis stopped every call raises StoreUnavailable quickly; once it is back the same store works again."""
    import redis as redis_lib

    if redis_server.proc is None:
        redis_server.start()
    redis_lib.Redis.from_url(redis_server.url).flushdb()
    store = cs.RedisStore(redis_server.url, TTL_S)
    view, secret = store.create("tc-x", 2)
    redis_server.stop()
    try:
        start = time.monotonic()
        for call in (lambda: store.view(view.code), lambda: store.answer(view.code, "s1", 1, 0, A), lambda: store.reveal(view.code, secret)):
            with pytest.raises(cs.StoreUnavailable):
                call()
        assert time.monotonic() - start < 10, "a lost Redis must be reported within seconds"
    finally:
        redis_server.start()
    # the server came back empty (no disk): the class is gone, and the store says so rather than failing
    with pytest.raises(SessionGone):
        store.view(view.code)
    again, _ = store.create("tc-x", 2)
    assert store.view(again.code) == again
    store.close()
