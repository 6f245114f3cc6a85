"""Browser tests: one Streamlit server and one Chromium per session, a fresh tablet context per test.

The server runs `streamlit run streamlit_app.py` on a free port (output to a file, not a PIPE, so a
full pipe can never block it) and is ready when /_stcore/health answers "ok". Pages are waited on
through Streamlit's own state attributes, never with fixed sleeps.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORTS = {
    "landscape": {"width": 1180, "height": 820},
    "portrait": {"width": 820, "height": 1180},
}
SERVER_START_S = 60
TIMEOUT_MS = 20_000


def _require_browser() -> None:
    """Skip without Debian's Chromium, except in CI (LBLN_REQUIRE_BROWSER=1), where it must fail."""
    if CHROMIUM.exists():
        return
    msg = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("LBLN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{msg}; LBLN_REQUIRE_BROWSER=1 forbids skipping", pytrace=False)
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# region Fixtures


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Streamlit server running the app for the whole session."""
    _require_browser()
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {SERVER_START_S} s:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)  # polling interval of the health check, not a wait for the page
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Any:
    """The session's one headless Chromium (tests/conftest.py), after checking it is installed."""
    _require_browser()
    return request.getfixturevalue("shared_chromium")


def screens(browser: Any, app_url: str, page_class: type, sizes: dict[str, dict[str, int]],
            shared: dict[tuple[str, float], Any] | None = None) -> Iterator[Any]:
    """The body of a screen-factory fixture: yields `open_(size, query, scale)`, which opens a page (its
    own Streamlit session) as `page_class` in a new touch context, and closes what it opened afterwards.

    With `shared` (a dict the caller keeps), pages of one size and scale open in one context kept across
    tests instead: each is still its own Streamlit session, but the browser's cache of Streamlit's page
    code (7.5 MB) stays warm, which saves seconds a test. Only for pages with no identity to keep apart
    (the bedside page); the teaching screens get a context each."""
    opened: list[Any] = []

    def open_(size: str, query: str = "", scale: float = 1) -> Any:
        context = None if shared is None else shared.get((size, scale))
        if context is None:
            context = browser.new_context(viewport=sizes[size], has_touch=True, device_scale_factor=scale)
            context.set_default_timeout(TIMEOUT_MS)
            if shared is not None:
                shared[(size, scale)] = context
        screen = page_class(context, app_url, size)
        opened.append(screen)
        screen.open(query)
        return screen

    yield open_
    for screen in opened:
        if shared is None:
            screen.context.close()
        else:
            screen.page.close()


@pytest.fixture(scope="session")
def _tablet_contexts(browser: Any) -> Iterator[dict[tuple[str, float], Any]]:
    """The bedside navigator's browser contexts, one per tablet size and scale, for the whole session
    (closed before the browser they live in)."""
    contexts: dict[tuple[str, float], Any] = {}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def navigator(browser: Any, app_url: str, _tablet_contexts: dict[tuple[str, float], Any]) -> Iterator[Any]:
    """A factory: `navigator("portrait", "?age_years=45")` opens the app on a touch tablet."""
    yield from screens(browser, app_url, NavigatorPage, VIEWPORTS, _tablet_contexts)


# endregion

# region Page object


class NavigatorPage:
    """The bedside page with clinical verbs. Every request and console error is recorded."""

    def __init__(self, context: Any, base_url: str, viewport: str) -> None:
        self.context = context
        self.base_url = base_url
        self.viewport = viewport
        self.hosts: set[str] = set()
        self.console_errors: list[str] = []
        self.page = context.new_page()
        self.page.on("request", self._record_request)  # the page's own (its context may hold other pages)
        self.page.on("console", self._record_console)
        self.page.on("pageerror", lambda err: self.console_errors.append(str(err)))

    def _record_request(self, request: Any) -> None:
        if request.url.startswith(("http:", "https:", "ws:", "wss:")):  # not data: images such as the QR code
            self.hosts.add(urlsplit(request.url).netloc)

    def _record_console(self, msg: Any) -> None:
        # Errors, and plotly.js's own warnings ("WARN: ..."; it logs them at trace level), such as a
        # colour it cannot read and draws black instead.
        if (msg.type == "error" or msg.text.startswith("WARN:")) and not self.tolerated(msg):
            url = (msg.location or {}).get("url", "")
            self.console_errors.append(f"{msg.text} ({url})" if url else msg.text)

    def tolerated(self, msg: Any) -> bool:
        """Whether a console error is one this page is known to cause and accepts (none on the bedside page)."""
        return False

    # waiting

    def wait_for_app_run(self) -> None:
        """Wait until Streamlit is connected, has finished the script, and shows no skeleton."""
        page = self.page
        # The states are attributes of the app's root: read them, rather than wait for the root to pass
        # Playwright's visibility check (a loaded machine failed that for 20 s with the attribute already in
        # place). The script state starts as notRunning and the connection comes up before the first run
        # begins, so "connected and not running" also holds before that run: wait until the run has drawn
        # an element too. The waits below cover skeletons, widgets and fonts.
        page.wait_for_function(
            "() => { const app = document.querySelector(\"[data-testid='stApp']\");"
            " return !!app && app.dataset.testConnectionState === 'CONNECTED'"
            " && app.dataset.testScriptState === 'notRunning'"
            " && document.querySelector(\"[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']\") !== null; }"
        )
        page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0")
        # Streamlit loads a widget's code on first use and holds a small placeholder until then (a second
        # or more under load): the page only stops reflowing once every finding's widget is drawn.
        page.wait_for_function(
            "Array.from(document.querySelectorAll(\"[class*='st-key-f-']\")).every("
            "e => e.querySelector(\"[data-testid='stButtonGroup'],[data-testid='stNumberInput']\"))"
        )
        page.wait_for_function("document.fonts.status === 'loaded'")  # a late font re-wraps every label

    def open(self, query: str = "") -> None:
        """Load the app (with a query string such as '?tender=true') and wait for it."""
        response = self.page.goto(self.base_url + query)
        assert response is not None and response.ok, f"GET {self.base_url + query} failed"
        self.wait_for_app_run()
        self.panel("triage").wait_for(state="visible")

    # locating

    def finding(self, finding_id: str) -> Any:
        """The widget of a finding, by its key (Streamlit's `st-key-<key>` mark, dots become dashes)."""
        return self.page.locator(f".st-key-f-{finding_id}")

    def panel(self, name: str) -> Any:
        """A panel of the page by its `data-lbln` mark: triage, flag, unasked, next, workup, why."""
        return self.page.locator(f"[data-lbln='{name}']")

    def chart_text(self) -> str:
        """All text drawn in the ranking chart."""
        chart = self.page.get_by_test_id("stPlotlyChart")
        chart.wait_for(state="visible")
        return chart.text_content() or ""

    # clinical verbs

    def open_group(self, title: str) -> None:
        """Unfold a group of findings (a no-op if it is open)."""
        expander = self.page.get_by_test_id("stExpander").filter(has=self.page.get_by_text(title, exact=True))
        details = expander.locator("details")
        if details.get_attribute("open") is None:
            expander.get_by_text(title, exact=True).tap()
        # The expander animates open (slowly under load) and everything below it moves until it ends: wait
        # for its content to be shown, for its animations to finish, then for its box to stay still.
        expander.get_by_test_id("stExpanderDetails").wait_for(state="visible")
        self.page.wait_for_function(
            "e => e.getAnimations({subtree: true}).length === 0", arg=expander.element_handle(), polling=50
        )
        self.wait_still(expander)

    def wait_still(self, locator: Any, frames: int = 5) -> None:
        """Wait until an element's box stays the same over `frames` successive animation frames."""
        self.page.wait_for_function(
            """([e, frames]) => new Promise(done => {
                const box = () => { const r = e.getBoundingClientRect(); return `${r.top},${r.height}`; };
                const first = box();
                let left = frames;
                const step = () => {
                    if (box() !== first) return done(false);
                    if (--left === 0) return done(true);
                    requestAnimationFrame(step);
                };
                requestAnimationFrame(step);
            })""",
            arg=[locator.element_handle(), frames],
            polling=50,
        )

    def enter(self, finding_id: str, option: str, url_value: str) -> None:
        """Tap an option of a finding and wait until the case (and the URL) carries it."""
        self.finding(finding_id).get_by_role("radio", name=option, exact=True).tap()
        self.page.wait_for_url(re.compile(rf"[?&]{re.escape(finding_id)}={re.escape(url_value)}(&|$)"))
        self.wait_for_app_run()

    def scroll_state(self, locator: Any) -> dict[str, float]:
        """Where an element is on screen (its top, px) and how far the page is scrolled: for failure messages."""
        return locator.evaluate(
            "e => ({top: Math.round(e.getBoundingClientRect().top),"
            " scrolled: Math.round(document.querySelector(\"[data-testid='stMain']\").scrollTop)})"
        )

    def settle_in_middle(self, locator: Any) -> dict[str, float]:
        """Scroll an element to the middle of the screen, wait until it is still, and say where it is."""
        locator.evaluate("e => e.scrollIntoView({block: 'center'})")
        self.wait_still(locator)
        return self.scroll_state(locator)

    # checks

    def in_viewport(self, locator: Any) -> bool:
        """Whether the element's box lies wholly inside the visible viewport."""
        box = locator.bounding_box()
        size = self.page.viewport_size
        assert box is not None and size is not None
        return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]

    def assert_clean(self) -> None:
        """No request left the local server, and the browser console shows no error."""
        local = urlsplit(self.base_url).netloc
        assert self.hosts <= {local}, f"requests to other hosts: {sorted(self.hosts - {local})}"
        assert not self.console_errors, f"console errors: {self.console_errors}"

    def screenshot(self, name: str) -> Path:
        """Save a screenshot of the viewport to test-artifacts/."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


# endregion
