"""The network deployment under test: nginx (Debian's package) with TLS in front of two real Streamlit
processes and the private Redis they share for class sessions, all on free loopback ports, configured
from deploy/nginx/*.template by deploy/lbln_deploy.py, the code `make serve` runs. Nothing listens on or
talks to anything but 127.0.0.1.

Without nginx (or redis-server) the tests skip with the reason, except where LBLN_REQUIRE_BROWSER=1 or CI
is set: there they fail, because CI installs both (.ci/run) and a skipped deployment test would hide a
broken proxy.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "deploy"
CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 20_000

_spec = importlib.util.spec_from_file_location("lbln_deploy", ROOT / "deploy" / "lbln_deploy.py")
assert _spec is not None and _spec.loader is not None
lbln_deploy = importlib.util.module_from_spec(_spec)
sys.modules["lbln_deploy"] = lbln_deploy  # dataclasses look their module up by name
_spec.loader.exec_module(lbln_deploy)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deploy: the nginx deployment (deploy/) against real Streamlit processes")


def _must_run() -> bool:
    return os.environ.get("LBLN_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() in ("1", "true")


def require(ok: bool, msg: str) -> None:
    """Skip with `msg`, or fail where the deployment tests must run."""
    if ok:
        return
    if _must_run():
        pytest.fail(f"{msg}; LBLN_REQUIRE_BROWSER=1 / CI forbids skipping", pytrace=False)
    pytest.skip(msg)


def nginx_or_skip() -> str:
    nginx = lbln_deploy.nginx_binary()
    require(nginx is not None, "deployment tests need Debian's nginx (apt-get install nginx)")
    assert nginx is not None
    return nginx


def redis_or_skip() -> str:
    redis = lbln_deploy.redis_server_binary()
    require(redis is not None, "deployment tests need Debian's redis-server (apt-get install redis-server)")
    assert redis is not None
    return redis


def write_artifact(name: str, data: dict[str, Any]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def settings_for(run_dir: Path, *, login: bool = False) -> Any:
    """Settings for a deployment of a test's own (free loopback ports, a self-signed certificate)."""
    return _settings(run_dir, login=login)


def start_deployment(settings: Any, nginx: str, class_store: str | None = None) -> Any:
    """Start a deployment of a test's own (see `_start`); the caller stops it."""
    return _start(settings, nginx, class_store)


def _settings(run_dir: Path, *, login: bool, secrets_file: Path | None = None) -> Any:
    cert, key = lbln_deploy.self_signed_cert(run_dir / "tls", "127.0.0.1")
    return lbln_deploy.Settings(
        run_dir=run_dir,
        cert=cert,
        key=key,
        server_name="127.0.0.1",
        listen="127.0.0.1",
        https_port=lbln_deploy.free_port(),
        http_port=lbln_deploy.free_port(),
        backends=(lbln_deploy.free_port(), lbln_deploy.free_port()),
        workers=1,
        login=login,
        secrets_file=secrets_file,
    )


def _start(settings: Any, nginx: str, class_store: str | None = None) -> Any:
    """lbln_deploy.start as `make serve` runs it: with LBLN_CLASS_STORE unset (whatever this shell has),
    so that it starts its own Redis; or with LBLN_CLASS_STORE=`class_store`."""
    if class_store is None:
        redis_or_skip()
    try:
        with pytest.MonkeyPatch.context() as mp:
            if class_store is None:
                mp.delenv(lbln_deploy.STORE_ENV, raising=False)
            else:
                mp.setenv(lbln_deploy.STORE_ENV, class_store)
            return lbln_deploy.start(settings, nginx)
    except Exception as err:
        logs = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(settings.log_dir.glob("*")) if p.is_file())
        pytest.fail(f"the deployment did not start: {err}\n{logs}")


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """nginx + two Streamlit processes, login off (the app as on a laptop, behind the proxy)."""
    nginx = nginx_or_skip()
    dep = _start(_settings(tmp_path_factory.mktemp("deploy"), login=False), nginx)
    yield dep
    dep.stop()


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[str]:
    """oidc-provider-mock (requirements-dev.txt) on a free loopback port: the hospital's IdP stand-in."""
    require(importlib.util.find_spec("oidc_provider_mock") is not None, "login tests need oidc-provider-mock (requirements-dev.txt)")
    port = lbln_deploy.free_port()
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        lbln_deploy.wait_http_ok(f"{url}/.well-known/openid-configuration", 30, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def login_deployment(tmp_path_factory: pytest.TempPathFactory, identity_provider: str) -> Iterator[Any]:
    """nginx + two Streamlit processes with login required, st.login pointed at the test IdP."""
    nginx = nginx_or_skip()
    run_dir = tmp_path_factory.mktemp("deploy-login")
    settings = _settings(run_dir, login=True)
    secrets_file = run_dir / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "https://127.0.0.1:{settings.https_port}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(32).hex()}"\n'
        'client_id = "lbln-test"\n'
        'client_secret = "lbln-test-secret"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    settings.secrets_file = secrets_file
    dep = _start(settings, nginx)
    yield dep
    dep.stop()


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Any:
    """The session's one headless Debian Chromium (tests/conftest.py), after checking it is installed."""
    require(CHROMIUM.exists(), f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    return request.getfixturevalue("shared_chromium")


def wait_for_app(page: Any) -> None:
    """Streamlit connected over its websocket and finished the script."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def access_log_lines(dep: Any, start: int = 0) -> list[str]:
    return (dep.settings.log_dir / "access.log").read_text(encoding="utf-8").splitlines()[start:]


def wait_log_lines(dep: Any, start: int, wanted: str, timeout_s: float = 10) -> list[str]:
    """The access log lines after `start`, once one of them contains `wanted` (nginx logs a websocket on close)."""
    deadline = time.monotonic() + timeout_s
    while True:
        lines = access_log_lines(dep, start)
        if any(wanted in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)
