"""Issue 10's sign-in defects in a real Chromium: sign-out that looked failed (the CSP's
form-action blocked the redirect to the identity provider) and a name that stayed stale after a
profile edit. The app and the development identity provider are served from threads."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.web.conftest import ServedApp

pytestmark = [pytest.mark.browser]
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
NAV_USER = "#nav .navbar-nav:last-child .nav-link >> nth=0"


@pytest.fixture
def site(app, idp):
    """The web app on a loopback port (the provider is already served by `idp`)."""
    served = ServedApp(app)
    yield served.url
    served.stop()


@pytest.fixture
def watched(page, site):
    """The page, failing the test on console errors or failed requests on GAS's own pages."""
    problems: list[str] = []

    def on_gas_page(problem: str) -> None:
        if page.url.startswith(site):
            problems.append(f"{problem} on {page.url}")

    page.on("console", lambda m: m.type == "error" and on_gas_page(f"console: {m.text}"))
    page.on("pageerror", lambda e: on_gas_page(f"page error: {e}"))
    page.on("response", lambda r: r.status >= 400 and on_gas_page(f"{r.status}: {r.url}"))
    page.set_default_timeout(15_000)
    yield page
    assert problems == []


def sign_in(page, site: str, name: str) -> None:
    """Through the Sign in link, the provider's form, and back to the job list."""
    page.goto(site + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.fill("#email", f"ada-{uuid.uuid4().hex[:6]}@example.org")
    page.fill("#name", name)
    page.fill("#institution", "Analytical Engines")
    page.get_by_role("button").click()
    expect(page).to_have_url(site + "/annotations")


def test_sign_out_reaches_the_provider_and_leaves_the_user_signed_out(watched, site, idp):
    page = watched
    sign_in(page, site, "Ada Lovelace")
    expect(page.locator(NAV_USER)).to_have_text("Ada Lovelace")
    page.goto(site + "/logout")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(re.escape(idp) + "/v2/web/logout"))
    expect(page.get_by_role("heading")).to_have_text("You are signed out")
    page.get_by_role("link", name="Return to GAS").click()
    expect(page).to_have_url(site + "/")
    expect(page.locator(NAV_USER)).to_have_text("Sign in")
    page.goto(site + "/annotations")
    expect(page).to_have_url(re.compile(re.escape(idp) + "/v2/oauth2/authorize"))


def test_a_profile_edit_shows_the_new_name_on_every_page(watched, site):
    page = watched
    sign_in(page, site, "Ada Lovelace")
    page.goto(site + "/profile/edit")
    page.get_by_label("Full name").fill("Ada R. Lovelace")
    page.get_by_role("button", name="Save profile").click()
    expect(page).to_have_url(site + "/profile")
    for path in ("/profile", "/", "/annotations", "/annotate", "/subscribe"):
        page.goto(site + path)
        expect(page.locator(NAV_USER)).to_have_text("Ada R. Lovelace")
