"""The whole user journey in a real Chromium against the local stack (web under gunicorn, the
annotator, the AWS emulator and the development identity provider): sign in, upload, watch the
job complete without reloading, download, log, charts, upgrade — with no console errors and no
request leaving the machine."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

REPO = Path(__file__).resolve().parents[2]
JOB_TIMEOUT_MS = 90_000
STOP_TIMEOUT_SECONDS = 2.0  # idle workers sit in a 20 s long poll; no clean stop is needed
VCF = (
    "##fileformat=VCFv4.0\n##reference=human_g1k_v37\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA00001\n"
    "1\t69511\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n"
    "1\t881627\t.\tG\tA\t50\tPASS\tDP=10\tGT\t0/1\n"
    "22\t16050075\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The local stack with the web app and one annotator, on free ports."""
    data = Path(os.environ.get("GAS_ANNOTATION_DATA", REPO / ".cache" / "annotation-data"))
    if not (data / "manifest.json").is_file():
        pytest.skip(f"no annotation bundle at {data}: run `python -m ann build-data` first")
    stack_module = pytest.importorskip("devstack.stack", reason="the local stack is missing")
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environ |= {"GAS_NAME": f"web{uuid.uuid4().hex[:8]}", "GAS_ANNOTATION_DATA": str(data),
                "GUNICORN_WORKERS": "1"}
    with stack_module.LocalStack(tmp_path_factory.mktemp("stack"), environ=environ,
                                 programs=["web", "annotator"],
                                 stop_timeout=STOP_TIMEOUT_SECONDS) as running:
        from devstack.net import wait_until_up

        wait_until_up(running.web_url + "/", timeout=60)
        yield running


@pytest.fixture
def watched(page, stack):
    """The page, recording console errors, page errors and failed requests on GAS's own pages
    (the development provider's sign-in pages are not GAS's), and any request to another host."""
    allowed = {urlsplit(stack.web_url).netloc, urlsplit(stack.emulator_url).netloc,
               urlsplit(stack.idp_url).netloc}
    problems: list[str] = []

    def on_gas_page(problem: str) -> None:
        if page.url.startswith(stack.web_url):
            problems.append(f"{problem} on {page.url}")

    page.on("console", lambda m: m.type == "error" and on_gas_page(
        f"console: {m.text} ({m.location.get('url')})"))
    page.on("pageerror", lambda e: on_gas_page(f"page error: {e}"))
    page.on("response", lambda r: r.status >= 400 and on_gas_page(f"{r.status}: {r.url}"))
    page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https")
            and urlsplit(r.url).netloc not in allowed and problems.append(f"external: {r.url}"))
    page.set_default_timeout(30_000)
    yield page, problems
    assert problems == []


def sign_in(page, stack, email: str, institution: str | None) -> None:
    """Through GAS's Sign in link, the provider's form, and back."""
    page.goto(stack.web_url + "/")
    page.get_by_role("link", name="Sign in with Globus").click()
    expect(page).to_have_url(re.compile(re.escape(stack.idp_url) + "/v2/oauth2/authorize"))
    page.fill("#email", email)
    page.fill("#name", "Rosalind Franklin")
    if institution:
        page.fill("#institution", institution)
    page.get_by_role("button").click()


def test_user_journey(watched, stack, tmp_path):
    page, problems = watched
    sign_in(page, stack, f"rf-{uuid.uuid4().hex[:6]}@example.org", institution=None)
    expect(page).to_have_url(stack.web_url + "/profile/edit")  # first sign-in: details missing
    page.get_by_label("Institution").fill("King's College London")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#plan")).to_contain_text("Free")

    page.goto(stack.web_url + "/annotate")
    too_big = tmp_path / "too_big.vcf"
    too_big.write_bytes(b"#" * (153600 + 1))
    page.set_input_files("#file", str(too_big))
    page.get_by_role("button", name="Upload and annotate").click()
    expect(page.locator("#file-problem")).to_contain_text("accepts files up to 153,600 bytes")
    expect(page).to_have_url(stack.web_url + "/annotate")

    sample = tmp_path / "my sample.vcf"
    sample.write_text(VCF)
    page.set_input_files("#file", str(sample))
    page.get_by_role("button", name="Upload and annotate").click()
    expect(page).to_have_url(re.compile(re.escape(stack.web_url) + "/annotations/[0-9a-f-]{36}$"))
    page.evaluate("window.gasNotReloaded = true")
    expect(page.locator("#job-status")).to_have_text("COMPLETED", timeout=JOB_TIMEOUT_MS)
    assert page.evaluate("window.gasNotReloaded") is True  # the status changed in place

    expect(page.locator("#charts")).to_have_attribute("data-drawn", "true")
    for chart in ("#chart-regions", "#chart-dbsnp", "#chart-chromosomes"):
        assert page.locator(chart).bounding_box()["height"] > 50
    expect(page.locator("#summary-text")).to_contain_text("3 variants")

    with page.expect_download() as download_info:
        page.locator("#result-link").click()
    download = download_info.value
    assert download.suggested_filename == "my_sample.annot.vcf"
    assert Path(download.path()).read_text().startswith("##fileformat=VCF")

    page.locator("#log-link").click()
    expect(page.locator("#log-text")).not_to_be_empty()

    page.goto(stack.web_url + "/subscribe")
    page.get_by_role("button", name="Upgrade to Premium").click()
    expect(page.locator("#plan-effects")).to_contain_text("no archived results")
    page.get_by_role("button", name="Confirm upgrade").click()
    expect(page.locator("#plan")).to_have_text("Premium")
    page.goto(stack.web_url + "/annotate")
    expect(page.locator("#upload-form")).to_have_attribute("data-max-bytes", str(5 * 2**30))


def test_pages_reference_nothing_outside_the_app(watched, stack):
    page, problems = watched
    sign_in(page, stack, f"check-{uuid.uuid4().hex[:6]}@example.org", institution="UCL")
    for path in ("/", "/annotate", "/annotations", "/profile", "/profile/edit", "/subscribe",
                 "/logout"):
        page.goto(stack.web_url + path)
        html = page.content()
        assert not re.search(r'(?:src|href|action)="(?:https?:)?//(?!127\.0\.0\.1)', html), path
