"""Bedside page in a real browser (issue 11, speed): a finding tap reruns only the strip, the chips and
the results. The websocket reply to the tap carries the new chart and no other finding's widget, and
stays far below what the whole page weighs (it was 49 kB a tap when every widget was sent again)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

TAP_BYTES_MAX = 30_000
"""A tap's websocket reply, bytes (measured: 19-27 kB as a case fills; 49 kB when the page reran whole)."""


def _record(nav: Any, query: str) -> list[bytes]:
    """Reload the page with a recorder of every websocket frame the browser receives from then on."""
    frames: list[bytes] = []

    def on_socket(socket: Any) -> None:
        socket.on("framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode()))

    nav.page.on("websocket", on_socket)
    nav.open(query)
    return frames


@pytest.mark.parametrize("viewport", ["landscape", "portrait"])
def test_a_finding_tap_sends_the_results_and_no_other_finding_widget(navigator, viewport):
    nav = navigator(viewport)
    frames = _record(nav, "?age_years=50")
    frames.clear()
    nav.enter("tender", "yes", "true")
    reply = b"".join(frames)
    size = len(reply)
    assert size < TAP_BYTES_MAX, f"a tap received {size} bytes"
    assert b"Causes by estimated probability" in reply  # the chart was sent again
    assert b'data-lbln="triage"' in reply  # and the banner
    for other in ("f.sex", "f.location", "f.saddle_anesthesia", "f.consistency", "f.erythema", "export.download", "export.label"):
        assert other.encode() not in reply, f"the tap sent {other} again"
    assert b"f.tender" not in reply  # not even the tapped widget: it already shows its answer
    nav.assert_clean()
