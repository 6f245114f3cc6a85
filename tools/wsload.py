#!/usr/bin/env python3
"""Load test at the protocol level: a class of students on ONE local server, no browser.

    tools/wsload.py [--sessions 30] [--changes 5] [--stagger-s 8] [--think-s 2] [--case tc-...]
                    [--timeout-s 180] [--python PY] [--json PATH]   (--help: all options)

`tools/loadtest.py` drives real Chromium pages; on a 2-core machine the 30 pages themselves take
most of the CPU, so its times measure the machine more than the server. This tool speaks
Streamlit's own websocket protocol instead (the protobuf `BackMsg` / `ForwardMsg` messages the
page exchanges on /_stcore/stream), so the whole machine serves the class and the times are what
the server does for 30 students at once. Each student, arriving evenly over --stagger-s seconds:

  1. opens the class link (query `page=teach&case=<code>`, the form the teaching page shares) in
     a new session and waits for the script to finish (first render of the class link);
  2. opens the bedside page with the case's findings (query `age_years=..&sex=..`) in a new
     session, as a browser does when it follows a link, and waits (first render of the bedside);
  3. changes --changes findings: picks (with --seed) a finding's segmented control and an option
     it does not hold, sends the rerun with every widget's value (as the page does), and times
     request -> the ranking chart's new delta ("updated chart") and -> script finished; then pauses
     --think-s seconds, jittered +-50% (not measured).

Every reply is checked: an exception element, a run that ends without the chart, or a URL that
does not then carry the changed finding counts as an error. Reports p50/p95/max of each time, the
errors, the server's memory (VmRSS before any session, with every session open, peak) and CPU.

The times are the server's, seen over loopback: a phone still needs ~100-200 ms to draw the reply
(see the appharness figures in the README) and the browser load test for the whole path.
Exit status: 0 clean, 1 any error or timeout, 2 bad options, 3 the server did not start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import loadtest as lt
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from casebook.codes import case_code

CHART_KEY = "ranking"
"""The bedside ranking chart's widget key (its element id ends with it)."""
FINDING_KEY_PREFIX = "f."


# region One session on the socket


@dataclass
class Widget:
    """A widget the page holds, and the value the page would send back for it."""

    id: str
    kind: str  # "choice" (segmented control / pills) or "number"
    options: list[str] = field(default_factory=list)
    value: Any = None


@dataclass
class Run:
    """What one script run sent back."""

    ms_to_chart: float | None = None
    ms_to_finished: float | None = None
    exceptions: list[str] = field(default_factory=list)
    query: str | None = None
    status: str = ""


class Session:
    """One websocket session: send a rerun, read the ForwardMsgs until the script finishes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ws: Any = None
        self.widgets: dict[str, Widget] = {}  # by user key
        self.bytes_in = 0

    async def __aenter__(self) -> Session:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=120)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def run(self, query: str, limit_s: float) -> Run:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        for w in self.widgets.values():  # every widget's value, as the page sends them
            if w.value is None:
                continue
            ws = state.widget_states.widgets.add()
            ws.id = w.id
            if w.kind == "choice":
                ws.string_array_value.data.extend(w.value)
            else:
                ws.double_value = w.value
        out = Run()
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(limit_s):
            while True:
                data = await self.ws.recv()
                self.bytes_in += len(data)
                fwd = ForwardMsg()
                fwd.ParseFromString(data)
                kind = fwd.WhichOneof("type")
                if kind == "delta":
                    self._read_delta(fwd, out, start)
                elif kind == "page_info_changed":
                    out.query = fwd.page_info_changed.query_string
                elif kind == "script_finished":
                    out.status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                    if out.status == "FINISHED_EARLY_FOR_RERUN":  # the app asked for a rerun (st.rerun,
                        continue  # a page switch): the page shows the run that follows
                    out.ms_to_finished = (time.perf_counter() - start) * 1000
                    return out

    def _read_delta(self, fwd: ForwardMsg, out: Run, start: float) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            out.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "plotly_chart" and element.plotly_chart.id.endswith(CHART_KEY):
            out.ms_to_chart = (time.perf_counter() - start) * 1000
        elif kind == "button_group":
            bg = element.button_group
            key = bg.id.rsplit("-", 1)[-1]
            options = [o.content for o in bg.options]
            held = self.widgets.get(key)
            value = list(bg.raw_values) if bg.set_value else (held.value if held else [options[i] for i in bg.default])
            self.widgets[key] = Widget(bg.id, "choice", options, value)
        elif kind == "number_input":
            ni = element.number_input
            key = ni.id.rsplit("-", 1)[-1]
            held = self.widgets.get(key)
            value = ni.value if ni.set_value else (held.value if held else (ni.default if ni.HasField("default") else None))
            self.widgets[key] = Widget(ni.id, "number", value=value)


# endregion

# region One student


@dataclass
class Student:
    number: int
    first_render_ms: dict[str, float] = field(default_factory=dict)
    taps: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bytes_in: int = 0


def check(run: Run, where: str, student: Student, want_chart: bool) -> None:
    for e in run.exceptions:
        student.errors.append(f"{where}: exception on the page: {e}")
    if run.status not in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):  # a tap reruns a fragment
        student.errors.append(f"{where}: script ended {run.status or 'without finishing'}")
    if want_chart and run.ms_to_chart is None:
        student.errors.append(f"{where}: the run sent no ranking chart")


async def run_student(student: Student, cfg: argparse.Namespace, ws_url: str, queries: dict[str, str],
                      rng: random.Random, loaded: asyncio.Event, opened: list[int]) -> None:
    await asyncio.sleep(cfg.stagger_s * student.number / max(1, cfg.sessions - 1))
    limit = cfg.step_timeout_s
    try:
        async with Session(ws_url) as teach:
            run = await teach.run(queries["teach"], limit)
            student.first_render_ms["teach"] = run.ms_to_finished
            check(run, "class link", student, want_chart=False)
            student.bytes_in += teach.bytes_in
        async with Session(ws_url) as page:
            run = await page.run(queries["bedside"], limit)
            student.first_render_ms["bedside"] = run.ms_to_finished
            check(run, "bedside", student, want_chart=True)
            opened.append(student.number)
            if len(opened) == cfg.sessions:
                loaded.set()
            choices = sorted(k for k, w in page.widgets.items() if k.startswith(FINDING_KEY_PREFIX) and w.kind == "choice")
            last = None
            for n in range(cfg.changes):
                key = rng.choice([k for k in choices if k != last])
                last = key
                fid = key.removeprefix(FINDING_KEY_PREFIX)
                widget = page.widgets[key]
                option = rng.choice([o for o in widget.options if [o] != widget.value])
                widget.value = [option]
                run = await page.run(queries["bedside"], limit)
                where = f"change {n + 1} ({fid} -> {option})"
                check(run, where, student, want_chart=True)
                params = urllib.parse.parse_qs(run.query or "")
                if option == "not examined":
                    if fid in params:
                        student.errors.append(f"{where}: the page URL still names {fid}")
                elif fid not in params:
                    student.errors.append(f"{where}: the page URL does not carry {fid} ({run.query!r})")
                student.taps.append({"finding": fid, "option": option, "chart_ms": run.ms_to_chart,
                                     "finished_ms": run.ms_to_finished})
                await asyncio.sleep(cfg.think_s * rng.uniform(0.5, 1.5))
            student.bytes_in += page.bytes_in
    except TimeoutError:
        student.errors.append(f"timeout: no script_finished within {limit:.0f} s")
    except (OSError, websockets.WebSocketException) as e:
        student.errors.append(f"connection: {type(e).__name__}: {e}")
    finally:
        if student.number not in opened:  # a failed student must not hold up the all-loaded sample
            opened.append(student.number)
            if len(opened) == cfg.sessions:
                loaded.set()


async def run_class(cfg: argparse.Namespace, pid: int, ws_url: str, queries: dict[str, str],
                    result: dict[str, Any]) -> list[Student]:
    students = [Student(i) for i in range(cfg.sessions)]
    loaded = asyncio.Event()
    opened: list[int] = []

    async def sample_when_loaded() -> None:
        await loaded.wait()
        result["server_memory_kib"]["all_loaded"] = lt.memory_kib(pid).get("VmRSS")

    sampler = asyncio.create_task(sample_when_loaded())
    rngs = [random.Random(cfg.seed * 1000 + s.number) for s in students]  # noqa: S311 (which finding to change)
    tasks = [run_student(s, cfg, ws_url, queries, rng, loaded, opened) for s, rng in zip(students, rngs, strict=True)]
    try:
        async with asyncio.timeout(cfg.timeout_s):
            await asyncio.gather(*tasks)
    except TimeoutError:
        result["timed_out"] = True
    sampler.cancel()
    result["server_memory_kib"]["end"] = lt.memory_kib(pid).get("VmRSS")
    return students


# endregion

# region Report


def summarise(cfg: argparse.Namespace, students: list[Student], result: dict[str, Any], log: dict[str, Any]) -> dict[str, Any]:
    taps = [t for s in students for t in s.taps]
    mem = result["server_memory_kib"]
    per_session = None
    if mem.get("all_loaded") and mem.get("before"):
        per_session = round((mem["all_loaded"] - mem["before"]) / 1024 / cfg.sessions, 2)
    errors = [e for s in students for e in s.errors]
    if result.get("timed_out"):
        errors.append(f"the whole run exceeded --timeout-s {cfg.timeout_s:.0f}")
    errors += [f"server log: {n} traceback(s)" for n in [log["tracebacks"]] if n]

    def ms(xs: list[float | None]) -> dict[str, Any]:
        return lt.stats([round(x) for x in xs if x is not None])

    return {
        **{k: v for k, v in result.items() if k != "server_memory_kib"},
        "sessions": cfg.sessions, "changes_each": cfg.changes, "think_s": cfg.think_s, "stagger_s": cfg.stagger_s,
        "first_render_ms": {name: ms([s.first_render_ms.get(name) for s in students]) for name in ("teach", "bedside")},
        "change_to_chart_ms": ms([t["chart_ms"] for t in taps]),
        "change_to_finished_ms": ms([t["finished_ms"] for t in taps]),
        "changes_done": len(taps),
        "errors": {"total": len(errors), "first": errors[:10]},
        "server_memory_mib": {k: round(v / 1024, 1) for k, v in mem.items() if v},
        "server_memory_mib_per_session": per_session,
        "kib_received_per_run": round(sum(s.bytes_in for s in students) / 1024 / max(1, len(taps) + 2 * len(students)), 1),
        "server_log": log,
    }


def table(s: dict[str, Any]) -> str:
    def row(name: str, st: dict[str, Any]) -> str:
        return f"{name:<34} {st['n']:>5} {st['p50'] or '-':>8} {st['p95'] or '-':>8} {st['max'] or '-':>8}"

    mem = s["server_memory_mib"]
    lines = [
        f"{s['sessions']} sessions (websocket clients), {s['changes_done']} changes, think {s['think_s']} s, "
        f"arrivals over {s['stagger_s']} s, wall {s.get('wall_s')} s",
        f"{'time (ms)':<34} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}",
        row("first render: class link", s["first_render_ms"]["teach"]),
        row("first render: bedside page", s["first_render_ms"]["bedside"]),
        row("change -> updated chart", s["change_to_chart_ms"]),
        row("change -> script finished", s["change_to_finished_ms"]),
        f"errors: {s['errors']['total']}" + "".join(f"\n  - {e}" for e in s["errors"]["first"]),
        f"server memory (VmRSS): before {mem.get('before')} MiB, all sessions open {mem.get('all_loaded')} MiB, "
        f"end {mem.get('end')} MiB, peak {mem.get('hwm')} MiB; per session {s['server_memory_mib_per_session']} MiB",
        f"server CPU {s.get('server_cpu_s')} s over {s.get('wall_s')} s; load generator CPU {s.get('client_cpu_s')} s",
    ]
    return "\n".join(lines)


# endregion


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="wsload.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30, help="concurrent students, 1..60 (default 30)")
    ap.add_argument("--changes", type=int, default=5, help="findings each student changes, 0..50 (default 5)")
    ap.add_argument("--stagger-s", type=float, default=8.0, help="arrivals spread evenly over this many seconds (default 8)")
    ap.add_argument("--think-s", type=float, default=2.0, help="mean pause between changes, +-50%% (default 2)")
    ap.add_argument("--case", help="teaching case id (default: the first case of casebook/cases.yaml)")
    ap.add_argument("--timeout-s", type=float, default=180.0, help="limit for the whole class, 10..900 (default 180)")
    ap.add_argument("--step-timeout-s", type=float, default=60.0, help="limit for one run (default 60)")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs the server (default: this one)")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address to serve on (default 127.0.0.1)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the findings and options changed (default 1)")
    ap.add_argument("--json", metavar="PATH", help="also write the summary and every session's samples here")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 60:
        ap.error("--sessions must be 1..60")
    if not 0 <= args.changes <= 50:
        ap.error("--changes must be 0..50")
    if not 10 <= args.timeout_s <= 900:
        ap.error("--timeout-s must be 10..900")
    for name in ("stagger_s", "think_s", "step_timeout_s"):
        if not 0 <= getattr(args, name) <= 600:
            ap.error(f"--{name.replace('_', '-')} must be 0..600")
    lt.check_server_options(ap, args)
    return args


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    case_id, findings = lt.teaching_case(cfg.case)
    queries = {"teach": urllib.parse.urlencode({"page": "teach", "case": case_code(case_id)}),
               "bedside": lt.finding_query(findings)}
    port = lt.free_port(cfg.host)
    host = f"[{cfg.host}]" if ":" in cfg.host else cfg.host
    base = f"http://{host}:{port}"
    result: dict[str, Any] = {"case": case_id, "queries": queries, "server_memory_kib": {}}
    log_file = tempfile.NamedTemporaryFile(prefix="wsload-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    log_path = Path(log_file.name)
    print(f"wsload: serving {lt.APP} on {base} (log {log_path}); {cfg.sessions} sessions", file=sys.stderr)

    def terminated(signum: int, _frame: Any) -> None:  # unwind through `finally`: the server is stopped
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    proc = lt.start_server(cfg.python, cfg.host, port, log_file)
    students: list[Student] = []
    try:
        try:
            lt.wait_healthy(proc, base, log_path, lt.SERVER_START_S)
        except RuntimeError as e:
            print(f"wsload: {e}", file=sys.stderr)
            return 3
        result["server_memory_kib"]["before"] = lt.memory_kib(proc.pid).get("VmRSS")
        cpu0, me0, t0 = lt.cpu_seconds([proc.pid]), os.times(), time.monotonic()
        students = asyncio.run(run_class(cfg, proc.pid, f"ws://{host}:{port}/_stcore/stream", queries, result))
        me1 = os.times()
        result["wall_s"] = round(time.monotonic() - t0, 1)
        result["server_cpu_s"] = round(lt.cpu_seconds([proc.pid]) - cpu0, 1)
        result["client_cpu_s"] = round(me1.user + me1.system - me0.user - me0.system, 1)
        result["server_memory_kib"]["hwm"] = lt.memory_kib(proc.pid).get("VmHWM")
    except KeyboardInterrupt:
        print("wsload: interrupted", file=sys.stderr)
        return 130
    finally:
        lt.stop_server(proc)
        log_file.close()
    log = {"path": str(log_path), **lt.log_findings(log_path)}
    summary = summarise(cfg, students, result, log)
    if not (summary["errors"]["total"] or log["warning_or_error_lines"]):
        log_path.unlink(missing_ok=True)
    print(json.dumps(summary, indent=2))
    print(table(summary))
    if cfg.json:
        per = [{"student": s.number, "first_render_ms": s.first_render_ms, "taps": s.taps, "errors": s.errors} for s in students]
        Path(cfg.json).write_text(json.dumps({**summary, "per_session": per}, indent=2))
    return 1 if summary["errors"]["total"] else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
