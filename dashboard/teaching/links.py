"""Class links of the teaching page, pure: reading a link's parameters, building links and QR codes.

A class link opens one case with the answer hidden: `/?page=teach&case=<code>` (the app then
switches to the teaching page; `/teach?case=<code>` works too, but opening a page path directly
makes Streamlit's frontend probe `/teach/_stcore/` first and log two 404s). `<code>` is the case's short code (`case_code`), six letters and
digits derived from its id (`casebook.codes`), because many ids name the diagnosis (`tc-prostate-cancer-weak-legs`)
and the link is projected to the class. A case id is accepted in the link as well.

The teacher's projector link adds `&reveal=1`, which shows the answer at once on the screen that
opens it; `&view=projector` opens the large-type projector view. Neither is ever needed by a
student, and the class link the page shows and encodes in the QR code carries neither.

Nothing here imports Streamlit; the QR code is drawn by segno into an inline SVG data URI, so the
page makes no request for it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

import segno

from casebook.codes import CODE_ALPHABET, CODE_LENGTH, case_code
from dashboard.common import theme
from dashboard.common.markdown import code_span

DEFAULT_BASE = "http://localhost:8501"
"""The link base when the request tells nothing about the host (tests, some proxies)."""
PAGE_PATHS = ("teach", "bedside", "sources")
"""URL paths of the app's pages: stripped from the page URL to find the app's base."""

_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 80
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")

REVEAL_ON = frozenset({"1", "true", "yes"})
REVEAL_OFF = frozenset({"0", "false", "no", ""})
VIEW_PROJECTOR = "projector"
VIEW_NORMAL = frozenset({"", "student", "normal"})


# --- reading a link ---------------------------------------------------------------------------------


class TeachLink(NamedTuple):
    """What the parameters of a teaching link ask for, and what is wrong with them."""

    case_id: str | None
    """The case to open (None: show the library)."""
    reveal: bool
    projector: bool
    problems: tuple[str, ...]
    """One sentence per unusable parameter (markdown-safe: the offending text is in a code span)."""


SHOWN_MAX = 40
"""How many characters of a link's text a message shows."""
URL_MAX = 2048
"""A page URL (browser-supplied) longer than this is not used for the link base."""


def _shown(text: str) -> str:
    """A parameter's text as it appears in a message: a one-line, capped code span with no backtick
    and no line break (CR, LF, U+2028 ...), so that markdown reads nothing in it."""
    return code_span(text, SHOWN_MAX)


def _one(params: Mapping[str, str | Sequence[str]], name: str, problems: list[str]) -> str | None:
    """The value of a parameter given once; a parameter given more than once is named with its
    values and treated as absent (no value silently wins)."""
    value = params.get(name)
    if value is None or isinstance(value, str):
        return value
    values = list(value)
    if len(values) == 1:
        return values[0]
    if values:
        shown = ", ".join(_shown(v) for v in values[:5])
        problems.append(
            f"{_shown(name)} is given {len(values)} times in the link ({shown}), so none of them was used: "
            "open the case again from the library or a fresh link."
        )
    return None


def read_link(params: Mapping[str, str | Sequence[str]], codes: Mapping[str, str], ids: Iterable[str]) -> TeachLink:
    """The case, reveal and view a link asks for; a bad parameter is named and treated as absent.

    `codes` maps link codes to case ids (`code_index`), `ids` are the library's case ids. An unknown
    or malformed case shows the library; a `reveal` that is not understood keeps the answer hidden.
    A value may be a list of every value of a repeated name (`st.query_params.get_all`): a name
    given more than once is a problem and counts as absent.
    """
    known = list(ids)
    problems: list[str] = []
    case_id: str | None = None
    raw = _one(params, "case", problems)
    if raw is not None:
        text = raw.strip()
        if text in codes:
            case_id = codes[text]
        elif text in known:
            case_id = text
        elif not text:
            problems.append("The link's `case` parameter is empty, so no case was opened.")
        elif len(text) > MAX_ID_LENGTH or not (_ID.fullmatch(text) or _CODE.fullmatch(text)):
            problems.append(
                f"The case in the link, {_shown(raw)}, is malformed: a case is named by its short code "
                "(six letters and digits) or its id (lower-case letters, digits and dashes)."
            )
        else:
            near = difflib.get_close_matches(text, known, n=1, cutoff=0.8)
            hint = f" Did you mean {_shown(near[0])}?" if near else ""
            problems.append(
                f"No teaching case is called {_shown(text)}. The link may be old or mistyped.{hint}"
            )
    reveal = False
    raw_reveal = _one(params, "reveal", problems)
    if raw_reveal is not None:
        value = raw_reveal.strip().lower()
        if value in REVEAL_ON:
            reveal = True
        elif value not in REVEAL_OFF:
            problems.append(
                f"{_shown('reveal=' + raw_reveal)} is not understood (the teacher's link uses `reveal=1`), "
                "so the answer stays hidden."
            )
    projector = False
    raw_view = _one(params, "view", problems)
    if raw_view is not None:
        value = raw_view.strip().lower()
        if value == VIEW_PROJECTOR:
            projector = True
        elif value not in VIEW_NORMAL:
            problems.append(f"{_shown('view=' + raw_view)} is not understood (use `view=projector`); the normal view is shown.")
    return TeachLink(case_id, reveal, projector, tuple(problems))


# --- building links ---------------------------------------------------------------------------------


def link_base(url: str | None = None, host: str | None = None) -> str:
    """The app's base URL (no trailing slash) from the page URL, else the Host header, else localhost.

    The page URL's last path segment is dropped when it is one of the app's pages, so the base of
    `http://10.0.0.5:8501/teach` is `http://10.0.0.5:8501` and a base path (`/lbln/teach`) is kept.
    """
    if url and len(url) <= URL_MAX:
        try:
            parts = urlsplit(url.strip())
        except ValueError:  # browser-supplied: 'http://[::1' and the like must not crash the page
            parts = urlsplit("")
        if parts.scheme in ("http", "https") and parts.netloc and _HOST.fullmatch(parts.netloc):
            segments = [s for s in parts.path.split("/") if s]
            if segments and segments[-1] in PAGE_PATHS:
                segments.pop()
            path = "/" + "/".join(segments) if segments else ""
            return f"{parts.scheme}://{parts.netloc}{path}"
    if host and len(host) <= URL_MAX and _HOST.fullmatch(host.strip()):
        return f"http://{host.strip()}"
    return DEFAULT_BASE


def is_local(base: str) -> bool:
    """Whether a link base only works on the computer that opened it (localhost, 127.x, ::1)."""
    host = (urlsplit(base).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def class_link(base: str, case_id: str, *, reveal: bool = False) -> str:
    """The link that opens a case: answers hidden, or (`reveal=True`) the teacher's link showing the answer."""
    params = {"case": case_code(case_id)}
    if reveal:
        params["reveal"] = "1"
    # The root form: opening /teach directly makes Streamlit's frontend probe /teach/_stcore/ first
    # (two 404s in the console); from the root, the app switches to the teaching page itself.
    return f"{base.rstrip('/')}/?{urlencode({'page': 'teach', **params})}"


def bedside_link(base: str, params: Mapping[str, str]) -> str:
    """The bedside page with a case's findings in its URL (`params` from `dashboard.common.case_url.encode`)."""
    query = urlencode(dict(params))
    return f"{base.rstrip('/')}/" + (f"?{query}" if query else "")  # the bedside page is the default page


@functools.lru_cache(maxsize=256)
def qr_data_uri(link: str) -> str:
    """A QR code of the link as an SVG data URI (black on white, standard quiet zone, scales to any size)."""
    qr = segno.make(link, error="m", micro=False)
    return qr.svg_data_uri(border=4, dark=theme.BLACK, light=theme.WHITE, omitsize=True, title="QR code of the class link")
