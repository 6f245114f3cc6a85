"""Through nginx, against two real Streamlit processes (issue 13 item 4, reliability review D2, D5, D6)."""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import time
from typing import Any

import pytest

from .conftest import TIMEOUT_MS, access_log_lines, wait_for_app, wait_log_lines, write_artifact

pytestmark = [pytest.mark.deploy, pytest.mark.e2e]

EXPECTED_HEADERS = {
    "content-security-policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "strict-transport-security": "max-age=31536000",
    "referrer-policy": "no-referrer",
}
IDLE_SOCKETS = 500
HEALTH_CHECKS = 5
FINDINGS_QUERY = "?age_years=52&sex=male&saddle_anesthesia=true"


def _tls() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the fixture's own self-signed certificate
    return ctx


def _get(dep: Any, path: str, cookie: str | None = None, timeout: float = 5) -> http.client.HTTPResponse:
    conn = http.client.HTTPSConnection("127.0.0.1", dep.settings.https_port, context=_tls(), timeout=timeout)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def test_security_headers_on_pages_and_errors(deployment: Any) -> None:
    seen: dict[str, dict[str, str]] = {}
    for path in ("/", "/_stcore/health", "/_stcore/metrics", "/no-such-page"):
        resp = _get(deployment, path)
        headers = {k.lower(): v for k, v in resp.getheaders()}
        seen[path] = {k: headers.get(k, "MISSING") for k in [*EXPECTED_HEADERS, "server"]}
        for name, value in EXPECTED_HEADERS.items():
            assert headers.get(name) == value, f"{path}: {name} is {headers.get(name)!r}"
        assert headers["server"] == "nginx", "the backend's 'uvicorn' must not show"
    write_artifact("headers.json", seen)


def test_plain_http_only_redirects_to_https(deployment: Any) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", deployment.settings.http_port, timeout=5)
    conn.request("GET", "/bedside")
    resp = conn.getresponse()
    conn.close()
    assert resp.status == 301
    assert resp.getheader("Location") == f"https://127.0.0.1:{deployment.settings.https_port}/bedside"


@pytest.mark.parametrize(
    "path", ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore//metrics", "/_stcore/%6detrics", "/_stcore/metrics?x=1",
             "/_stcore/agent/openapi.json"]
)
def test_metrics_and_agent_api_are_refused(deployment: Any, path: str) -> None:
    assert _get(deployment, path).status == 404


def test_metrics_block_is_the_proxys_doing(deployment: Any) -> None:
    """Streamlit itself still answers on loopback, so the 404 above is nginx's rule, not a missing route."""
    conn = http.client.HTTPConnection("127.0.0.1", deployment.settings.backends[0], timeout=5)
    conn.request("GET", "/_stcore/metrics")
    status = conn.getresponse().status
    conn.close()
    assert status == 200


def test_access_log_has_no_query_strings(deployment: Any) -> None:
    start = len(access_log_lines(deployment))
    assert _get(deployment, "/" + FINDINGS_QUERY).status == 200
    assert _get(deployment, "/bedside" + FINDINGS_QUERY).status == 200
    lines = wait_log_lines(deployment, start, "/bedside")
    assert len(lines) == 2, lines
    for line in lines:
        assert "?" not in line and "age_years" not in line and "saddle" not in line, line


def _upstream(line: str) -> str:
    match = re.search(r"upstream=(\S+)$", line)
    assert match, line
    return match.group(1)


def test_new_browsers_are_spread_and_each_stays_on_its_process(deployment: Any) -> None:
    backends = {f"127.0.0.1:{p}" for p in deployment.settings.backends}
    first: dict[str, str] = {}  # route cookie -> the process that served its first request
    for _ in range(20):
        start = len(access_log_lines(deployment))
        resp = _get(deployment, "/_stcore/health")
        cookie = next(v.split(";")[0] for k, v in resp.getheaders() if k.lower() == "set-cookie" and v.startswith("lbln_route="))
        first[cookie] = _upstream(wait_log_lines(deployment, start, "/_stcore/health")[-1])
    assert set(first.values()) == backends, "20 new browsers all went to one process"
    for cookie, backend in list(first.items())[:6]:
        for _ in range(3):
            start = len(access_log_lines(deployment))
            resp = _get(deployment, "/_stcore/health", cookie=cookie)
            assert not any(k.lower() == "set-cookie" and v.startswith("lbln_route=") for k, v in resp.getheaders())
            assert _upstream(wait_log_lines(deployment, start, "/_stcore/health")[-1]) == backend


def test_app_runs_through_the_proxy_and_its_session_stays_on_one_process(deployment: Any, browser: Any) -> None:
    """A real page over TLS: the websocket is upgraded through nginx, and page, assets, websocket and a
    reload all reach one Streamlit process."""
    start = len(access_log_lines(deployment))
    context = browser.new_context(ignore_https_errors=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        base = f"https://127.0.0.1:{deployment.settings.https_port}/"
        resp = page.goto(base + FINDINGS_QUERY)
        assert resp is not None and resp.ok
        wait_for_app(page)
        page.locator("[data-lbln='triage']").wait_for(state="visible")
        page.reload()
        wait_for_app(page)
        page.locator("[data-lbln='triage']").wait_for(state="visible")
    finally:
        context.close()
    lines = wait_log_lines(deployment, start, "/_stcore/stream")
    streams = [line for line in lines if '"GET /_stcore/stream ' in line]
    assert streams, lines
    assert all('" 101 ' in line for line in streams), streams
    proxied = [line for line in lines if "upstream=-" not in line]
    assert len({_upstream(line) for line in proxied}) == 1, proxied


def test_idle_sockets_do_not_lock_out_a_new_user(deployment: Any) -> None:
    """Slowloris (review D6): IDLE_SOCKETS loopback connections finish TLS, send half a request and wait;
    meanwhile a new user's health check must answer. Bounded: 500 sockets, a few seconds, all closed."""
    port = deployment.settings.https_port
    ctx = _tls()
    idle: list[ssl.SSLSocket] = []
    answered: list[float] = []
    t0 = time.monotonic()
    try:
        for _ in range(IDLE_SOCKETS):
            sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))
            sock.sendall(b"GET /_stcore/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            idle.append(sock)
        opened_s = time.monotonic() - t0
        for _ in range(HEALTH_CHECKS):
            t = time.monotonic()
            resp = _get(deployment, "/_stcore/health", timeout=3)
            if resp.status == 200:
                answered.append(time.monotonic() - t)
            time.sleep(0.2)
        # Still held: nginx has not simply dropped them (its header timeout is 10 s).
        still_open = 0
        for sock in idle:
            sock.setblocking(False)
            try:
                still_open += sock.recv(1) != b""
            except (BlockingIOError, ssl.SSLWantReadError):
                still_open += 1
            except OSError:
                pass
    finally:
        for sock in idle:
            sock.close()
    total_s = time.monotonic() - t0
    write_artifact(
        "idle-sockets.json",
        {
            "idle_sockets": len(idle),
            "still_open_during_checks": still_open,
            "health_checks": HEALTH_CHECKS,
            "health_checks_answered": len(answered),
            "health_check_max_s": round(max(answered, default=float("nan")), 3),
            "seconds_to_open": round(opened_s, 2),
            "seconds_total": round(total_s, 2),
        },
    )
    assert len(idle) == IDLE_SOCKETS
    assert still_open == IDLE_SOCKETS
    assert len(answered) == HEALTH_CHECKS, f"only {len(answered)} of {HEALTH_CHECKS} health checks answered"
    assert max(answered) < 2
