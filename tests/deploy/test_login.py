"""Login on (LBLN_LOGIN=required, the network deployment): Streamlit's own OIDC login (st.login) against a
local test identity provider (oidc-provider-mock), through nginx and both Streamlit processes."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import TIMEOUT_MS, wait_for_app

pytestmark = [pytest.mark.deploy, pytest.mark.e2e]


def test_pages_are_served_only_after_logging_in_at_the_identity_provider(login_deployment: Any, browser: Any) -> None:
    base = f"https://127.0.0.1:{login_deployment.settings.https_port}"
    context = browser.new_context(ignore_https_errors=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        for path in ("/?age_years=52&saddle_anesthesia=true", "/teach", "/sources"):
            page.goto(base + path)
            wait_for_app(page)
            page.get_by_role("button", name="Log in").wait_for(state="visible")
            assert page.locator("[data-lbln='triage']").count() == 0, f"{path}: the bedside page ran without a login"
            assert page.get_by_test_id("stNavigation").count() + page.get_by_test_id("stTopNavLink").count() == 0, path

        page.goto(base + "/")
        wait_for_app(page)
        page.get_by_role("button", name="Log in").click()
        # The test identity provider's own form: any subject logs in.
        page.wait_for_url(lambda url: url.startswith(login_deployment_idp(login_deployment)))
        page.locator("input[name='sub']").fill("nurse.lee")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(lambda url: url.startswith(base))
        wait_for_app(page)
        page.locator("[data-lbln='triage']").wait_for(state="visible")
        assert page.get_by_role("button", name="Log in").count() == 0

        # A second tab of the same browser carries the login cookie: served at once.
        other = context.new_page()
        other.goto(base + "/?age_years=52")
        wait_for_app(other)
        other.locator("[data-lbln='triage']").wait_for(state="visible")
    finally:
        context.close()

    # A new browser (no cookie) is asked to log in again.
    fresh = browser.new_context(ignore_https_errors=True)
    fresh.set_default_timeout(TIMEOUT_MS)
    try:
        page = fresh.new_page()
        page.goto(base + "/")
        wait_for_app(page)
        page.get_by_role("button", name="Log in").wait_for(state="visible")
        assert page.locator("[data-lbln='triage']").count() == 0
    finally:
        fresh.close()


def login_deployment_idp(dep: Any) -> str:
    """The identity provider's origin, from the secrets file the fixture wrote."""
    import tomllib

    with dep.settings.secrets_file.open("rb") as f:
        url: str = tomllib.load(f)["auth"]["server_metadata_url"]
    return url.split("/.well-known/")[0]
