"""JSON API v1: the job fields, links only while downloadable, session and bearer-token access."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from gas.identity import identity_id_for_email
from gas.jobs import COMPLETED, FAILED, PENDING, RUNNING, JobStore
from gas.keys import input_key, new_job_id

FIELDS = {"job_id", "status", "progress", "submit_time", "complete_time", "input_file_name",
          "failure_reason", "archived", "restore"}


@pytest.mark.parametrize("status", [PENDING, RUNNING, COMPLETED, FAILED])
def test_job_fields(client, auth, make_job, status):
    job = make_job(auth.login(), status=status)
    data = client.get(f"/api/v1/jobs/{job['job_id']}").get_json()
    assert FIELDS <= set(data)
    assert (data["job_id"], data["status"], data["archived"], data["restore"]) == (
        job["job_id"], status, False, None)
    assert ("result_url" in data, "log_url" in data) == (status == COMPLETED,) * 2
    if status == FAILED:
        assert data["failure_reason"] == "line 3: not a VCF record"


def test_links_download_the_files(client, auth, make_job):
    job = make_job(auth.login(), variants=5)
    data = client.get(f"/api/v1/jobs/{job['job_id']}").get_json()
    assert requests.get(data["result_url"], timeout=10).text.count("GENE=") == 5
    assert "Total variants: 5" in requests.get(data["log_url"], timeout=10).text


def test_archived_job_has_no_result_link(client, auth, make_job):
    job = make_job(auth.login(), results_file_archive_id="a1",
                   restore={"tier": "Standard", "requested_at": 1_700_000_000, "retrieval": "r"})
    data = client.get(f"/api/v1/jobs/{job['job_id']}").get_json()
    assert data["archived"] is True and "result_url" not in data and "log_url" in data
    assert data["restore"] == {"tier": "Standard", "requested_at": 1_700_000_000}


def test_list_is_the_callers_jobs_only(client, auth, make_job):
    mine = [make_job(auth.login(), status=PENDING)["job_id"] for _ in range(2)]
    make_job(str(uuid.uuid4()), status=PENDING)
    jobs = client.get("/api/v1/jobs").get_json()["jobs"]
    assert sorted(j["job_id"] for j in jobs) == sorted(mine)


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/v1/jobs"), ("POST", "/api/v1/jobs"),
                                              ("GET", f"/api/v1/jobs/{uuid.uuid4()}")])
def test_anonymous_callers_get_401_json(client, method, path):
    response = client.open(path, method=method, json={"key": "x"})
    assert response.status_code == 401 and response.is_json


def test_session_post_needs_the_csrf_header(client, auth, web_settings, s3):
    me = auth.login()
    key = input_key(web_settings.key_prefix, me, new_job_id(), "a.vcf")
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"##fileformat=VCFv4.2\n")
    assert client.post("/api/v1/jobs", json={"key": key}).status_code == 400
    assert JobStore(web_settings).list_for_user(me)[0] == []


@pytest.mark.parametrize("body", [None, {"file": "x"}, {"key": 5}, ["key"]])
def test_malformed_submissions_are_400(client, auth, body, csrf):
    auth.login()
    response = client.post("/api/v1/jobs", json=body, headers={"X-CSRFToken": csrf("/subscribe")})
    assert response.status_code == 400 and "key" in response.get_json()["message"]


def idp_access_token(idp: str, globus_client, email: str) -> str:
    """An access token from the development provider, as a script would get one."""
    redirect_uri = "http://127.0.0.1:9/callback"
    globus_client.oauth2_start_flow(redirect_uri, requested_scopes="openid profile email")
    form = requests.post(globus_client.oauth2_get_authorize_url(), data={"email": email},
                         allow_redirects=False, timeout=10)
    code = re.search(r"code=([^&]+)", form.headers["Location"]).group(1)
    tokens = globus_client.oauth2_exchange_code_for_tokens(code)
    return tokens.by_resource_server["auth.globus.org"]["access_token"]


def test_bearer_token_reads_and_submits(client, idp, globus_client, web_settings, s3, make_job):
    token = idp_access_token(idp, globus_client, "script@example.org")
    me = identity_id_for_email("script@example.org")
    job = make_job(me, status=RUNNING)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/jobs", headers=headers).get_json()["jobs"][0]["job_id"] == (
        job["job_id"])
    key = input_key(web_settings.key_prefix, me, new_job_id(), "b.vcf")
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"##fileformat=VCFv4.2\n")
    created = client.post("/api/v1/jobs", json={"key": key}, headers=headers)  # no CSRF token
    assert created.status_code == 201 and created.get_json()["status"] == PENDING


def test_inactive_bearer_token_is_401(client, idp, globus_client):
    token = idp_access_token(idp, globus_client, "script@example.org")
    globus_client.oauth2_revoke_token(token)
    response = client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_unknown_bearer_token_is_401_even_with_a_session(client, auth, idp):
    auth.login()
    response = client.get("/api/v1/jobs", headers={"Authorization": "Bearer made-up"})
    assert response.status_code == 401
