"""Submission options (issue 10 items 1–2, 5): the user's own file name kept as display text,
the assembly chosen on the upload page or in the API, the script's upload form, idempotent
re-posts, and "Run again" on a failed job."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
import requests

from gas.jobs import COMPLETED, FAILED, PENDING, JobStore
from gas.messages import JobRequest
from tests.web.test_api_tokens import bearer, create_token

ORIGINAL = "my sample (crlf).vcf"
VCF = (b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
       + b"".join(b"1\t%d\t.\tA\tG\t50\tPASS\t.\n" % (100 + i) for i in range(40)))


def page_upload(client, content: bytes, file_name: str, assembly: str | None = None):
    """What the upload page and upload.js send to S3, then S3's redirect into the app."""
    page = client.get("/annotate").get_data(as_text=True)
    action = re.search(r'id="upload-form" method="post" action="([^"]+)"', page).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    key_head = re.search(r'data-key-head="([^"]+)"', page).group(1)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", file_name)
    fields |= {"key": key_head + safe, "x-amz-meta-display-name": quote(file_name, safe="()"),
               "x-amz-meta-assembly": assembly or "auto"}
    answer = requests.post(action, data=fields, files={"file": (safe, content)},
                           allow_redirects=False, timeout=30)
    assert answer.status_code == 303, answer.text
    target = urlsplit(answer.headers["Location"])
    return client.get(f"{target.path}?{target.query}"), fields["key"]


def test_the_upload_page_offers_the_assemblies_with_detection_first(client, auth):
    auth.login()
    page = client.get("/annotate").get_data(as_text=True)
    choices = re.findall(r'<option value="([^"]+)"', page)
    assert choices == ["auto", "GRCh37", "GRCh38", "NCBI36"]
    assert 'name="x-amz-meta-display-name"' in page


def test_the_file_name_is_kept_as_the_user_gave_it_and_the_key_stays_safe(
        client, auth, web_settings):
    auth.login()
    response, key = page_upload(client, VCF, ORIGINAL)
    job = JobStore(web_settings).get(response.location.rsplit("/", 1)[-1])
    assert job["input_file_name"] == ORIGINAL
    assert key.endswith("~my_sample__crlf_.vcf") and job["s3_key_input_file"] == key
    page = client.get(response.location).get_data(as_text=True)
    assert "<h1 class=\"h3\">my sample (crlf).vcf</h1>" in page
    assert ORIGINAL in client.get("/annotations").get_data(as_text=True)


def test_a_display_name_with_markup_is_escaped(client, auth, web_settings):
    auth.login()
    response, _ = page_upload(client, VCF, "<img src=x onerror=alert(1)>.vcf")
    page = client.get(response.location).get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.vcf" in page


def test_the_chosen_assembly_is_on_the_row_and_in_the_request(client, auth, web_settings, drain):
    auth.login()
    response, _ = page_upload(client, VCF, "b36.vcf", assembly="NCBI36")
    job = JobStore(web_settings).get(response.location.rsplit("/", 1)[-1])
    assert job["assembly"] == "NCBI36" and job["estimated_records"] == 40
    assert drain("job_requests") == [JobRequest(job_id=job["job_id"], user_id=job["user_id"],
                                                assembly="NCBI36")]
    assert "NCBI36 (hg18), lifted to GRCh37" in client.get(response.location).get_data(
        as_text=True)


def test_an_unknown_assembly_is_refused_and_the_upload_deleted(client, auth, web_settings, s3):
    auth.login()
    page = client.get("/annotate").get_data(as_text=True)
    action = re.search(r'id="upload-form" method="post" action="([^"]+)"', page).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    key = re.search(r'data-key-head="([^"]+)"', page).group(1) + "x.vcf"
    fields |= {"key": key, "x-amz-meta-assembly": "hg17"}
    answer = requests.post(action, data=fields, files={"file": ("x.vcf", VCF)},
                           allow_redirects=False, timeout=30)
    target = urlsplit(answer.headers["Location"])
    refused = client.get(f"{target.path}?{target.query}")
    assert refused.status_code == 400 and "assembly must be one of" in refused.get_data(
        as_text=True)
    assert s3.list_objects_v2(Bucket=web_settings.inputs_bucket, Prefix=key)["KeyCount"] == 0


def script_upload(client, headers, file_name: str = ORIGINAL, **options) -> dict:
    """A script's flow: ask for an upload form, POST the file to S3 as curl -F would."""
    form = client.post("/api/v1/uploads", json={"file_name": file_name, **options},
                       headers=headers)
    assert form.status_code == 201, form.get_data(as_text=True)
    form = form.get_json()
    answer = requests.post(form["url"], data=form["fields"], files={"file": ("f", VCF)},
                           timeout=30)
    assert answer.status_code == 201, answer.text
    return form


def test_a_script_uploads_and_submits_with_a_token_alone(client, auth, csrf, web_settings):
    auth.login()
    headers = bearer(create_token(client, csrf))
    form = script_upload(client, headers, assembly="GRCh38")
    created = client.post("/api/v1/jobs", json={"key": form["key"]}, headers=headers)
    assert created.status_code == 201 and created.headers["Location"].endswith(form["job_id"])
    job = created.get_json()
    assert (job["job_id"], job["status"], job["assembly"], job["input_file_name"]) == (
        form["job_id"], PENDING, "GRCh38", ORIGINAL)
    again = client.post("/api/v1/jobs", json={"key": form["key"]}, headers=headers)
    assert again.status_code == 200 and again.get_json()["job_id"] == form["job_id"]
    assert len(JobStore(web_settings).list_for_user(auth_id(client))[0]) == 1


def test_the_api_assembly_overrides_the_uploads(client, auth, csrf, web_settings):
    auth.login()
    headers = bearer(create_token(client, csrf))
    form = script_upload(client, headers)
    created = client.post("/api/v1/jobs", json={"key": form["key"], "assembly": "GRCh37"},
                          headers=headers)
    assert created.status_code == 201 and created.get_json()["assembly"] == "GRCh37"


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/api/v1/uploads", {"file_name": "a/b.vcf"}, "file_name must be a file name"),
    ("/api/v1/uploads", {"file_name": "x.vcf\n"}, "file_name must be a file name"),
    ("/api/v1/uploads", {"file_name": "é" * 200 + ".vcf"}, "too long to keep"),
    ("/api/v1/uploads", {"file_name": "x.vcf", "assembly": "hg19"}, "assembly must be one of"),
    ("/api/v1/uploads", {"file_name": 7}, '"file_name" as a string'),
    ("/api/v1/jobs", {"key": "k", "assembly": ["GRCh37"]}, '"assembly" must be a string'),
])
def test_bad_options_are_400_with_a_message(client, auth, csrf, path, body, message):
    auth.login()
    response = client.post(path, json=body, headers=bearer(create_token(client, csrf)))
    assert response.status_code == 400 and message in response.get_json()["message"]


def auth_id(client) -> str:
    """The signed-in identity of the test client."""
    with client.session_transaction() as session:
        return session["user"]["identity_id"]


def test_a_failed_job_runs_again_with_another_assembly(client, auth, csrf, make_job,
                                                       web_settings, drain):
    user = auth.login()
    failed = make_job(user, status=FAILED, file_name="old.vcf")
    page = client.get(f"/annotations/{failed['job_id']}").get_data(as_text=True)
    assert 'id="rerun-form"' in page
    token = csrf(f"/annotations/{failed['job_id']}")
    response = client.post(f"/annotations/{failed['job_id']}/rerun",
                           data={"csrf_token": token, "assembly": "GRCh38"})
    assert response.status_code == 303
    new_id = response.location.rsplit("/", 1)[-1]
    fresh = JobStore(web_settings).get(new_id)
    assert new_id != failed["job_id"] and fresh["job_status"] == PENDING
    assert (fresh["rerun_of"], fresh["assembly"], fresh["s3_key_input_file"],
            fresh["input_file_name"]) == (failed["job_id"], "GRCh38",
                                           failed["s3_key_input_file"], "old.vcf")
    assert drain("job_requests") == [JobRequest(job_id=new_id, user_id=user, assembly="GRCh38")]
    again = client.post(f"/annotations/{failed['job_id']}/rerun",
                        data={"csrf_token": token, "assembly": "GRCh38"})
    assert again.location == response.location
    assert len(JobStore(web_settings).list_for_user(user)[0]) == 2
    assert 'id="rerun-of"' in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(("status", "assembly"), [(COMPLETED, "GRCh38"), (FAILED, "hg19")])
def test_rerun_refuses_completed_jobs_and_unknown_assemblies(client, auth, csrf, make_job,
                                                             status, assembly):
    job = make_job(auth.login(), status=status)
    response = client.post(f"/api/v1/jobs/{job['job_id']}/rerun", json={"assembly": assembly},
                           headers=bearer(create_token(client, csrf)))
    assert response.status_code == 400


def test_another_users_failed_job_cannot_be_run_again(client, auth, csrf, make_job):
    other = make_job(auth.login("eve@example.org"), status=FAILED)
    auth.login()
    response = client.post(f"/api/v1/jobs/{other['job_id']}/rerun", json={"assembly": "auto"},
                           headers=bearer(create_token(client, csrf)))
    assert response.status_code == 404
