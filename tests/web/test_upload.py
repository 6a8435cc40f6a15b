"""Browser-style uploads through a real presigned POST to the emulator, the role limits, and the
catalogue of forged submissions (each refused with a 400 page, changing nothing)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from gas.accounts import FREE, PREMIUM
from gas.jobs import PENDING, JobStore
from gas.keys import input_key, new_job_id

FREE_LIMIT = 153600


def upload(client, content: bytes, file_name: str = "sample.vcf"):
    """Do what the upload page does: POST the form to S3, then follow S3's redirect into the app."""
    page = client.get("/annotate").get_data(as_text=True)
    action = re.search(r'id="upload-form" method="post" action="([^"]+)"', page).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    key_head = re.search(r'data-key-head="([^"]+)"', page).group(1)
    fields["key"] = key_head + file_name  # upload.js sets the key from the safe file name
    answer = requests.post(action, data=fields, files={"file": (file_name, content)},
                           allow_redirects=False, timeout=30)
    assert answer.status_code == 303, answer.text
    target = urlsplit(answer.headers["Location"])
    assert target.path == "/annotate/job"
    return client.get(f"{target.path}?{target.query}"), fields["key"]


def vcf_of_size(size: int) -> bytes:
    """A VCF body of exactly `size` bytes."""
    head = b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    return head + b"#" * (size - len(head) - 1) + b"\n"


def test_upload_creates_a_pending_job_and_requests_it(client, auth, web_settings, drain):
    identity_id = auth.login()
    response, key = upload(client, vcf_of_size(1000))
    assert response.status_code == 303
    job_id = response.location.rsplit("/", 1)[-1]
    job = JobStore(web_settings).get(job_id)
    assert (job["user_id"], job["job_status"], job["s3_key_input_file"], job["input_size"]) == (
        identity_id, PENDING, key, 1000)
    assert [(m.job_id, m.user_id) for m in drain("job_requests")] == [(job_id, identity_id)]


def test_repeating_the_redirect_does_not_make_a_second_job(client, auth, web_settings):
    auth.login()
    response, key = upload(client, vcf_of_size(500))
    again = client.get("/annotate/job", query_string={"bucket": web_settings.inputs_bucket,
                                                      "key": key})
    assert again.location == response.location
    jobs, _ = JobStore(web_settings).list_for_user(auth_id(client))
    assert len(jobs) == 1


def auth_id(client) -> str:
    """The signed-in identity of the test client."""
    with client.session_transaction() as session:
        return session["user"]["identity_id"]


@pytest.mark.parametrize(("role", "size", "accepted"), [
    (FREE, FREE_LIMIT, True), (FREE, FREE_LIMIT + 1, False), (PREMIUM, FREE_LIMIT + 1, True)])
def test_upload_limits_by_role(client, auth, web_settings, s3, role, size, accepted):
    identity_id = auth.login(role=role)
    response, key = upload(client, vcf_of_size(size))
    jobs, _ = JobStore(web_settings).list_for_user(identity_id)
    if accepted:
        assert response.status_code == 303 and len(jobs) == 1
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "your plan allows 153,600 bytes" in page
    assert "Traceback" not in page and jobs == []
    listed = s3.list_objects_v2(Bucket=web_settings.inputs_bucket, Prefix=key)
    assert listed.get("KeyCount", 0) == 0  # the oversize upload was deleted


def _forgeries(settings, me: str, other: str, other_job_id: str) -> dict[str, dict]:
    """Query strings that must never create a job for `me`."""
    prefix = settings.key_prefix
    return {
        "another user's key": {"key": input_key(prefix, other, new_job_id(), "a.vcf")},
        "another bucket": {"bucket": settings.results_bucket},
        "no job id": {"key": f"{prefix}/{me}/sample.vcf"},
        "path traversal": {"key": f"{prefix}/{me}/../{other}/{new_job_id()}~a.vcf"},
        "never uploaded": {"key": input_key(prefix, me, new_job_id(), "a.vcf")},
        "another user's job id": {"key": input_key(prefix, me, other_job_id, "a.vcf")},
        "empty key": {"key": ""},
    }


FORGERIES = ["another user's key", "another bucket", "no job id", "path traversal",
             "never uploaded", "another user's job id", "empty key"]


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_submissions_are_refused_and_change_nothing(
    client, auth, web_settings, s3, make_job, drain, forgery
):
    other = str(uuid.uuid4())
    other_job = make_job(other, status=PENDING)
    me = auth.login()
    query = {"bucket": web_settings.inputs_bucket,
             "key": input_key(web_settings.key_prefix, other, new_job_id(), "a.vcf")}
    query |= _forgeries(web_settings, me, other, other_job["job_id"])[forgery]
    if query["key"]:  # the object exists where it names one, so only the checks can refuse it
        s3.put_object(Bucket=web_settings.inputs_bucket, Key=query["key"], Body=b"x")
    if forgery == "never uploaded":
        s3.delete_object(Bucket=web_settings.inputs_bucket, Key=query["key"])
    drain("job_requests")
    response = client.get("/annotate/job", query_string=query)
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    store = JobStore(web_settings)
    assert store.list_for_user(me)[0] == []
    assert store.get(other_job["job_id"]) == other_job
    assert drain("job_requests") == []


@pytest.mark.parametrize("forgery", FORGERIES)
def test_api_refuses_the_same_forgeries(client, auth, web_settings, s3, make_job, forgery):
    other = str(uuid.uuid4())
    other_job = make_job(other, status=PENDING)
    me = auth.login()
    query = _forgeries(web_settings, me, other, other_job["job_id"]).get(forgery, {})
    key = query.get("key", input_key(web_settings.key_prefix, other, new_job_id(), "a.vcf"))
    if key and forgery != "never uploaded":
        s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"x")
    response = client.post("/api/v1/jobs", json={"key": key},
                           headers={"X-CSRFToken": _api_csrf(client)})
    assert response.status_code == 400 and response.get_json()["message"]
    assert JobStore(web_settings).list_for_user(me)[0] == []


def _api_csrf(client) -> str:
    """The session's CSRF token, as the pages' scripts would send it."""
    page = client.get("/subscribe").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
