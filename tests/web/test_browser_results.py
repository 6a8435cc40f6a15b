"""Issue 10's submission options and results in a real Chromium: the assembly choice and the
user's file name on upload, the preview's filters, count, sorting, export and stable colours,
and "Run again" on a failed job. The app and the identity provider are served from threads;
uploads go to the emulator's S3."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from gas.identity import identity_id_for_email
from gas.jobs import FAILED
from tests.web.csq_fixture import install
from tests.web.test_browser_account import site, watched  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser]
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
VCF = (b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
       b"1\t5\t.\tA\tG\t.\t.\t.\n")


def sign_in(page, site: str) -> str:  # noqa: F811
    """Sign in through the provider with a fresh address; return the identity id."""
    email = f"grace-{uuid.uuid4().hex[:6]}@example.org"
    page.goto(site + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.fill("#email", email)
    page.fill("#name", "Grace Hopper")
    page.fill("#institution", "Harvard")
    page.get_by_role("button").click()
    expect(page).to_have_url(site + "/annotations")
    return identity_id_for_email(email)


def test_upload_with_an_assembly_keeps_the_file_name(watched, site):  # noqa: F811
    page = watched
    sign_in(page, site)
    page.goto(site + "/annotate")
    page.select_option("#assembly", "GRCh38")
    page.set_input_files("#file", files=[{"name": "my sample (crlf).vcf",
                                          "mimeType": "text/plain", "buffer": VCF}])
    page.get_by_role("button", name="Upload and annotate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("my sample (crlf).vcf")
    expect(page.locator("#job-assembly")).to_contain_text("GRCh38 (hg38)")
    expect(page.locator("#job-status")).to_have_text("PENDING")
    expect(page.locator("#job-queue")).to_have_text("Next in the queue")
    page.goto(site + "/annotations")
    expect(page.locator("#jobs")).to_contain_text("my sample (crlf).vcf")


def region_colours(page) -> dict[str, str]:
    """The region chart's colour of each class, as Chart.js drew it."""
    expect(page.locator("#charts")).to_have_attribute("data-drawn", "true")
    return page.evaluate("""() => {
        const chart = Chart.getChart("chart-regions");
        const colours = chart.data.datasets[0].backgroundColor;
        return Object.fromEntries(chart.data.labels.map((label, i) => [label, colours[i]]));
    }""")


def test_filters_count_sort_export_and_stable_colours(watched, site, make_job, s3,  # noqa: F811
                                                      web_settings, tmp_path):
    page = watched
    user = sign_in(page, site)
    job = install(s3, web_settings, make_job(user))
    plain = make_job(user)  # regions in another order (exon, intron, intergenic, UTR3)
    page.goto(f"{site}/annotations/{job['job_id']}")
    expect(page.locator("#preview-count")).to_contain_text("5 variants match")
    page.fill("#f-gene", "nd1")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#preview-count")).to_contain_text("2 variants match these filters")
    expect(page.locator("#preview-table tbody tr")).to_have_count(2)
    page.fill("#f-gene", "")
    page.select_option("#f-impact", "HIGH")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#preview-count")).to_contain_text("1 variant matches")
    page.select_option("#f-impact", "")
    page.select_option("#f-region", "CDS")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#preview-count")).to_contain_text("3 variants match")
    position = page.locator("#preview-table th", has_text="Position")
    position.get_by_role("button").click()
    expect(position).to_have_attribute("aria-sort", "ascending")
    positions = page.locator("#preview-table tbody tr td:nth-child(2)").all_text_contents()
    assert positions == ["3400", "68351", "900000"]
    position.get_by_role("button").click()
    expect(position).to_have_attribute("aria-sort", "descending")
    assert page.locator("#preview-table tbody tr td:nth-child(2)").all_text_contents() == [
        "900000", "68351", "3400"]
    with page.expect_download() as download_info:
        page.locator("#export-link").click()
    rows = (tmp_path / "x.tsv")
    download_info.value.save_as(rows)
    lines = rows.read_text().splitlines()
    assert lines[0].startswith("CHROM\tPOS\tID") and len(lines) == 4
    first = region_colours(page)
    page.goto(f"{site}/annotations/{plain['job_id']}")
    second = region_colours(page)
    assert first["intron"] == second["intron"] and first["intergenic"] == second["intergenic"]
    assert list(first) != list(second)  # not by position: the charts order them differently
    assert len(set(first.values())) == len(first)
    expect(page.locator("#consequence-chart")).to_be_hidden()
    json.dumps(second)  # colours are plain strings


def test_a_failed_job_is_run_again_with_another_assembly(watched, site, make_job):  # noqa: F811
    page = watched
    user = sign_in(page, site)
    failed = make_job(user, status=FAILED, file_name="b36.vcf",
                      failure_reason="NCBI36 detected; choose one explicitly to annotate anyway")
    page.goto(f"{site}/annotations/{failed['job_id']}")
    expect(page.locator("#job-end-label")).to_have_text("Failed")
    page.select_option("#rerun-assembly", "NCBI36")
    page.get_by_role("button", name="Run again").click()
    expect(page).not_to_have_url(re.compile(re.escape(failed["job_id"]) + "$"))
    expect(page.locator("#job-assembly")).to_contain_text("NCBI36 (hg18), lifted to GRCh37")
    expect(page.locator("#rerun-of")).to_have_attribute(
        "href", f"/annotations/{failed['job_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("b36.vcf")
