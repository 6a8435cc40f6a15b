"""Every page for both roles; sign-in is set in the session directly (AuthActions.login)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from gas.accounts import FREE, PREMIUM
from gas.jobs import COMPLETED, FAILED, PENDING, RUNNING

ROLES = [FREE, PREMIUM]


def text_of(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def test_home_for_anonymous_visitors_offers_sign_in(client):
    page = text_of(client.get("/"))
    assert "Sign in with Globus" in page and "150 KB" in page


@pytest.mark.parametrize("role", ROLES)
def test_home_and_profile_show_the_plan(client, auth, role):
    auth.login(role=role)
    assert "Annotate a file" in text_of(client.get("/"))
    page = text_of(client.get("/profile"))
    plan = "Premium" if role == PREMIUM else "Free"
    assert re.search(rf'id="plan">{plan}', page)
    assert ("5 GB" if role == PREMIUM else "150 KB") in page


def test_profile_edit_saves(client, auth, accounts, csrf):
    identity_id = auth.login()
    response = client.post("/profile/edit", data={
        "csrf_token": csrf("/profile/edit"), "name": "Ada King", "email": "ada@uni.example",
        "institution": "University of London"})
    assert response.status_code == 302 and response.location == "/profile"
    profile = accounts.get(identity_id)
    assert (profile.name, profile.email, profile.institution) == (
        "Ada King", "ada@uni.example", "University of London")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("email", "not-an-address", "Enter an e-mail address."),
     ("name", "", "This field is required."),
     ("institution", "x" * 256, "Field cannot be longer than 255 characters.")],
)
def test_profile_edit_refuses_bad_values(client, auth, accounts, csrf, field, value, message):
    identity_id = auth.login()
    data = {"csrf_token": csrf("/profile/edit"), "name": "Ada", "email": "ada@example.org",
            "institution": "UoL", field: value}
    response = client.post("/profile/edit", data=data)
    assert response.status_code == 200 and message in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)
    assert accounts.get(identity_id).institution == "Test University"


@pytest.mark.parametrize(("role", "limit"), [(FREE, 153600), (PREMIUM, 5 * 2**30)])
def test_annotate_form_posts_to_s3_with_the_role_limit(client, auth, web_settings, role, limit):
    identity_id = auth.login(role=role)
    page = text_of(client.get("/annotate"))
    assert f'data-max-bytes="{limit}"' in page
    key_head = re.search(r'data-key-head="([^"]+)"', page).group(1)
    assert key_head.startswith(f"{web_settings.key_prefix}/{identity_id}/")
    action = re.search(r'<form id="upload-form" method="post" action="([^"]+)"', page).group(1)
    assert web_settings.inputs_bucket in action
    for field in ("policy", "success_action_redirect", "x-amz-server-side-encryption"):
        assert f'name="{field}"' in page


def test_job_list_is_newest_first_and_paginated(client, auth, make_job, web_settings):
    from gas.jobs import JobStore

    identity_id = auth.login()
    store = JobStore(web_settings)
    ids = []
    for n in range(23):  # more than one page of 20
        job = make_job(identity_id, status=PENDING, file_name=f"f{n:02d}.vcf")
        store.update(job["job_id"], {"submit_time": 1_700_000_000 + n})
        ids.append(job["job_id"])
    first = text_of(client.get("/annotations"))
    names = re.findall(r">(f\d\d\.vcf)</a></td>", first)
    assert names == [f"f{n:02d}.vcf" for n in range(22, 2, -1)]
    older = re.search(r'href="(/annotations\?page=[^"]+)">Older', first).group(1)
    second = text_of(client.get(older.replace("&amp;", "&")))
    assert re.findall(r">(f\d\d\.vcf)</a></td>", second) == ["f02.vcf", "f01.vcf", "f00.vcf"]
    assert "Older" not in second


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        (PENDING, ['id="job-status" class="badge status-pending">PENDING',
                   '<section id="results" hidden'], ['id="summary-data"']),
        (RUNNING, ["3 variants annotated", '<section id="results" hidden'], []),
        (FAILED, ["line 3: not a VCF record", '<section id="results" hidden'], []),
        (COMPLETED, ['id="result-link"', "7 variants, 4 (57.1%) found in dbSNP",
                     'id="summary-data"', 'id="preview-table"'], ["upgrade-prompt"]),
    ],
)
def test_job_page_by_status(client, auth, make_job, status, shown, hidden):
    job = make_job(auth.login(), status=status)
    page = " ".join(text_of(client.get(f"/annotations/{job['job_id']}")).split())
    assert f'data-status="{status}"' in page
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_completed_page_without_a_summary_still_renders(client, auth, make_job, s3, web_settings):
    job = make_job(auth.login())
    s3.delete_object(Bucket=web_settings.results_bucket, Key=job["s3_key_summary_file"])
    page = text_of(client.get(f"/annotations/{job['job_id']}"))
    assert 'id="summary-data"' not in page and 'id="result-link"' in page


def test_archived_result_of_a_free_user_shows_an_upgrade_prompt(client, auth, make_job):
    job = make_job(auth.login(), results_file_archive_id="archive-1")
    page = text_of(client.get(f"/annotations/{job['job_id']}"))
    assert 'id="upgrade-prompt"' in page and 'id="result-link"' not in page
    assert 'id="preview-table"' not in page
    assert client.get(f"/annotations/{job['job_id']}/result").status_code == 410


@pytest.mark.parametrize(("tier", "wait"), [("Expedited", "1–5 minutes"),
                                            ("Standard", "3–5 hours")])
def test_restoring_result_shows_tier_and_expected_wait(client, auth, make_job, tier, wait):
    job = make_job(auth.login(role=PREMIUM), results_file_archive_id="archive-1",
                   restore={"tier": tier, "requested_at": 1_700_000_000, "retrieval": "r1"})
    page = text_of(client.get(f"/annotations/{job['job_id']}"))
    assert f"{tier} retrieval" in page and wait in page and "2023-11-14 22:13:20 UTC" in page
    assert 'id="result-link"' not in page and "upgrade-prompt" not in page


def test_log_page_shows_the_count_log(client, auth, make_job):
    job = make_job(auth.login(), variants=12)
    page = text_of(client.get(f"/annotations/{job['job_id']}/log"))
    assert "Total variants: 12" in page


def test_log_of_an_unfinished_job_is_404(client, auth, make_job):
    job = make_job(auth.login(), status=RUNNING)
    assert client.get(f"/annotations/{job['job_id']}/log").status_code == 404


@pytest.mark.parametrize(("what", "key_field"), [
    ("result", "s3_key_result_file"), ("log.txt", "s3_key_log_file"),
    ("input", "s3_key_input_file")])
def test_downloads_are_short_lived_links_naming_the_file(client, auth, make_job, what, key_field):
    job = make_job(auth.login(), file_name="my sample.vcf")
    response = client.get(f"/annotations/{job['job_id']}/{what}")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.location).query)
    assert urlsplit(response.location).path.endswith(job[key_field].replace(" ", "%20")) or (
        job[key_field].rsplit("/", 1)[-1] in urlsplit(response.location).path)
    assert query["response-content-disposition"][0].startswith("attachment; filename=")
    assert "my_sample" in query["response-content-disposition"][0]
    assert int(query["X-Amz-Expires"][0]) <= 300


def test_downloaded_result_is_the_annotated_file(client, auth, make_job):
    import requests

    job = make_job(auth.login(), variants=4)
    link = client.get(f"/annotations/{job['job_id']}/result").location
    answer = requests.get(link, timeout=10)
    assert answer.status_code == 200 and answer.text.count("GENE=") == 4
    assert answer.headers["Content-Disposition"] == 'attachment; filename="sample.annot.vcf"'


def test_summary_json_feeds_the_charts(client, auth, make_job):
    job = make_job(auth.login(), variants=8)
    data = client.get(f"/annotations/{job['job_id']}/summary.json").get_json()
    assert data["total_variants"] == 8
    assert data["region_classes"] == {"exon": 2, "intron": 2, "intergenic": 2, "UTR3": 2}
    assert data["chromosomes"] == {"chr1": 3, "chr2": 3, "chr3": 2}


def test_file_names_are_shown_escaped(client, auth, make_job):
    job = make_job(auth.login(), file_name="<script>alert(1)<\\script>.vcf")
    page = text_of(client.get(f"/annotations/{job['job_id']}"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "&lt;script&gt;alert(1)" in text_of(client.get("/annotations"))
