"""Probes on other people's data: job routes, forged keys and ids, uploads, file names."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import markupsafe
import pytest
import requests

from gas import aws
from gas.jobs import JobStore
from gas.keys import input_key, new_job_id
from tests.attacks.support import VCF

JOB_ROUTES = ["/annotations/{id}", "/annotations/{id}/log", "/annotations/{id}/log.txt",
              "/annotations/{id}/result", "/annotations/{id}/input",
              "/annotations/{id}/summary.json", "/api/v1/jobs/{id}"]
FREE_LIMIT = 153600


@pytest.mark.parametrize("route", JOB_ROUTES)
def test_another_users_job_is_404_on_every_route(mallory, alice_job, route):
    response = mallory.get(route.format(id=alice_job["job_id"]))
    assert response.status_code == 404
    assert "alice private sample" not in response.text


@pytest.mark.parametrize("route", JOB_ROUTES)
def test_the_owner_reaches_every_route(alice, alice_job, route):
    assert alice.get(route.format(id=alice_job["job_id"])).status_code in (200, 302)


@pytest.mark.parametrize("job_id", ["not-a-job", "%2e%2e%2f%2e%2e", "A" * 36, str(uuid.uuid4()),
                                    "00000000-0000-0000-0000-00000000000G"])
def test_malformed_and_missing_job_ids_are_404(mallory, job_id):
    assert {mallory.get(route.format(id=job_id)).status_code for route in JOB_ROUTES} == {404}


def test_another_users_jobs_are_not_listed(mallory, alice_job):
    assert alice_job["job_id"] not in mallory.get("/annotations").text
    listed = [job["job_id"] for job in mallory.get("/api/v1/jobs").json()["jobs"]]
    assert alice_job["job_id"] not in listed


def _forged_keys(settings, me: str, alice: str, alice_job_id: str) -> dict[str, dict]:
    """Query strings that must never create a job for Mallory."""
    prefix = settings.key_prefix
    return {
        "another user's key": {"key": input_key(prefix, alice, new_job_id(), "a.vcf")},
        "another bucket": {"bucket": settings.results_bucket,
                           "key": input_key(prefix, me, new_job_id(), "a.vcf")},
        "no job id": {"key": f"{prefix}/{me}/sample.vcf"},
        "path traversal": {"key": f"{prefix}/{me}/../{alice}/{new_job_id()}~a.vcf"},
        "never uploaded": {"key": input_key(prefix, me, new_job_id(), "a.vcf")},
        "another user's job id": {"key": input_key(prefix, me, alice_job_id, "a.vcf")},
        "empty key": {"key": ""},
        "overlong key": {"key": input_key(prefix, me, new_job_id(), "a" * 1100 + ".vcf")},
    }


FORGERIES = ["another user's key", "another bucket", "no job id", "path traversal",
             "never uploaded", "another user's job id", "empty key", "overlong key"]


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("channel", ["browser redirect", "API"])
def test_forged_submissions_are_refused_and_change_nothing(
    settings, mallory, alice, alice_job, forgery, channel
):
    query = {"bucket": settings.inputs_bucket} | _forged_keys(
        settings, mallory.identity_id, alice.identity_id, alice_job["job_id"])[forgery]
    before = mallory.get("/api/v1/jobs").json()["jobs"]
    if channel == "API":
        response = mallory.post("/api/v1/jobs", json={"key": query["key"]},
                                headers={"X-CSRFToken": mallory.csrf()})
    else:
        response = mallory.get("/annotate/job", params=query)
    assert response.status_code == 400 and "Traceback" not in response.text
    assert mallory.get("/api/v1/jobs").json()["jobs"] == before
    assert alice.job(alice_job["job_id"])["status"] == "COMPLETED"


def test_refusals_do_not_tell_whether_another_users_job_id_exists(settings, mallory, alice_job):
    answers = []
    for job_id in (alice_job["job_id"], new_job_id()):
        key = input_key(settings.key_prefix, mallory.identity_id, job_id, "a.vcf")
        answers.append(mallory.get("/annotate/job", params={"bucket": settings.inputs_bucket,
                                                             "key": key}).text)
    assert answers[0] == answers[1]


def test_an_upload_under_another_users_job_id_is_refused_and_deleted(settings, mallory,
                                                                     alice_job):
    key = input_key(settings.key_prefix, mallory.identity_id, alice_job["job_id"], "a.vcf")
    s3 = aws.client("s3", settings)
    s3.put_object(Bucket=settings.inputs_bucket, Key=key, Body=VCF)  # past the POST policy
    response = mallory.get("/annotate/job", params={"bucket": settings.inputs_bucket,
                                                    "key": key})
    assert response.status_code == 400 and "no uploaded file was found" in response.text
    assert s3.list_objects_v2(Bucket=settings.inputs_bucket, Prefix=key).get("KeyCount") == 0
    assert JobStore(settings).get(alice_job["job_id"])["user_id"] != mallory.identity_id


def test_an_oversize_upload_is_refused_and_deleted(settings, mallory):
    response, key = mallory.upload(b"#" * (FREE_LIMIT + 1), "big.vcf")
    assert response.status_code == 400 and "your plan allows 153,600 bytes" in response.text
    listed = aws.client("s3", settings).list_objects_v2(Bucket=settings.inputs_bucket, Prefix=key)
    assert listed.get("KeyCount", 0) == 0


def test_an_upload_with_an_overlong_name_is_refused_and_deleted(settings, mallory):
    response, key = mallory.upload(VCF, "n" * 300 + ".vcf")
    assert response.status_code == 400
    listed = aws.client("s3", settings).list_objects_v2(Bucket=settings.inputs_bucket, Prefix=key)
    assert listed.get("KeyCount", 0) == 0


def test_the_upload_form_only_lets_a_user_name_files_under_their_own_new_job(mallory):
    _, fields, key_head = mallory.upload_form()
    prefix, user, job = key_head.rstrip("~").split("/")
    assert user == mallory.identity_id and re.fullmatch(r"[0-9a-f-]{36}", job)
    assert fields["key"].startswith(key_head)


# No "/" in them: a name with a slash is refused outright (it is not a file name).
XSS_NAMES = ["<svg onload=alert(1)>.vcf", '"><img src=x onerror=alert(1)>.vcf',
             "'onmouseover='alert(1)'.vcf", "{{7*7}}.vcf"]


@pytest.mark.parametrize("name", XSS_NAMES)
def test_file_names_are_shown_as_text_never_as_markup(mallory, name):
    job_id = mallory.submit(name)
    escaped = str(markupsafe.escape(name))
    for path in (f"/annotations/{job_id}", "/annotations"):
        page = mallory.get(path).text
        assert escaped in page, path
        if escaped != name:
            assert name not in page, path
    assert mallory.job(job_id)["input_file_name"] == name  # the API returns it as data, as is


def test_an_input_named_with_tildes_downloads_under_its_whole_name(mallory):
    job_id = mallory.submit("a~b~c.vcf")
    link = mallory.get(f"/annotations/{job_id}/input").headers["Location"]
    disposition = parse_qs(urlsplit(link).query)["response-content-disposition"][0]
    assert disposition == 'attachment; filename="a~b~c.vcf"'
    assert requests.get(link, timeout=10).content == VCF
