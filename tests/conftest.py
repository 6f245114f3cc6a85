"""What several test folders share: the one Playwright driver and Chromium of the session.

Playwright's sync API allows one running instance per thread, so the browser tests (tests/e2e) and
the deployment tests (tests/deploy) must share it: two session fixtures that each started their
own failed in a full run whenever one folder ran after the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def shared_chromium() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session (callers check that it exists first)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
