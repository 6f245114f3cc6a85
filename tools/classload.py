#!/usr/bin/env python3
"""Load test of a live class (issue 12) at the protocol level: a teacher, a projector and N students.

    tools/classload.py [--students 100] [--servers 2] [--store redis|memory] [--timeout-s 300]

Everything runs on loopback: redis-server (for --store redis, in memory only, on a free port) and
--servers Streamlit processes (LBLN_CLASS_STORE pointing at that Redis); students are spread over the
servers in turn, as sticky sessions behind the proxy would spread them. Each screen speaks Streamlit's
websocket protocol (tools/wsload.py's Session) and polls its fragment once a second as the page does:

1. the teacher opens a case and taps "Start a live class"; the projector opens the tally view;
2. every student opens the join link and answers each stage (causes and triage, then Send);
   answer -> tally time: from sending until the projector's tally first counts that many answers;
3. the teacher releases each next stage, then reveals; reveal -> student time: from the teacher's tap
   until the student's poll brings the expected answer.

Reports p50/p95 of both times, answers sent vs counted (the store's count at the end of each stage),
errors, the servers' CPU seconds and memory (VmRSS) per student. Exit 0 clean, 1 errors, 3 no server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
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

import knowledge
from casebook import case_code, load_library
from classroom import case_stages

POLL_S = 1.0
ANSWERED = re.compile(r'data-lbln="answered">(\d+)<')


@dataclass
class Reply:
    html: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    status: str = ""


class Screen:
    """One browser tab's session: full runs, fragment polls, widget values, button taps."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ws: Any = None
        self.query = ""
        self.page_hash = ""
        self.fragments: set[str] = set()
        self.widgets: dict[str, tuple[str, str, list[str]]] = {}  # user key -> (id, kind, options)
        self.lock = asyncio.Lock()

    async def __aenter__(self) -> Screen:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=120)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def send(self, *, fragment: str | None = None, values: dict[str, Any] | None = None, trigger: str | None = None,
                   limit_s: float = 60) -> Reply:
        async with self.lock:
            msg = BackMsg()
            rs = msg.rerun_script
            rs.query_string = self.query
            if self.page_hash:
                rs.page_script_hash = self.page_hash
            if fragment:
                rs.fragment_id = fragment
                rs.is_auto_rerun = True
            for key, value in (values or {}).items():
                wid, kind, _ = self.widgets[key]
                w = rs.widget_states.widgets.add()
                w.id = wid
                if kind == "choice":
                    w.string_array_value.data.extend(value)
            if trigger:
                w = rs.widget_states.widgets.add()
                w.id = self.widgets[trigger][0]
                w.trigger_value = True
            await self.ws.send(msg.SerializeToString())
            out = Reply()
            async with asyncio.timeout(limit_s):
                while True:
                    fwd = ForwardMsg()
                    fwd.ParseFromString(await self.ws.recv())
                    kind = fwd.WhichOneof("type")
                    if kind == "new_session":
                        self.page_hash = fwd.new_session.page_script_hash or self.page_hash
                    elif kind == "page_info_changed":
                        self.query = fwd.page_info_changed.query_string
                    elif kind == "auto_rerun":
                        self.fragments.add(fwd.auto_rerun.fragment_id)
                    elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                        self._element(fwd.delta.new_element, out)
                    elif kind == "script_finished":
                        out.status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                        if out.status != "FINISHED_EARLY_FOR_RERUN":
                            return out

    def _element(self, el: Any, out: Reply) -> None:
        kind = el.WhichOneof("type")
        if kind == "html":
            out.html.append(el.html.body)
        elif kind == "alert":
            out.html.append(el.alert.body)
        elif kind == "exception":
            out.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:200])
        elif kind == "button":
            self.widgets[el.button.id.rsplit("-", 1)[-1]] = (el.button.id, "button", [])
        elif kind == "button_group":
            bg = el.button_group
            # an option's leading emoji is sent apart as its icon; the value is the whole formatted text
            labels = [f"{o.content_icon} {o.content}" if o.content_icon else o.content for o in bg.options]
            self.widgets[bg.id.rsplit("-", 1)[-1]] = (bg.id, "choice", labels)

    async def poll(self) -> Reply:
        fid = next(iter(self.fragments), None)
        return await self.send(fragment=fid)


def pct(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))], 3)


async def run(cfg: argparse.Namespace, urls: list[str], pids: list[int]) -> dict[str, Any]:
    kb = knowledge.load_knowledge()
    case = load_library().get(cfg.case) or load_library().cases[0]
    stages = case_stages(case.findings, {f: x.group for f, x in kb.findings.items()})
    errors: list[str] = []
    answer_ms: list[float] = []
    reveal_ms: list[float] = []
    sent = dict.fromkeys(range(len(stages)), 0)
    counted: dict[int, int] = {}
    shown: list[tuple[float, int]] = []  # projector: (time, answered count) of each poll
    revealed_at: list[float] = []
    stage_now = [0]
    stop = asyncio.Event()

    async with Screen(urls[0]) as teacher, Screen(urls[-1]) as projector:
        teacher.query = urllib.parse.urlencode({"page": "teach", "case": case_code(case.id)})
        await teacher.send()
        await teacher.send(trigger="class.start")
        params = urllib.parse.parse_qs(teacher.query)
        code = params["class"][0]
        projector.query = urllib.parse.urlencode({"page": "teach", "class": code, "view": "tally"})
        await projector.send()

        async def watch_projector() -> None:
            while not stop.is_set():
                r = await projector.poll()
                for h in r.html:
                    m = ANSWERED.search(h)
                    if m:
                        shown.append((time.perf_counter(), int(m.group(1))))
                await asyncio.sleep(POLL_S)

        order: list[float] = []  # send times of this stage's answers, in the order the server acknowledged

        async def student(n: int, ready: asyncio.Barrier) -> None:
            try:
                async with Screen(urls[n % len(urls)]) as s:
                    s.query = urllib.parse.urlencode({"page": "teach", "class": code})
                    await s.send()
                    await ready.wait()
                    done_stage = -1
                    while True:
                        if revealed_at:
                            t0 = revealed_at[0]
                            r = await s.poll()
                            if any('data-lbln="diagnosis"' in h for h in r.html):
                                reveal_ms.append((time.perf_counter() - t0) * 1000)
                                return
                        elif stage_now[0] != done_stage and f"class.causes.1.{stage_now[0]}" in s.widgets:
                            stage = stage_now[0]
                            key = f"class.causes.1.{stage}"
                            options = s.widgets[key][2]
                            causes = [options[(n + stage) % len(options)]]
                            triage = s.widgets[f"class.triage.1.{stage}"][2][n % 3]
                            values = {key: causes, f"class.triage.1.{stage}": [triage]}
                            await s.send(values=values)
                            t0 = time.perf_counter()
                            r = await s.send(values=values, trigger="class.send")
                            if any("Your answer is in" in h for h in r.html):
                                sent[stage] += 1
                                order.append(t0)
                            else:
                                errors.append(f"student {n}: answer to stage {stage + 1} not acknowledged: {r.html[-2:]}")
                            for e in r.exceptions:
                                errors.append(f"student {n}: {e}")
                            done_stage = stage
                        else:
                            r = await s.poll()
                            for e in r.exceptions:
                                errors.append(f"student {n}: {e}")
                            if revealed_at and any('data-lbln="diagnosis"' in h for h in r.html):
                                # the reveal landed during this poll, begun before the teacher's tap was recorded
                                reveal_ms.append((time.perf_counter() - revealed_at[0]) * 1000)
                                return
                        if stop.is_set():
                            errors.append(f"student {n}: no reveal seen")
                            return
                        await asyncio.sleep(POLL_S)
            except (TimeoutError, OSError, websockets.WebSocketException) as e:
                errors.append(f"student {n}: {type(e).__name__}: {e}")

        ready = asyncio.Barrier(cfg.students + 1)
        watcher = asyncio.create_task(watch_projector())
        tasks = [asyncio.create_task(student(n, ready)) for n in range(cfg.students)]
        await ready.wait()
        cpu0 = lt.cpu_seconds(pids)
        mem0 = sum(lt.memory_kib(p).get("VmRSS", 0) for p in pids)
        for stage in range(len(stages)):
            order.clear()
            start_seen = len(shown)
            deadline = time.monotonic() + cfg.stage_s
            while sent[stage] < cfg.students and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            await asyncio.sleep(3 * POLL_S)  # the projector's last polls
            for k, t0 in enumerate(sorted(order), start=1):
                seen = next((t for t, c in shown[start_seen:] if c >= k and t >= t0), None)
                if seen is None:
                    errors.append(f"stage {stage + 1}: answer {k} never shown on the tally")
                else:
                    answer_ms.append((seen - t0) * 1000)
            counted[stage] = max((c for _, c in shown[start_seen:]), default=0)
            if stage < len(stages) - 1:
                await teacher.send()
                await teacher.send(trigger="class.next")
                stage_now[0] = stage + 1
        await teacher.send()
        revealed_at.append(time.perf_counter())
        await teacher.send(trigger="class.reveal")
        try:
            async with asyncio.timeout(cfg.timeout_s):
                await asyncio.gather(*tasks)
        except TimeoutError:
            errors.append("timeout waiting for the reveal on every student")
        stop.set()
        mem1 = sum(lt.memory_kib(p).get("VmRSS", 0) for p in pids)
        cpu1 = lt.cpu_seconds(pids)
        watcher.cancel()
        for t in tasks:
            t.cancel()
    return {
        "students": cfg.students, "servers": len(urls), "store": cfg.store, "case": case.id, "stages": len(stages),
        "answer_to_tally_ms": {"n": len(answer_ms), "p50": pct(answer_ms, 50), "p95": pct(answer_ms, 95), "max": pct(answer_ms, 100)},
        "reveal_to_student_ms": {"n": len(reveal_ms), "p50": pct(reveal_ms, 50), "p95": pct(reveal_ms, 95), "max": pct(reveal_ms, 100)},
        "answers_sent": dict(sent), "answers_counted_on_tally": counted,
        "errors": len(errors), "error_samples": errors[:5],
        "server_cpu_s": round(cpu1 - cpu0, 1),
        "server_rss_mib": {"with_class": round(mem1 / 1024, 1), "at_join": round(mem0 / 1024, 1)},
        "server_rss_kib_per_student": round(mem1 / cfg.students),
        "server_cpu_ms_per_student": round((cpu1 - cpu0) * 1000 / cfg.students),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="classload.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=100, help="1..150 (default 100)")
    ap.add_argument("--servers", type=int, default=2, help="Streamlit processes, 1..3 (default 2)")
    ap.add_argument("--store", choices=("redis", "memory"), default="redis")
    ap.add_argument("--case", default="tc-pilonidal-first-abscess")
    ap.add_argument("--stage-s", type=float, default=90, help="longest wait for a stage's answers (default 90)")
    ap.add_argument("--timeout-s", type=float, default=120, help="longest wait for the reveal (default 120)")
    cfg = ap.parse_args(argv)
    if not 1 <= cfg.students <= 150 or not 1 <= cfg.servers <= 3:
        ap.error("--students 1..150, --servers 1..3")
    if cfg.store == "memory" and cfg.servers != 1:
        ap.error("the memory store serves one process: --servers 1")
    host = "127.0.0.1"
    redis_proc = None
    procs: list[subprocess.Popen[bytes]] = []
    logdir = Path(tempfile.mkdtemp(prefix="classload-"))
    try:
        env_store = ""
        if cfg.store == "redis":
            port = lt.free_port(host)
            binary = shutil.which("redis-server") or "/usr/bin/redis-server"
            redis_proc = subprocess.Popen([binary, "--port", str(port), "--bind", host, "--save", "", "--appendonly", "no",
                                           "--dir", str(logdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            env_store = f"redis://{host}:{port}/0"
            time.sleep(0.5)
        os.environ["LBLN_CLASS_STORE"] = env_store
        urls, pids = [], []
        for i in range(cfg.servers):
            port = lt.free_port(host)
            log = (logdir / f"server{i}.log").open("wb")
            proc = lt.start_server(sys.executable, host, port, log)
            procs.append(proc)
            try:
                lt.wait_healthy(proc, f"http://{host}:{port}", logdir / f"server{i}.log", lt.SERVER_START_S)
            except RuntimeError as e:
                print(f"classload: {e}", file=sys.stderr)
                return 3
            urls.append(f"ws://{host}:{port}/_stcore/stream")
            pids.append(proc.pid)
        summary = asyncio.run(run(cfg, urls, pids))
    finally:
        for proc in procs:
            lt.stop_server(proc)
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
        shutil.rmtree(logdir, ignore_errors=True)
    print(json.dumps(summary, indent=2))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
