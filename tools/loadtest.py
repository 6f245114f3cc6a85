#!/usr/bin/env python3
"""Load test: a class of students opens the same class link at once on ONE local server.

    tools/loadtest.py [--sessions 30] [--changes 5] [--stagger-s 8] [--case tc-...]
                      [--timeout-s 240] [--python PY] [--json PATH]   (--help: all options)

Starts `PY -m streamlit run streamlit_app.py` on 127.0.0.1 and a free port (output to a temp file,
ready when /_stcore/health answers "ok", stopped by its pid at the end, also on error, Ctrl-C or
SIGTERM; PR_SET_PDEATHSIG stops it even if this script is killed). Then ONE headless Debian
Chromium holds one browser context per student (a phone: 390x844, touch); the students arrive
evenly over --stagger-s seconds and each one

  1. opens the class link /teach?case=<id> and waits for its first render,
  2. opens the bedside page with that case's findings in the URL (/?age_years=19&sex=male&...;
     the bedside page is the default page, which Streamlit serves at / only) and waits for it,
  3. taps --changes segmented-control options of findings (a visible, unselected option, not the
     same finding twice in a row, chosen with --seed), each timed from the touch to the UPDATED
     ranking chart, with --think-s between taps (not measured).

Nothing waits with a fixed sleep. An init script records in the page, with performance.now()
timestamps, every change of <div data-testid="stApp" data-test-script-state="..">, every websocket
message and every DOM mutation. A page is rendered when it is CONNECTED, the script state is
notRunning, no [data-testid=stSkeleton] is left, stMain holds an element, and every plotly chart
has drawn its .main-svg (the bedside page must have one): first render = navigation start -> the
animation frame after that mutation. A tap is done when a rerun happened after the touch (a
'running' state or a websocket message: React may batch running/notRunning into one commit), the
page is rendered again, the chart mutated after the touch, and neither the chart nor the socket
changed for QUIET_MS: tap -> updated chart = touch -> the frame after the LAST chart mutation. A
rerun that ends without any chart change within NO_CHART_MS counts as "no chart change" (not an
error); a tap that starts no rerun is an error.

The pages reach the server through a small TCP proxy in this script (one loopback port per
student; --direct to go without). It timestamps the websocket frames outside the browser, so the
report can also say how long the SERVER took: the page's request frame -> the server's last reply
frame, for both first runs and for every tap. On a small machine the pages' own CPU time dominates
the user-facing times; these server times show what the server itself did meanwhile.

Reports p50/p95/max of both first renders and of the taps; errors (exceptions shown on the page,
uncaught page errors, console errors, timeouts, failed steps such as a modal dialog, requests to
other hosts, tracebacks in the server log); the server's memory (VmRSS from /proc/<pid>/status
before any session, once every session has rendered the bedside page, at the end, and the peak
VmHWM; per session = (all loaded - before) / sessions, so it includes the one-time imports); and
where the CPU went (server, browser, the rest of the machine). Console errors that are Streamlit's
own base-path probes (GET /teach/_stcore/health and /teach/_stcore/host-config answer 404 when a
page is opened by its path) and console warnings are reported but not counted as errors.

The load generator is expensive: a real Streamlit page costs ~6-12 CPU seconds of Chromium per
student here, the server ~1. So Chromium's page renderers and its GPU process (the students'
phones) run at --browser-nice (19), every thread of them, to leave the server its CPU; the
browser's own process, its network service (which timestamps the frames) and the Playwright driver
keep normal priority. When the machine was saturated the table says so: then the times measure
the machine more than the server.

Prints a JSON summary, then a table; --json PATH also writes every session's samples. Exit status:
0 clean, 1 any error (or the overall timeout), 2 bad options, 3 the server or browser did not
start, 124 the watchdog fired (cleanup hung 60 s past --timeout-s), 130/143 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import ipaddress
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP = "streamlit_app.py"
CASES_FILE = ROOT / "casebook" / "cases.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # New-headless Chromium preloads two omnibox-popup WebUI renderers per window (per context
    # here): 60 idle processes and ~10% of the browser's CPU for 30 students, none of it the page's.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
]
PHONE = {"width": 390, "height": 844}
# Streamlit serves the default page (bedside) at "/" only: /bedside answers "Page not found" and
# falls back to the main page behind a modal dialog. So the bedside link is /?<findings> by default.
BEDSIDE_PATH = "/"
# Streamlit's frontend, opened on a path such as /teach, first probes /teach/_stcore/health and
# /teach/_stcore/host-config (404) to find its base URL. Those console errors are counted apart.
BASE_PATH_PROBE = re.compile(r"^https?://[^/]+/.+/_stcore/(health|host-config)$")
QUIET_MS = 150  # a tap is done when the chart and the socket were quiet this long (not measured)
NO_CHART_MS = 20_000  # a rerun that ends without a chart mutation within this is "no chart change" (a starved page
# has been seen to redraw the chart 13 s after the script finished)
NO_RERUN_MS = 60_000  # a tap that starts no rerun within this is an error (a starved page can take >10 s)
SERVER_START_S = 60
STEP_TIMEOUT_S = 180.0  # one page load or one tap; a 2-core machine running 30 browsers needs ~100 s for a first render
SATURATED_PCT = 85  # whole-machine CPU busy above this during the sessions: the times measure the machine
POLL_MS = 200  # how often the in-page condition is checked; the timings come from page timestamps
LIMITS = {"sessions": (1, 60), "changes": (0, 50), "stagger_s": (0, 120), "timeout_s": (10, 1800),
          "think_s": (0, 10), "step_timeout_s": (1, 600), "browser_nice": (0, 19)}

# Runs in every document before the app's own scripts.
RECORDER = r"""
(() => {
  if (window.__lt) return;
  const now = () => performance.now();
  const CHART = '[data-testid=stPlotlyChart]';
  const L = window.__lt = {
    states: [], msgAt: -1, firstAt: null, firstFrame: null,
    expectChart: CHART_PATHS.includes(location.pathname.replace(/(.)\/$/, '$1')),
    armAt: null, inputAt: null, chartAt: null, chartFrame: null, lastPick: null,
  };
  // The last websocket message: a fast rerun's running/notRunning may be batched into one commit.
  window.WebSocket = class extends window.WebSocket {
    constructor(...a) { super(...a); this.addEventListener('message', () => { L.msgAt = now(); }); }
  };
  const mark = () => { if (L.armAt !== null && L.inputAt === null) L.inputAt = now(); };
  for (const ev of ['pointerdown', 'touchstart', 'mousedown']) addEventListener(ev, mark, true);
  const start = () => L.inputAt ?? L.armAt;

  // Rendered: connected, script done, no skeleton, something drawn, every chart has its SVG.
  L.ready = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.dataset.testConnectionState !== 'CONNECTED' || app.dataset.testScriptState !== 'notRunning') return false;
    if (document.querySelector('[data-testid=stSkeleton]')) return false;
    if (!document.querySelector('[data-testid=stMain] [data-testid=stElementContainer]')) return false;
    const charts = document.querySelectorAll(CHART);
    if (L.expectChart && !charts.length) return false;
    for (const c of charts) if (!c.querySelector('.main-svg')) return false;
    return true;
  };

  new MutationObserver(ms => {
    const t = now();
    let chart = false;
    for (const m of ms) {
      if (m.attributeName === 'data-test-script-state') {
        L.states.push([t, m.target.getAttribute('data-test-script-state')]);
      } else if (L.armAt !== null && !chart) {
        const e = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        chart = !!(e && e.closest(CHART));
      }
    }
    // The first render can only begin with a DOM change, so checking here is exact.
    if (L.firstAt === null && L.ready()) {
      L.firstAt = t;
      requestAnimationFrame(() => { L.firstFrame = now(); });
    }
    if (chart && t >= start()) {
      L.chartAt = t;
      requestAnimationFrame(() => { if (L.chartAt === t) L.chartFrame = now(); });
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});

  L.arm = () => { L.armAt = now(); L.inputAt = null; L.chartAt = null; L.chartFrame = null; };
  const finished = s => {
    const fin = L.states.filter(([ts, st]) => ts >= s && st === 'notRunning').pop();
    return fin ? [fin[0], true] : [L.msgAt, false];  // batched: the last message (script finished)
  };
  // After arm() and a tap: false while waiting, else 'ok' | 'nochart' | 'norerun'.
  L.changed = ([quiet, noChart, noRerun]) => {
    const t = now(), s = start();
    const ran = L.msgAt > s || L.states.some(([ts, st]) => ts >= s && st === 'running');
    if (!ran) return t - s > noRerun ? 'norerun' : false;
    if (!L.ready()) return false;
    if (L.chartAt === null) return t - Math.max(finished(s)[0], L.msgAt) > noChart ? 'nochart' : false;
    if (L.chartFrame === null || t - Math.max(L.chartAt, L.msgAt) < quiet) return false;
    return 'ok';
  };
  L.result = () => {
    const s = start(), [fin, seen] = finished(s);
    return {chart_ms: L.chartFrame === null ? null : Math.round(L.chartFrame - s),
            rerun_ms: Math.round(fin - s), state_seen: seen, touch_seen: L.inputAt !== null};
  };
})();
"""

# Marks one visible, unselected option of a segmented control in stMain (not of the widget tapped
# last time) with data-lt-pick; returns its widget key and option text, or null. The finding widgets
# (keys f.<finding id>, marked st-key-f-<id>) are preferred: other segmented controls on the page,
# such as the cause chooser of the Why panel, do not change the chart.
PICK = """
([r1, r2]) => {
  for (const e of document.querySelectorAll('[data-lt-pick]')) e.removeAttribute('data-lt-pick');
  const main = document.querySelector('[data-testid=stMain]');
  if (!main) return null;
  const key = g => {
    const c = g.closest('[class*="st-key-"]');
    const k = c && [...c.classList].find(x => x.startsWith('st-key-'));
    return k ? k.slice(7) : null;
  };
  let cands = [...main.querySelectorAll('[data-testid=stButtonGroup]')]
    .filter(g => g.checkVisibility())
    .map(g => [g, [...g.querySelectorAll('button[aria-checked=false]')].filter(b => !b.disabled && b.checkVisibility())])
    .filter(([, bs]) => bs.length);
  const findings = cands.filter(([g]) => (key(g) || '').startsWith('f-'));
  if (findings.length) cands = findings;
  if (cands.length > 1) cands = cands.filter(([g]) => key(g) !== window.__lt.lastPick);
  if (!cands.length) return null;
  const [g, bs] = cands[Math.floor(r1 * cands.length)];
  const b = bs[Math.floor(r2 * bs.length)];
  b.setAttribute('data-lt-pick', '');
  window.__lt.lastPick = key(g);
  return {finding: key(g), option: b.innerText.trim()};
}
"""


SNAPSHOT = """
() => {
  const app = document.querySelector('[data-testid=stApp]');
  const n = s => document.querySelectorAll(s).length;
  return app ? `connection ${app.dataset.testConnectionState}, script ${app.dataset.testScriptState}, ` +
    `${n('[data-testid=stMain] [data-testid=stElementContainer]')} elements, ${n('[data-testid=stSkeleton]')} skeletons, ` +
    `${n('[data-testid=stPlotlyChart]')} charts (${n('[data-testid=stPlotlyChart] .main-svg')} svg), url ${location.pathname}, ` +
    `${document.visibilityState}, t ${Math.round(performance.now())} ms, rendered at ${window.__lt && window.__lt.firstAt} ` +
    `frame ${window.__lt && window.__lt.firstFrame}, ready ${window.__lt && window.__lt.ready()}`
    : `no stApp yet, url ${location.pathname}, readyState ${document.readyState}`;
}
"""


# region Options and the case


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="See tools/README.md.")
    ap.add_argument("--sessions", type=int, default=30, help="concurrent students, 1..60 (default 30)")
    ap.add_argument("--changes", type=int, default=5, help="findings each student changes, 0..50 (default 5)")
    ap.add_argument("--stagger-s", type=float, default=8.0, help="arrivals spread evenly over this many seconds (default 8)")
    ap.add_argument("--case", help="teaching case id (default: the first case of casebook/cases.yaml)")
    ap.add_argument("--timeout-s", type=float, default=240.0, help="hard limit for the whole run, server start included (default 240)")
    ap.add_argument("--step-timeout-s", type=float, help="limit for one page load or one tap (default 180, at most --timeout-s)")
    ap.add_argument("--think-s", type=float, default=0.5, help="pause between taps, not measured (default 0.5)")
    ap.add_argument("--bedside-path", default=BEDSIDE_PATH, help=f"path of the bedside page (default {BEDSIDE_PATH!r})")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs the server (default: this one)")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address to serve on (default 127.0.0.1); others are refused")
    ap.add_argument("--browser-nice", type=int, default=19,
                    help="niceness of Chromium's renderers and GPU process, 0..19 (default 19): the server keeps its CPU")
    ap.add_argument("--chromium-arg", action="append", default=[], metavar="ARG",
                    help="an extra Chromium switch such as --force-prefers-reduced-motion (repeatable)")
    ap.add_argument("--direct", action="store_true",
                    help="no timing proxy: the pages talk to the server directly (no server-side times)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the options tapped (default 1)")
    ap.add_argument("--json", metavar="PATH", help="also write the summary and every session's samples here")
    args = ap.parse_args(argv)

    if args.step_timeout_s is None:
        args.step_timeout_s = min(STEP_TIMEOUT_S, args.timeout_s)
    for name, (lo, hi) in LIMITS.items():
        value = getattr(args, name)
        if not lo <= value <= hi:
            ap.error(f"--{name.replace('_', '-')} must be between {lo} and {hi}, not {value}")
    if not re.fullmatch(r"/[A-Za-z0-9_/-]*", args.bedside_path):
        ap.error(f"--bedside-path {args.bedside_path!r} must be a path such as / or /bedside")
    for arg in args.chromium_arg:
        if not re.fullmatch(r"--[a-z0-9-]+(=\S+)?", arg) or arg.startswith(("--remote-debugging", "--user-data-dir", "--proxy")):
            ap.error(f"--chromium-arg {arg!r} is not a plain switch (or one this tool must control)")
    if args.step_timeout_s > args.timeout_s:
        ap.error("--step-timeout-s must not exceed --timeout-s")
    check_server_options(ap, args)
    if not Path(CHROMIUM).exists():
        ap.error(f"needs Debian's Chromium at {CHROMIUM}")
    return args


def check_server_options(ap: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The options every load tool shares: --host must be loopback (localhost becomes 127.0.0.1),
    --python an executable, --json in an existing directory. Refuses through `ap.error` (exit 2)."""
    if args.host == "localhost":
        args.host = "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        ap.error(f"--host {args.host!r} is not a loopback address: this tool only loads a local server")
    python = Path(args.python)
    if not (python.is_file() and os.access(python, os.X_OK)):
        ap.error(f"--python {args.python} is not an executable file")
    if args.json and not Path(args.json).resolve().parent.is_dir():
        ap.error(f"--json {args.json}: its directory does not exist")


def teaching_case(case_id: str | None) -> tuple[str, dict[str, Any]]:
    """The id and the findings of a teaching case (the first one without an id)."""
    import yaml

    cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]
    if case_id is None:
        return cases[0]["id"], cases[0].get("findings") or {}
    for case in cases:
        if case["id"] == case_id:
            return case_id, case.get("findings") or {}
    ids = ", ".join(c["id"] for c in cases[:5])
    raise SystemExit(f"loadtest: no teaching case {case_id!r} in {CASES_FILE} (e.g. {ids}, ...)")


def finding_query(findings: dict[str, Any]) -> str:
    """The bedside query string of a case: true/false, numbers, choice text."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return urllib.parse.urlencode({fid: text(v) for fid, v in findings.items()})


# endregion

# region The server


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_server(python: str, host: str, port: int, log: Any) -> subprocess.Popen:
    cmd = [python, "-m", "streamlit", "run", APP,
           "--server.headless", "true",
           "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none",
           "--server.address", host,
           "--server.port", str(port)]
    prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl

    def die_with_parent() -> None:  # SIGTERM to the server even if this script is SIGKILLed
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, preexec_fn=die_with_parent)


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server by its pid: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def wait_healthy(proc: subprocess.Popen, base: str, log_path: Path, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:  # noqa: S310 (http on loopback)
                if r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no 'ok' from /_stcore/health after {limit_s:.0f} s:\n{tail(log_path)}")
        time.sleep(0.1)  # polling interval of the health check


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (all their threads), from /proc/<pid>/stat."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return round(total / tick, 1)


def process_kind(pid: int) -> str:
    """driver, browser, renderer, gpu-process, utility, zygote... from the process's command line."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline") as f:
        words = f.read().replace("\0", " ").split()  # Chromium rewrites its command line with spaces
        if words and words[0].endswith("node"):
            return "driver"
        return next((w[7:] for w in words if w.startswith("--type=")), "browser")
    return "gone"


def descendants(root: int, skip: int) -> list[int]:
    """Every live descendant process of `root` (the browser and its driver), without `skip` (the server)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{entry}/stat") as f:
                children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child != skip:
                out.append(child)
                todo.append(child)
    return out


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent busy since boot (every process, ours and others')."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle and iowait


def run_delays(pid: int) -> dict[int, int]:
    """Per thread of a process: nanoseconds it has waited, runnable, for a CPU (/proc/<pid>/task/<tid>/schedstat)."""
    out = {}
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[int(tid)] = int(f.read().split()[1])
    return out


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB, from /proc/<pid>/status."""
    out = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0])
    return out


def log_findings(path: Path) -> dict[str, Any]:
    """Tracebacks and warning/error lines in the server log."""
    lines = path.read_text(errors="replace").splitlines()
    tracebacks = sum(line.startswith("Traceback") for line in lines)
    notable = [line for line in lines if re.search(r"warn|error|exception|traceback", line, re.IGNORECASE)]
    return {"tracebacks": tracebacks, "warning_or_error_lines": len(notable), "first_lines": notable[:10]}


# endregion

# region The proxy: server-side timings


class FrameClock:
    """Finds the WebSocket frames in one direction of a proxied connection (after the HTTP upgrade)
    and notes the time each data frame (text, binary, continuation) began."""

    def __init__(self, side: str, out: list[tuple[float, str]]) -> None:
        self.side, self.out = side, out
        self.handshake: bytearray | None = bytearray()  # until the blank line that ends the upgrade
        self.head = bytearray()
        self.skip = 0  # payload bytes still to pass

    def _head_size(self) -> int | None:
        if len(self.head) < 2:
            return None
        b1 = self.head[1]
        return 2 + {126: 2, 127: 8}.get(b1 & 0x7F, 0) + (4 if b1 & 0x80 else 0)

    def feed(self, data: bytes, t: float) -> None:
        if self.handshake is not None:
            self.handshake += data
            end = self.handshake.find(b"\r\n\r\n")
            if end < 0:
                return
            data, self.handshake = bytes(self.handshake[end + 4:]), None
        pos, n = 0, len(data)
        while True:
            if self.skip:
                if pos >= n:
                    return
                k = min(self.skip, n - pos)
                self.skip -= k
                pos += k
                continue
            size = self._head_size()
            if size is not None and len(self.head) >= size:  # a whole frame header
                b0, l7 = self.head[0], self.head[1] & 0x7F
                self.skip = int.from_bytes(self.head[2:4] if l7 == 126 else self.head[2:10], "big") if l7 >= 126 else l7
                if b0 & 0x0F in (0, 1, 2):
                    self.out.append((t, self.side))
                self.head.clear()
                continue
            if pos >= n:
                return
            k = min((size or 2) - len(self.head), n - pos)
            self.head += data[pos:pos + k]
            pos += k


class Proxy:
    """One loopback TCP port per student in front of the server. The page's websocket frames are
    timestamped here, outside the browser, so that the server's own time can be told apart from
    the time the (CPU-starved) page takes to draw: c = the page sent a frame, s = the server did."""

    def __init__(self, host: str, port: int, students: int) -> None:
        self.host, self.port = host, port
        self.frames: list[list[tuple[float, str]]] = [[] for _ in range(students)]
        self.ports: list[int] = []
        self.bytes = 0
        self._servers: list[asyncio.AbstractServer] = []
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        for i in range(len(self.frames)):
            server = await asyncio.start_server(lambda r, w, i=i: self._serve(i, r, w), self.host, 0)
            self._servers.append(server)
            self.ports.append(server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, i: int, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        server_w = None
        try:
            server_r, server_w = await asyncio.open_connection(self.host, self.port)
            first = await client_r.read(1 << 16)
            if not first:
                return
            websocket = b"/_stcore/stream" in first.split(b"\r\n", 1)[0]
            up = FrameClock("c", self.frames[i]) if websocket else None
            down = FrameClock("s", self.frames[i]) if websocket else None
            if up:
                up.feed(first, time.monotonic())
            server_w.write(first)
            await asyncio.gather(self._pump(client_r, server_w, up), self._pump(server_r, client_w, down))
        except OSError:
            pass
        finally:
            for w in (client_w, server_w):
                if w is not None:
                    w.close()
            self._tasks.discard(task)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, clock: FrameClock | None) -> None:
        try:
            while data := await reader.read(1 << 18):
                if clock:
                    clock.feed(data, time.monotonic())
                self.bytes += len(data)
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()  # the other direction then ends too


# endregion

# region One student


class Student:
    """One browser context (a phone) and what happened on it."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.teach_ms: int | None = None
        self.bedside_ms: int | None = None
        self.teach_server_ms: int | None = None
        self.bedside_server_ms: int | None = None
        self.taps: list[dict[str, Any]] = []
        self.exceptions = 0  # st.exception boxes on the page
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.probe_404s = 0  # Streamlit's base-path probes, see BASE_PATH_PROBE
        self.console_warnings: list[str] = []
        self.timeouts: list[str] = []
        self.failures: list[str] = []
        self.off_host: set[str] = set()
        self.done = False

    def as_dict(self) -> dict[str, Any]:
        return {"session": self.index, "done": self.done, "teach_first_render_ms": self.teach_ms,
                "bedside_first_render_ms": self.bedside_ms, "teach_server_ms": self.teach_server_ms,
                "bedside_server_ms": self.bedside_server_ms, "taps": self.taps, "page_exceptions": self.exceptions,
                "page_errors": self.page_errors[:10], "console_errors": self.console_errors[:10],
                "streamlit_base_path_probe_404s": self.probe_404s, "console_warnings": self.console_warnings[:5],
                "timeouts": self.timeouts, "failures": self.failures, "off_host_requests": sorted(self.off_host)}


async def open_page(page: Any, url: str, step_ms: float) -> int:
    """Navigate and wait for the first render; navigation start -> the frame after it, in ms."""
    response = await page.goto(url, wait_until="commit", timeout=step_ms)
    if response is None or not response.ok:
        raise LookupError(f"GET {url} answered {response.status if response else 'nothing'}")
    await page.wait_for_function("() => window.__lt && window.__lt.firstFrame !== null", polling=POLL_MS, timeout=step_ms)
    return round(await page.evaluate("window.__lt.firstFrame"))


def server_ms(frames: list[tuple[float, str]] | None, since: float) -> int | None:
    """Server time of the run asked for after `since` (time.monotonic): the first websocket data
    frame the page sent -> the last frame the server sent after it, as the proxy saw them."""
    if frames is None:
        return None
    sent = next((t for t, side in frames if side == "c" and t >= since), None)
    got = [t for t, side in frames if side == "s" and sent is not None and t >= sent]
    return round((got[-1] - sent) * 1000) if got else None


async def snapshot(page: Any) -> str:
    """What the page showed when a wait timed out (for the report)."""
    try:
        return await asyncio.wait_for(page.evaluate(SNAPSHOT), 5)
    except Exception:  # the page itself does not answer
        return "page did not answer"


async def check_page(page: Any, student: Student) -> None:
    """Exceptions shown on the page; a modal dialog open (such as "Page not found") is a failure."""
    student.exceptions = max(student.exceptions, await page.locator("[data-testid=stException]").count())
    dialog = page.locator("[role=dialog]").filter(visible=True)
    if await dialog.count():  # it makes the page inert: no tap could reach it
        text = " ".join((await dialog.first.inner_text()).split())
        raise LookupError(f"a dialog is open: {text[:200]}")


def on_console(student: Student, message: Any) -> None:
    if message.type == "error":
        if "404" in message.text and BASE_PATH_PROBE.match(message.location.get("url", "")):
            student.probe_404s += 1
        else:
            student.console_errors.append(message.text[:300])
    elif message.type in ("warning", "trace"):
        student.console_warnings.append(message.text[:200])


async def run_student(student: Student, browser: Any, cfg: argparse.Namespace, base: str, paths: dict[str, str],
                      frames: list[tuple[float, str]] | None, delay_s: float, loaded: Any, contexts: list) -> None:
    from playwright.async_api import Error as PWError
    from playwright.async_api import TimeoutError as PWTimeout

    step_ms = cfg.step_timeout_s * 1000
    rng = random.Random(cfg.seed * 1000 + student.index)  # noqa: S311 (which option to tap)
    stage = "arriving"
    await asyncio.sleep(delay_s)
    try:
        stage = "opening a browser context"
        ctx = await browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
        contexts.append(ctx)
        ctx.set_default_timeout(step_ms)
        await ctx.add_init_script(RECORDER.replace("CHART_PATHS", json.dumps([cfg.bedside_path.rstrip("/") or "/"])))
        local = urllib.parse.urlsplit(base).netloc
        ctx.on("request", lambda r: student.off_host.add(h) if (h := urllib.parse.urlsplit(r.url).netloc) != local else None)
        page = await ctx.new_page()
        page.on("console", lambda m: on_console(student, m))
        page.on("pageerror", lambda e: student.page_errors.append(str(e)[:300]))

        stage = "class link first render"
        since = time.monotonic()
        student.teach_ms = await open_page(page, base + paths["teach"], step_ms)
        student.teach_server_ms = server_ms(frames, since)
        await check_page(page, student)
        stage = "bedside first render"
        since = time.monotonic()
        student.bedside_ms = await open_page(page, base + paths["bedside"], step_ms)
        student.bedside_server_ms = server_ms(frames, since)
        await check_page(page, student)
        loaded(student)

        for k in range(cfg.changes):
            if k:
                await asyncio.sleep(cfg.think_s)  # think time, not measured
            stage = f"tap {k + 1}"
            picked = await page.evaluate(PICK, [rng.random(), rng.random()])
            if picked is None:
                raise LookupError("no visible, unselected segmented-control option in stMain")
            await page.evaluate("window.__lt.arm()")
            since = time.monotonic()
            await page.locator("[data-lt-pick]").tap(timeout=step_ms)
            handle = await page.wait_for_function("a => window.__lt.changed(a)", arg=[QUIET_MS, NO_CHART_MS, NO_RERUN_MS],
                                                  polling=POLL_MS, timeout=step_ms)
            outcome = await handle.json_value()
            tap = {**picked, "outcome": outcome, **(await page.evaluate("window.__lt.result()")), "server_ms": server_ms(frames, since)}
            if outcome == "nochart" and tap["chart_ms"] is not None:  # the chart moved after all, later still
                tap["outcome"] = "ok"
            student.taps.append(tap)
            if outcome == "norerun":
                student.failures.append(f"{stage}: tapping {picked['finding']}={picked['option']!r} started no rerun")
            await check_page(page, student)
        student.done = True
    except PWTimeout as e:
        student.timeouts.append(f"{stage}: {str(e).splitlines()[0][:120]} ({await snapshot(page)})")
    except (PWError, LookupError) as e:
        student.failures.append(f"{stage}: {str(e).splitlines()[0][:200]}")
    except asyncio.CancelledError:
        if stage != "arriving":
            student.timeouts.append(f"{stage}: stopped by the overall --timeout-s")
        raise
    finally:
        loaded(student)


# endregion

# region The run


async def run_class(cfg: argparse.Namespace, proc: subprocess.Popen, base: str, paths: dict[str, str], deadline: float,
                    result: dict[str, Any]) -> list[Student]:
    from playwright.async_api import async_playwright

    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, me.cancel)

    students = [Student(i) for i in range(cfg.sessions)]
    mem = result["server_memory_kib"]
    pending = set(range(cfg.sessions))

    def loaded(student: Student) -> None:  # bedside rendered (or the student gave up)
        if student.index in pending:
            pending.discard(student.index)
            if not pending:
                mem["all_loaded"] = memory_kib(proc.pid).get("VmRSS")

    busy: list[tuple[float, float]] = []  # (time, server CPU seconds so far)
    waits: dict[int, int] = {}  # server thread -> ns waited for a CPU (threads that end lose their last 0.25 s)

    async def sample() -> None:  # the RSS peak we see (VmHWM at the end is the exact one), the server's CPU use
        while True:
            rss = memory_kib(proc.pid).get("VmRSS", 0)
            mem["sampled_peak"] = max(mem.get("sampled_peak", 0), rss)
            busy.append((time.monotonic(), cpu_seconds([proc.pid])))
            waits.update(run_delays(proc.pid))
            # the busiest 5 s so far, in % of one core (a Streamlit server runs Python: one core at most, mostly)
            while len(busy) > 2 and busy[1][0] <= busy[-1][0] - 5:
                busy.pop(0)
            old = busy[0]
            if busy[-1][0] - old[0] >= 4.5:
                peak = 100 * (busy[-1][1] - old[1]) / (busy[-1][0] - old[0])
                result["server_cpu_peak_5s_pct"] = max(result.get("server_cpu_peak_5s_pct", 0), round(peak))
            await asyncio.sleep(0.25)

    reniced: set[int] = set()  # thread ids
    kinds: dict[int, str] = {}

    async def renice() -> None:  # the phones' work (renderers, compositing) yields to the server
        while True:
            for pid in descendants(os.getpid(), proc.pid):
                kind = kinds.get(pid) or process_kind(pid)
                if kind not in ("zygote", "gone"):  # a zygote's fork renames itself into a renderer
                    kinds[pid] = kind
                if kind not in ("renderer", "gpu-process"):
                    continue
                with contextlib.suppress(OSError):
                    for tid in map(int, os.listdir(f"/proc/{pid}/task")):  # niceness is per thread on Linux
                        if tid not in reniced:
                            reniced.add(tid)
                            with contextlib.suppress(OSError):
                                os.setpriority(os.PRIO_PROCESS, tid, cfg.browser_nice)
            await asyncio.sleep(0.5)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + cfg.chromium_arg, timeout=60_000)
        result["chromium"] = browser.version
        contexts: list = []
        proxy = None if cfg.direct else Proxy(cfg.host, urllib.parse.urlsplit(base).port, cfg.sessions)
        host = urllib.parse.urlsplit(base).netloc.rsplit(":", 1)[0]
        if proxy:
            await proxy.start()
        sampler = asyncio.create_task(sample())
        renicer = asyncio.create_task(renice())
        try:
            gap = cfg.stagger_s / (cfg.sessions - 1) if cfg.sessions > 1 else 0.0
            tasks = [asyncio.create_task(run_student(
                s, browser, cfg, f"http://{host}:{proxy.ports[s.index]}" if proxy else base, paths,
                proxy.frames[s.index] if proxy else None, s.index * gap, loaded, contexts)) for s in students]
            t0 = time.monotonic()
            cpu = result["cpu_s"] = {"server_before": cpu_seconds([proc.pid]), "script_before": cpu_seconds([os.getpid()]),
                                     "browser_before": cpu_seconds(descendants(os.getpid(), proc.pid)),
                                     "machine_before": machine_busy_seconds()}
            waits.update(run_delays(proc.pid))
            waited_before = sum(waits.values())
            _, late = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
            result["sessions_wall_s"] = round(time.monotonic() - t0, 1)
            if late:
                result["hit_overall_timeout"] = True
                for t in late:
                    t.cancel()
                await asyncio.wait(late, timeout=15)
            mem["end"] = memory_kib(proc.pid).get("VmRSS")
            cpu["server"] = round(cpu_seconds([proc.pid]) - cpu.pop("server_before"), 1)
            waits.update(run_delays(proc.pid))
            cpu["server_threads_waited"] = round((sum(waits.values()) - waited_before) / 1e9, 1)
            pids = descendants(os.getpid(), proc.pid)  # the driver and every Chromium process
            cpu["browser"] = round(cpu_seconds(pids) - cpu.pop("browser_before"), 1)
            by_kind: dict[str, list[int]] = {}
            for pid in pids:
                by_kind.setdefault(process_kind(pid), []).append(pid)
            result["browser_cpu_s_by_process"] = {f"{k} x{len(v)}": cpu_seconds(v) for k, v in sorted(by_kind.items())}  # with start-up
            result["reniced_threads"] = len(reniced)
            cpu["this_script"] = round(cpu_seconds([os.getpid()]) - cpu.pop("script_before"), 1)
            cpu["whole_machine"] = round(machine_busy_seconds() - cpu.pop("machine_before"), 1)
            cpu["others"] = round(cpu["whole_machine"] - cpu["server"] - cpu["browser"] - cpu["this_script"], 1)
            cpu["this_script_threads_waited"] = round(sum(run_delays(os.getpid()).values()) / 1e9, 1)  # since start; the proxy's clock
            cpu["cores"] = os.cpu_count()
            span = time.monotonic() - t0
            result["machine_busy_pct"] = round(100 * cpu["whole_machine"] / (span * cpu["cores"]))
            result["browser_share_pct"] = round(100 * cpu["browser"] / max(cpu["whole_machine"], 0.1))
        finally:
            sampler.cancel()
            renicer.cancel()
            for ctx in contexts:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ctx.close(), 10)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), 15)
            if proxy:
                result["proxied_mib"] = round(proxy.bytes / 2**20, 1)
                await proxy.close()
    return students


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    xs = sorted(values)
    return xs[max(0, -(-len(xs) * p // 100) - 1)] if xs else None


def stats(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95), "max": max(values, default=None)}


def summarise(cfg: argparse.Namespace, students: list[Student], result: dict[str, Any], log: dict[str, Any]) -> dict[str, Any]:
    taps = [t for s in students for t in s.taps]
    ok = [t for t in taps if t["outcome"] == "ok"]
    errors = {
        "page_exceptions": sum(s.exceptions for s in students),
        "page_errors": sum(len(s.page_errors) for s in students),
        "console_errors": sum(len(s.console_errors) for s in students),
        "timeouts": sum(len(s.timeouts) for s in students),
        "failed_steps": sum(len(s.failures) for s in students),
        "off_host_requests": sum(len(s.off_host) for s in students),
        "server_tracebacks": log["tracebacks"],
    }
    errors["total"] = sum(errors.values())
    mem = result["server_memory_kib"]
    mem["peak"] = max(mem.pop("hwm", 0), mem.get("sampled_peak", 0)) or None
    before, after = mem.get("before"), mem.get("all_loaded")
    all_loaded = all(st.bedside_ms is not None for st in students)  # else "all loaded" is when the last gave up
    mib = lambda kib: None if kib is None else round(kib / 1024, 1)  # noqa: E731
    examples = [f"session {s.index}: {m}" for s in students for m in (s.timeouts + s.failures + s.page_errors + s.console_errors)]
    return {
        **{k: v for k, v in result.items() if k != "server_memory_kib"},
        "sessions": cfg.sessions,
        "sessions_completed": sum(s.done for s in students),
        "changes_per_session": cfg.changes,
        "teach_first_render_ms": stats([s.teach_ms for s in students if s.teach_ms is not None]),
        "bedside_first_render_ms": stats([s.bedside_ms for s in students if s.bedside_ms is not None]),
        "tap_to_updated_chart_ms": stats([t["chart_ms"] for t in ok]),
        "tap_to_script_done_ms": stats([t["rerun_ms"] for t in taps if t["outcome"] != "norerun"]),
        "server_first_run_teach_ms": stats([s.teach_server_ms for s in students if s.teach_server_ms is not None]),
        "server_first_run_bedside_ms": stats([s.bedside_server_ms for s in students if s.bedside_server_ms is not None]),
        "server_tap_rerun_ms": stats([t["server_ms"] for t in taps if t["server_ms"] is not None]),
        "taps": len(taps),
        "taps_without_chart_change": sum(t["outcome"] == "nochart" for t in taps),
        "taps_rerun_state_batched": sum(not t["state_seen"] for t in taps),
        "errors": errors,
        "not_counted": {
            "streamlit_base_path_probe_404s": sum(s.probe_404s for s in students),
            "console_warnings": sum(len(s.console_warnings) for s in students),
            "console_warning_examples": sorted({w for s in students for w in s.console_warnings})[:3],
        },
        "error_examples": examples[:10],
        "server_memory_mib": {
            "before": mib(before), "all_loaded": mib(after), "end": mib(mem.get("end")), "peak": mib(mem.get("peak")),
            "per_session": None if before is None or after is None or not all_loaded else round((after - before) / 1024 / cfg.sessions, 2),
        },
        "server_log": log,
    }


def cpu_line(s: dict[str, Any]) -> str:
    c = s.get("cpu_s") or {}
    if "whole_machine" not in c:
        return "  CPU: not measured"
    return (f"  CPU seconds during the sessions: server {c['server']} (busiest 5 s: {s.get('server_cpu_peak_5s_pct', '-')}% of a core; "
            f"its threads waited {c['server_threads_waited']} s for a CPU), browser {c['browser']}, this script {c['this_script']}, "
            f"the rest of the machine {c['others']}; whole machine {c['whole_machine']} of {c['cores']} cores x {s['sessions_wall_s']} s")


def table(s: dict[str, Any]) -> str:
    def row(label: str, st: dict[str, Any]) -> str:
        f = lambda v: "-" if v is None else f"{v:,.0f}"  # noqa: E731
        return f"  {label:<36}{st['n']:>6}{f(st['p50']):>9}{f(st['p95']):>9}{f(st['max']):>9}"

    e, m = s["errors"], s["server_memory_mib"]
    lines = [
        f"Load test: {s['sessions']} sessions on one server ({s['streamlit']}, {s['chromium']}), case {s['case']},",
        f"  {s['changes_per_session']} changes each, arrivals over {s['stagger_s']} s; "
        f"{s['sessions_completed']}/{s['sessions']} sessions completed in {s.get('sessions_wall_s', '-')} s",
        "",
        f"  {'time (ms)':<36}{'n':>6}{'p50':>9}{'p95':>9}{'max':>9}",
        row("first render, class link /teach", s["teach_first_render_ms"]),
        row("first render, bedside with findings", s["bedside_first_render_ms"]),
        row("tap -> updated chart", s["tap_to_updated_chart_ms"]),
        row("tap -> script finished", s["tap_to_script_done_ms"]),
        *(["  at the server (proxy: request frame -> last reply frame)",
            row("class link first run", s["server_first_run_teach_ms"]),
            row("bedside first run", s["server_first_run_bedside_ms"]),
            row("tap rerun", s["server_tap_rerun_ms"])] if s["server_tap_rerun_ms"]["n"] or s["server_first_run_teach_ms"]["n"] else []),
        "",
        f"  taps {s['taps']}, without a chart change {s['taps_without_chart_change']}",
        f"  not counted as errors: Streamlit base-path probe 404s {s['not_counted']['streamlit_base_path_probe_404s']}, "
        f"console warnings {s['not_counted']['console_warnings']}",
        *(f"    warning: {x[:150]}" for x in s["not_counted"]["console_warning_examples"]),
        f"  errors {e['total']}: page exceptions {e['page_exceptions']}, page errors {e['page_errors']}, "
        f"console errors {e['console_errors']}, timeouts {e['timeouts']}, failed steps {e['failed_steps']}, "
        f"off-host requests {e['off_host_requests']}, server tracebacks {e['server_tracebacks']}",
        *(f"    {x}" for x in s["error_examples"]),
        f"  server RSS (MiB): before {m['before']}, all loaded {m['all_loaded']}, end {m['end']}, peak {m['peak']}; "
        f"per session {m['per_session']} ((all loaded - before) / {s['sessions']})",
        cpu_line(s),
        f"  server log: {s['server_log']['warning_or_error_lines']} warning/error lines"
        + (f", kept at {s['server_log']['path']}" if s["server_log"].get("kept") else " (clean, removed)"),
        *(f"    {x[:160]}" for x in s["server_log"]["first_lines"][:5]),
    ]
    if s.get("machine_busy_pct", 0) >= SATURATED_PCT:
        lines.append(f"  NOTE: the machine's CPU was {s['machine_busy_pct']}% busy during the sessions, {s['browser_share_pct']}% "
                     "of it the browser: the times above measure this machine's CPU more than the server")
    if s.get("hit_overall_timeout"):
        lines.append(f"  STOPPED by the overall timeout ({s['timeout_s']} s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    case_id, findings = teaching_case(cfg.case)
    started = time.monotonic()
    deadline = started + cfg.timeout_s

    version = subprocess.run([cfg.python, "-c", "import streamlit; print(streamlit.__version__)"], capture_output=True,
                             text=True, cwd=ROOT, timeout=60, check=False)
    if version.returncode:
        print(f"loadtest: {cfg.python} cannot import streamlit:\n{version.stderr[-2000:]}", file=sys.stderr)
        return 3

    port = free_port(cfg.host)
    host = f"[{cfg.host}]" if ":" in cfg.host else cfg.host
    base = f"http://{host}:{port}"
    paths = {"teach": f"/teach?case={urllib.parse.quote(case_id)}", "bedside": f"{cfg.bedside_path}?{finding_query(findings)}"}
    urls = {"server": base, **{name: base + path for name, path in paths.items()}}
    result: dict[str, Any] = {
        "streamlit": f"streamlit {version.stdout.strip()}", "chromium": None, "case": case_id, "urls": urls,
        "stagger_s": cfg.stagger_s, "think_s": cfg.think_s, "timeout_s": cfg.timeout_s, "server_memory_kib": {},
    }
    log_file = tempfile.NamedTemporaryFile(prefix="loadtest-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    log_path = Path(log_file.name)
    print(f"loadtest: serving {APP} on {base} (log {log_path}); {cfg.sessions} sessions", file=sys.stderr)

    def terminated(signum: int, _frame: Any) -> None:  # before the event loop runs: unwind, stop the server
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGHUP, terminated)
    proc = start_server(cfg.python, cfg.host, port, log_file)

    def watchdog() -> None:  # last resort if cleanup itself hangs: stop the server by pid, exit
        print(f"loadtest: watchdog: still running {cfg.timeout_s + 60:.0f} s after start; stopping", file=sys.stderr)
        with contextlib.suppress(OSError):
            os.kill(proc.pid, signal.SIGKILL)
        os._exit(124)

    dog = threading.Timer(cfg.timeout_s + 60, watchdog)
    dog.daemon = True
    dog.start()
    students: list[Student] = []
    try:
        try:
            wait_healthy(proc, base, log_path, min(SERVER_START_S, cfg.timeout_s))
            result["server_ready_s"] = round(time.monotonic() - started, 1)
            result["server_memory_kib"]["before"] = memory_kib(proc.pid).get("VmRSS")
        except RuntimeError as e:
            print(f"loadtest: {e}", file=sys.stderr)
            return 3
        except KeyboardInterrupt:
            print("loadtest: interrupted", file=sys.stderr)
            return 130
        try:
            students = asyncio.run(run_class(cfg, proc, base, paths, deadline, result))
        except asyncio.CancelledError:  # SIGTERM / SIGHUP
            print("loadtest: terminated", file=sys.stderr)
            return 143
        except KeyboardInterrupt:
            print("loadtest: interrupted", file=sys.stderr)
            return 130
        except Exception as e:  # the browser did not start, or the driver died
            print(f"loadtest: {type(e).__name__}: {e}", file=sys.stderr)
            return 3
        result["server_memory_kib"]["hwm"] = memory_kib(proc.pid).get("VmHWM", 0)
    finally:
        stop_server(proc)
        log_file.close()
        dog.cancel()

    result["wall_s"] = round(time.monotonic() - started, 1)
    log = {"path": str(log_path), **log_findings(log_path)}
    summary = summarise(cfg, students, result, log)
    log["kept"] = bool(summary["errors"]["total"] or log["warning_or_error_lines"])
    if not log["kept"]:  # a clean run leaves nothing behind in /tmp
        log_path.unlink(missing_ok=True)
    print(json.dumps(summary, indent=2))
    print(table(summary))
    if cfg.json:
        Path(cfg.json).write_text(json.dumps({**summary, "per_session": [s.as_dict() for s in students]}, indent=2))
    return 1 if summary["errors"]["total"] else 0


if __name__ == "__main__":
    sys.exit(main())
