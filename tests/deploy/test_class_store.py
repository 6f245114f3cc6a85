"""`make serve` and live class sessions: the deployment's own Redis, shared by both Streamlit processes.

A teacher pinned (sticky cookie) to one Streamlit process and a student pinned to the other must see one
class, so both processes need one LBLN_CLASS_STORE. deploy/lbln_deploy.py starts Debian's redis-server
for that (loopback, a random password, nothing on disk) unless LBLN_CLASS_STORE is already set, and stops
it with the rest. Everything here runs on 127.0.0.1 and is bounded in time.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from classroom.store import RedisStore
from dashboard.teaching import class_text as ct

from .conftest import (
    ROOT,
    TIMEOUT_MS,
    access_log_lines,
    lbln_deploy,
    nginx_or_skip,
    redis_or_skip,
    settings_for,
    start_deployment,
    wait_for_app,
    wait_log_lines,
)

pytestmark = [pytest.mark.deploy]

CASE = "tc-pilonidal-first-abscess"
SERVE_START_S = 120
STOP_S = 40
URL = re.compile(r"^redis://:([A-Za-z0-9_-]{40,})@127\.0\.0\.1:(\d+)/0$")


# region helpers


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:  # gone meanwhile
        return []


def _children(pid: int) -> list[int]:
    """The live child processes of `pid` (from /proc/*/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _redis_children(pid: int) -> list[int]:
    return [c for c in _children(pid) if "redis-server" in Path(_cmdline(c)[0] or "-").name]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _listening(port: int) -> list[tuple[str, str]]:
    """(file, local address in /proc/net's hex) of every listening TCP socket on `port`, IPv4 and IPv6."""
    found = []
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            cols = line.split()
            addr, hexport = cols[1].rsplit(":", 1)
            if int(hexport, 16) == port and cols[3] == "0A":  # 0A: LISTEN
                found.append((name, addr))
    return found


def _route_cookies(dep: Any) -> dict[str, str]:
    """One lbln_route cookie value per Streamlit process ('127.0.0.1:port' -> value), from nginx's own
    choice for new browsers (read back from its access log)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    wanted = {f"127.0.0.1:{p}" for p in dep.settings.backends}
    found: dict[str, str] = {}
    for _ in range(60):
        start = len(access_log_lines(dep))
        conn = http.client.HTTPSConnection("127.0.0.1", dep.settings.https_port, context=ctx, timeout=5)
        conn.request("GET", "/_stcore/health")
        resp = conn.getresponse()
        resp.read()
        conn.close()
        value = next(v.split(";")[0].split("=", 1)[1] for k, v in resp.getheaders() if k.lower() == "set-cookie" and v.startswith("lbln_route="))
        line = wait_log_lines(dep, start, "/_stcore/health")[-1]
        upstream = re.search(r"upstream=(\S+)$", line)
        assert upstream, line
        found.setdefault(upstream.group(1), value)
        if set(found) == wanted:
            return found
    pytest.fail(f"60 new browsers did not reach both processes: {sorted(found)}")


def _class_page(browser: Any, dep: Any, route: str, query: str) -> Any:
    """A new browser context pinned by its route cookie to one process, on `query` through nginx."""
    base = f"https://127.0.0.1:{dep.settings.https_port}/"
    context = browser.new_context(ignore_https_errors=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": "lbln_route", "value": route, "url": base}])
    page = context.new_page()
    resp = page.goto(base + query)
    assert resp is not None and resp.ok
    wait_for_app(page)
    return context, page


# endregion

# region the deployment every deploy test shares


def test_both_processes_get_the_deployments_redis(deployment: Any) -> None:
    dep = deployment
    assert dep.redis is not None and dep.redis.poll() is None
    match = URL.match(dep.class_store)
    assert match, "LBLN_CLASS_STORE is not redis://:<password>@127.0.0.1:<port>/0"
    assert int(match.group(2)) == dep.redis_port
    stores = [_environ(p.pid).get("LBLN_CLASS_STORE") for p in dep.streamlit]
    assert len(stores) == 2 and stores[0] == stores[1] == dep.class_store
    # classroom/store.py reads that URL (password and all): a class made through one store instance is
    # seen through another, as the two processes see each other's.
    one, two = RedisStore(dep.class_store), RedisStore(dep.class_store)
    try:
        view, secret = one.create(CASE, 2)
        assert two.view(view.code) == view and two.is_teacher(view.code, secret)
    finally:
        one.close()
        two.close()


def test_redis_is_loopback_only_in_memory_and_needs_the_password(deployment: Any) -> None:
    dep = deployment
    port, password = dep.redis_port, URL.match(dep.class_store).group(1)  # type: ignore[union-attr]
    assert _listening(port) == [("tcp", "0100007F")], "Redis must listen on 127.0.0.1 only (no other address, no IPv6)"
    assert lbln_deploy.redis_ping(port, None).startswith(b"-NOAUTH")
    assert lbln_deploy.redis_ping(port, "not-the-password").startswith(b"-WRONGPASS")
    assert lbln_deploy.redis_ping(port, password) == b"+OK\r\n+PONG\r\n"
    import redis

    client = redis.Redis.from_url(dep.class_store, decode_responses=True)
    try:
        config = {k: client.config_get(k)[k] for k in ("bind", "save", "appendonly", "protected-mode", "logfile")}
    finally:
        client.close()
    assert config["bind"] == "127.0.0.1"
    assert config["save"] == "" and config["appendonly"] == "no"
    assert config["protected-mode"] == "yes"
    assert config["logfile"] == str(dep.settings.log_dir / "redis.log")
    # The password is on no command line and in no log (the URL lives only in the processes' environment).
    for pid in (dep.redis.pid, *(p.pid for p in dep.streamlit)):
        assert password not in " ".join(_cmdline(pid))
    assert (dep.settings.log_dir / "redis.log").stat().st_size > 0
    for path in dep.settings.run_dir.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
    assert list((dep.settings.run_dir / "redis").iterdir()) == [], "Redis wrote to disk"


@pytest.mark.e2e
def test_a_student_on_the_other_process_finds_the_teachers_class(deployment: Any, browser: Any) -> None:
    """The teacher starts a class in a browser pinned to one process; a student pinned to the other
    opens the join link and gets the case, not 'no class is running'."""
    dep = deployment
    routes = _route_cookies(dep)
    (teacher_backend, teacher_route), (student_backend, student_route) = sorted(routes.items())
    start = len(access_log_lines(dep))
    opened = []
    try:
        context, teacher = _class_page(browser, dep, teacher_route, f"?page=teach&case={CASE}")
        opened.append(context)
        teacher.get_by_role("button", name=ct.START_CLASS).click()
        teacher.locator("[data-lbln='join-code']").wait_for(state="visible")
        code = teacher.locator("[data-lbln='join-code']").inner_text().strip()
        context, student = _class_page(browser, dep, student_route, f"?page=teach&class={code}")
        opened.append(context)
        student.locator("[data-lbln='story'], [data-testid='stAlertContentError']").first.wait_for(state="visible")
        assert student.get_by_text("No class is running", exact=False).count() == 0, "the student's process has not got the class"
        student.locator("[data-lbln='story']").wait_for(state="visible")
        assert student.locator("[data-lbln='class-intro']").inner_text().find(code) >= 0
    finally:
        for context in opened:
            context.close()
    deadline = time.monotonic() + 10  # nginx logs a websocket when it closes
    while True:
        streams = [line for line in access_log_lines(dep, start) if '"GET /_stcore/stream ' in line]
        if len(streams) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    upstreams = {re.search(r"upstream=(\S+)$", line).group(1) for line in streams}  # type: ignore[union-attr]
    assert upstreams == {teacher_backend, student_backend}, streams
    store = RedisStore(dep.class_store)
    try:
        assert store.view(code).case_id == CASE
        assert store.joined(code) == 1, "the student's join went to the deployment's Redis"
    finally:
        store.close()


# endregion

# region deployments of their own


def test_redis_is_stopped_when_start_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Streamlit process that dies at start: start() raises and the Redis it started is gone."""
    nginx = nginx_or_skip()
    redis_or_skip()
    monkeypatch.delenv(lbln_deploy.STORE_ENV, raising=False)
    started: list[subprocess.Popen[bytes]] = []
    real_start_redis = lbln_deploy.start_redis

    def recording(*args: Any) -> subprocess.Popen[bytes]:
        proc = real_start_redis(*args)
        started.append(proc)
        return proc

    monkeypatch.setattr(lbln_deploy, "start_redis", recording)
    monkeypatch.setattr(lbln_deploy, "streamlit_command", lambda _port, _s: [sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(RuntimeError, match="exited with 3"):
        lbln_deploy.start(settings_for(tmp_path), nginx, startup_s=15)
    assert len(started) == 1
    assert started[0].poll() is not None and not _alive(started[0].pid)


def test_an_existing_class_store_is_passed_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LBLN_CLASS_STORE already set: no Redis of its own (redis-server need not even be installed), and both
    processes get the setting unchanged."""
    nginx = nginx_or_skip()
    monkeypatch.setattr(lbln_deploy, "redis_server_binary", lambda: None)
    existing = f"redis://:elsewhere-secret@127.0.0.1:{lbln_deploy.free_port()}/3"
    before = set(_redis_children(os.getpid()))
    dep = start_deployment(settings_for(tmp_path), nginx, class_store=existing)
    try:
        assert dep.redis is None and dep.redis_port is None
        assert set(_redis_children(os.getpid())) == before
        assert [_environ(p.pid).get("LBLN_CLASS_STORE") for p in dep.streamlit] == [existing, existing]
        line = dep.class_store_line()
        assert line == "class store: LBLN_CLASS_STORE from the environment, passed through unchanged"
        assert "elsewhere-secret" not in line
    finally:
        dep.stop()


def _serve_args(tmp_path: Path) -> list[str]:
    free = lbln_deploy.free_port
    return [
        "serve", "--login", "off", "--server-name", "127.0.0.1", "--listen", "127.0.0.1",
        "--https-port", str(free()), "--http-port", str(free()), "--backend-ports", str(free()), str(free()),
        "--run-dir", str(tmp_path / "run"),
    ]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path]]:
    """`lbln_deploy.py serve` (what `make serve` runs) in a process of its own, LBLN_CLASS_STORE unset."""
    nginx_or_skip()
    redis_or_skip()
    env = {k: v for k, v in os.environ.items() if k != lbln_deploy.STORE_ENV}
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-u", str(ROOT / "deploy" / "lbln_deploy.py"), *_serve_args(tmp_path)],
                                cwd=ROOT, env=env, stdout=o, stderr=e)
    try:
        yield proc, out, err
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_serve_starts_redis_says_where_and_stops_it(serve: tuple[subprocess.Popen[bytes], Path, Path]) -> None:
    proc, out, err = serve
    deadline = time.monotonic() + SERVE_START_S
    while "Ctrl-C stops." not in out.read_text() or "class store:" not in out.read_text():
        assert proc.poll() is None, f"serve exited with {proc.returncode}:\n{err.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"serve did not start within {SERVE_START_S} s:\n{err.read_text()[-3000:]}"
        time.sleep(0.2)
    said = re.search(r"^class store: Redis on 127\.0\.0\.1:(\d+) \(started by make serve\)$", out.read_text(), re.MULTILINE)
    assert said, out.read_text()
    port = int(said.group(1))
    children = _children(proc.pid)
    (redis_pid,) = _redis_children(proc.pid)
    streamlit = [c for c in children if "streamlit" in _cmdline(c)]
    assert len(streamlit) == 2
    stores = {_environ(pid).get("LBLN_CLASS_STORE", "") for pid in streamlit}
    assert len(stores) == 1
    match = URL.match(stores.pop())
    assert match and int(match.group(2)) == port
    password = match.group(1)
    assert lbln_deploy.redis_ping(port, password) == b"+OK\r\n+PONG\r\n"

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=STOP_S) == 0, err.read_text()[-3000:]
    assert not _alive(redis_pid), "redis-server outlived make serve"
    assert not any(_alive(c) for c in children), "a process of make serve outlived it"
    assert _listening(port) == []
    with pytest.raises(ConnectionRefusedError):
        lbln_deploy.redis_ping(port, password)
    printed = out.read_text() + err.read_text()
    assert password not in printed and "redis://" not in printed


# endregion

# region refusals (nothing is started)


def _refuse(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[int, str]:
    monkeypatch.setattr(lbln_deploy, "nginx_binary", lambda: "/usr/sbin/nginx")
    status = lbln_deploy.main(_serve_args(tmp_path))
    assert not (tmp_path / "run").exists(), "it refused only after starting to set up"
    return status, capsys.readouterr().err


def test_serve_refuses_without_redis_server(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.delenv(lbln_deploy.STORE_ENV, raising=False)
    monkeypatch.setattr(lbln_deploy, "redis_server_binary", lambda: None)
    status, said = _refuse(monkeypatch, capsys, tmp_path)
    assert status == 2
    assert "redis-server is not installed" in said
    assert "apt-get install redis-server" in said
    assert "LBLN_CLASS_STORE=redis://" in said


def test_serve_refuses_a_class_store_it_cannot_use(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv(lbln_deploy.STORE_ENV, "postgres://user:hunter2@db/lbln")
    status, said = _refuse(monkeypatch, capsys, tmp_path)
    assert status == 2
    assert "LBLN_CLASS_STORE is set but not understood (postgres://)" in said
    assert "hunter2" not in said


def test_blank_class_store_counts_as_unset() -> None:
    assert lbln_deploy.class_store_from_env({"LBLN_CLASS_STORE": "  "}) == ""
    assert lbln_deploy.class_store_from_env({}) == ""
    assert lbln_deploy.class_store_from_env({"LBLN_CLASS_STORE": " redis://h:1/0 "}) == "redis://h:1/0"


# endregion
