"""The knowledge mutation fuzzer runs, counts every outcome, and finds no crash and no silent change."""

from __future__ import annotations

import random

from tools.fuzz_knowledge import main, mutate


def test_mutate_changes_text_in_the_ways_it_says():
    rng = random.Random(3)
    text = "rules:\n  - {id: a, size: 5}\n  - {id: b, size: 7}\n"
    outs = {mutate(text, rng) for _ in range(60)}
    assert len(outs) > 10
    assert any(".nan" in o or ".inf" in o or "1e308" in o for o in outs)
    assert "rules: []\n" in outs


def test_a_short_run_has_no_crash_and_no_silent_change(capsys):
    assert main(["6", "--seed", "5"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("6 knowledge mutations (with the manifest check)")
    assert "crashes 0" in line and "silent loads that change an output 0" in line
