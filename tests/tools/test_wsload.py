"""The protocol-level load client (tools/wsload.py) against a real local server: a small class."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "wsload.py"


def run_tool(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, check=False)


def test_small_class_changes_findings_and_reports_every_figure(tmp_path: Path) -> None:
    """3 students open the class link and the bedside page and change 2 findings each: every change
    reruns the page, sends a new chart and puts the finding in the URL; no errors; figures reported."""
    out = tmp_path / "wsload.json"
    done = run_tool("--sessions", "3", "--changes", "2", "--stagger-s", "0.5", "--think-s", "0", "--json", str(out))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    summary = json.loads(out.read_text())
    assert summary["errors"]["total"] == 0
    assert summary["changes_done"] == 6
    for name in ("teach", "bedside"):
        assert summary["first_render_ms"][name]["n"] == 3
    assert summary["change_to_chart_ms"]["n"] == 6 and summary["change_to_chart_ms"]["p95"] > 0
    assert summary["server_memory_mib"]["before"] > 0 and summary["server_memory_mib_per_session"] is not None
    taps = [t for s in summary["per_session"] for t in s["taps"]]
    assert all(t["chart_ms"] is not None and t["chart_ms"] <= t["finished_ms"] for t in taps)
    assert "change -> updated chart" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "not a loopback address"),  # noqa: S104 (the address the tool must refuse)
        (["--sessions", "61"], "--sessions must be 1..60"),
        (["--timeout-s", "5"], "--timeout-s must be 10..900"),
    ],
)
def test_bad_options_are_refused_before_anything_starts(args: list[str], message: str) -> None:
    done = run_tool(*args, timeout=30)
    assert done.returncode == 2
    assert message in done.stderr
