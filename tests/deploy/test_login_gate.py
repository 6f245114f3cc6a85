"""The login gate of dashboard/app.py in Streamlit's AppTest (no proxy, no browser): off unless
LBLN_LOGIN=required; when required, nothing but a login button (or, without [auth], an error) is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
AUTH = {
    "redirect_uri": "https://127.0.0.1:8443/oauth2callback",
    "cookie_secret": "x" * 64,
    "client_id": "lbln-test",
    "client_secret": "lbln-test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def _labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def _has_bedside(at: AppTest) -> bool:
    return any("data-lbln='triage'" in str(el.value) or 'data-lbln="triage"' in str(el.value) for el in at.get("html"))


def _run(monkeypatch: pytest.MonkeyPatch, login: str | None, auth: dict[str, str] | None = None) -> AppTest:
    if login is None:
        monkeypatch.delenv("LBLN_LOGIN", raising=False)
    else:
        monkeypatch.setenv("LBLN_LOGIN", login)
    at = AppTest.from_file(str(APP), default_timeout=30)
    if auth is not None:
        at.secrets["auth"] = auth
    return at.run()


@pytest.mark.parametrize("login", [None, "", "off", "no"])
def test_without_login_setting_the_app_is_as_on_a_laptop(monkeypatch: pytest.MonkeyPatch, login: str | None) -> None:
    at = _run(monkeypatch, login)
    assert not at.exception
    assert "Log in" not in _labels(at) and "Log out" not in _labels(at)
    assert _has_bedside(at)


def test_login_required_without_auth_configured_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(monkeypatch, "required")
    assert not at.exception
    assert any("[auth]" in e.value for e in at.error)
    assert not _has_bedside(at)


def test_login_required_shows_only_the_login_button(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(monkeypatch, "required", AUTH)
    assert not at.exception
    assert _labels(at) == ["Log in"]
    assert not _has_bedside(at)
