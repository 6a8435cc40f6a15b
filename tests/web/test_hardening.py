"""Issue 11's medium and low findings, each as it was seen: open redirects, 500s on odd input,
missing Cache-Control, refused uploads left behind, an existence oracle, and mangled names."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from gas.jobs import COMPLETED, PENDING, JobStore
from gas.keys import input_key, new_job_id

# Targets that a browser would turn into another site, or that broke the redirect itself.
OFF_SITE_TARGETS = [
    "/%09/evil.example", "/%0A/evil.example", "/%0D/evil.example", "/%0D%0A/evil.example",
    "/\t/evil.example", "//evil.example/x", "https://evil.example/", "/\\evil.example",
    "/%5Cevil.example", " //evil.example", "/%00/evil.example", "/%E2%80%8B/evil.example",
    "javascript:alert(1)",
]


def _lands_on_this_site(location: str) -> bool:
    """True when a browser following `location` stays on this site (it drops tab, CR and LF)."""
    cleaned = "".join(ch for ch in unquote(location) if ch not in "\t\r\n")
    parts = urlsplit(cleaned.replace("\\", "/"))
    return not parts.scheme and not parts.netloc and cleaned.startswith("/")


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_login_never_sends_a_signed_in_user_off_site(client, auth, target):
    auth.login()
    response = client.get("/login?next=" + target)
    assert response.status_code == 302
    assert _lands_on_this_site(response.location), response.location


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_sign_in_through_the_provider_never_returns_off_site(client, auth, idp, target):
    response = auth.login_through_idp("ada@example.org", start_at="/login?next=" + target,
                                      name="Ada", institution="Analytical")
    assert response.status_code == 302
    assert _lands_on_this_site(response.location), response.location


def test_a_same_site_next_page_is_still_honoured(client, auth, idp):
    response = auth.login_through_idp("ada@example.org", start_at="/login?next=/annotations?page=2",
                                      name="Ada", institution="Analytical")
    assert response.location == "/annotations?page=2"


@pytest.mark.parametrize("path", ["/%0A", "/%0D", "/%0D%0Aset-cookie:x=1", "/annotations/%0A"])
def test_control_characters_in_the_path_are_not_a_500(client, path):
    response = client.get(path)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "\n" not in response.headers["Location"] and "\r" not in response.location


def test_signed_in_pages_api_and_download_redirects_are_not_stored(client, auth, make_job):
    job = make_job(auth.login())
    for path in ("/", "/annotations", f"/annotations/{job['job_id']}", "/profile", "/annotate",
                 "/api/v1/jobs", f"/api/v1/jobs/{job['job_id']}",
                 f"/annotations/{job['job_id']}/result", f"/annotations/{job['job_id']}/input",
                 f"/annotations/{job['job_id']}/log.txt", "/no-such-page"):
        response = client.get(path)
        assert response.status_code in (200, 302, 404)
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_anonymous_api_errors_are_not_stored_and_static_files_stay_cacheable(client, auth):
    assert "no-store" in client.get("/api/v1/jobs").headers["Cache-Control"]
    auth.login()
    with client.get("/static/css/gas.css") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_deeply_nested_json_is_a_400(client, auth, csrf):
    auth.login()
    body = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/jobs", data=body, content_type="application/json",
                           headers={"X-CSRFToken": csrf("/subscribe")})
    assert response.status_code == 400 and response.is_json


@pytest.mark.parametrize("body", ['{"key": "\\ud800"}', '{"key": "gas/\\udfff~a.vcf"}'])
def test_a_key_that_is_not_utf8_is_a_400(client, auth, csrf, body):
    auth.login()
    response = client.post("/api/v1/jobs", data=body, content_type="application/json",
                           headers={"X-CSRFToken": csrf("/subscribe")})
    assert response.status_code == 400 and response.is_json


def test_a_browser_redirect_with_a_key_that_is_not_utf8_is_a_400(client, auth, web_settings):
    me = auth.login()
    key = input_key(web_settings.key_prefix, me, new_job_id(), "x")[:-1] + "%ED%A0%80.vcf"
    response = client.get(f"/annotate/job?bucket={web_settings.inputs_bucket}&key={key}")
    assert response.status_code == 400


def _token(key: dict) -> str:
    """A page token as the job store encodes them."""
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _wrong_type_tokens(me: str) -> list[str]:
    """Page tokens that decode, name the caller, but carry values of the wrong DynamoDB type."""
    job = {"S": str(uuid.uuid4())}
    return [
        _token({"job_id": job, "user_id": {"S": me}, "submit_time": {"S": "soon"}}),
        _token({"job_id": job, "user_id": {"S": me}, "submit_time": {"N": "x"}}),
        _token({"job_id": job, "user_id": {"S": me}, "submit_time": {"BOOL": True}}),
        _token({"job_id": job, "user_id": {"S": me}, "submit_time": 5}),
        _token({"job_id": {"S": 5}, "user_id": {"S": me}, "submit_time": {"N": "1"}}),
        _token({"job_id": job, "user_id": {"S": str(uuid.uuid4())}, "submit_time": {"N": "1"}}),
        "garbage", _token([1, 2]),
    ]


@pytest.mark.parametrize("number", range(8))
@pytest.mark.parametrize("path", ["/api/v1/jobs", "/annotations"])
def test_page_tokens_of_the_wrong_type_are_a_400(client, auth, path, number):
    token = _wrong_type_tokens(auth.login())[number]
    response = client.get(path, query_string={"page": token})
    assert response.status_code == 400
    assert "page" in response.get_data(as_text=True).lower()


def test_real_page_tokens_still_page(client, auth, make_job):
    me = auth.login()
    for _ in range(3):
        make_job(me, status=PENDING)
    store_page, token = JobStore(client.application.config["GAS_SETTINGS"]).list_for_user(me, 2)
    assert token and len(store_page) == 2
    response = client.get("/annotations", query_string={"page": token})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["²", "١", "³4", "1\u200b", "9" * 5000])
def test_preview_page_numbers_that_are_not_ascii_digits_are_a_400(client, auth, make_job, page):
    job = make_job(auth.login())
    response = client.get(f"/annotations/{job['job_id']}", query_string={"p": page})
    assert response.status_code == 400


def _submit(client, settings, key: str):
    """The redirect S3 sends the browser to after an upload."""
    return client.get("/annotate/job", query_string={"bucket": settings.inputs_bucket, "key": key})


def test_an_upload_refused_for_its_name_is_deleted(client, auth, web_settings, s3):
    me = auth.login()
    key = input_key(web_settings.key_prefix, me, new_job_id(), "x")[:-1] + "n" * 300 + ".vcf"
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"##fileformat=VCFv4.2\n")
    response = _submit(client, web_settings, key)
    assert response.status_code == 400
    listed = s3.list_objects_v2(Bucket=web_settings.inputs_bucket, Prefix=key)
    assert listed.get("KeyCount", 0) == 0


def test_a_refused_key_under_another_users_prefix_is_not_deleted(client, auth, web_settings, s3):
    auth.login()
    theirs = input_key(web_settings.key_prefix, str(uuid.uuid4()), new_job_id(), "a.vcf")
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=theirs, Body=b"x")
    assert _submit(client, web_settings, theirs).status_code == 400
    assert s3.head_object(Bucket=web_settings.inputs_bucket, Key=theirs)["ContentLength"] == 1


def test_refusals_do_not_tell_whether_another_users_job_id_exists(
    client, auth, web_settings, s3, make_job
):
    other_job = make_job(str(uuid.uuid4()), status=PENDING)
    me = auth.login()
    answers = []
    for job_id in (other_job["job_id"], new_job_id()):
        key = input_key(web_settings.key_prefix, me, job_id, "a.vcf")
        s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"x")
        s3.delete_object(Bucket=web_settings.inputs_bucket, Key=key)  # as if never uploaded
        page = _submit(client, web_settings, key)
        api = client.post("/api/v1/jobs", json={"key": key},
                          headers={"X-CSRFToken": _csrf(client)})
        answers.append((page.status_code, page.get_data(as_text=True), api.status_code,
                        api.get_json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400


def test_an_upload_under_another_users_job_id_is_refused_like_a_missing_one_and_deleted(
    client, auth, web_settings, s3, make_job
):
    other_job = make_job(str(uuid.uuid4()), status=PENDING)
    me = auth.login()
    key = input_key(web_settings.key_prefix, me, other_job["job_id"], "a.vcf")
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"x")
    page = _submit(client, web_settings, key).get_data(as_text=True)
    assert "no uploaded file was found" in page
    assert s3.list_objects_v2(Bucket=web_settings.inputs_bucket, Prefix=key).get("KeyCount") == 0
    assert JobStore(web_settings).get(other_job["job_id"]) == other_job


def _csrf(client) -> str:
    """The session's CSRF token, as the pages' scripts send it."""
    import re

    page = client.get("/subscribe").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _disposition_name(url: str) -> str:
    """The file name a presigned link asks S3 to offer."""
    disposition = parse_qs(urlsplit(url).query)["response-content-disposition"][0]
    return disposition.split('filename="', 1)[1].rstrip('"')


@pytest.mark.parametrize(("name", "offered"), [("a~b~c.vcf", "a~b~c.vcf"),
                                               ("plain.vcf", "plain.vcf"),
                                               ('q"uote.vcf', "q_uote.vcf")])
def test_input_downloads_keep_the_whole_name(client, auth, make_job, web_settings, s3, name,
                                             offered):
    me = auth.login()
    job = make_job(me, status=COMPLETED, file_name=name)
    # The browser's upload names the key with the file's own name (S3 fills ${filename}).
    key = input_key(web_settings.key_prefix, me, job["job_id"], "x")[:-1] + name
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=b"x")
    JobStore(web_settings).update(job["job_id"], {"s3_key_input_file": key})
    response = client.get(f"/annotations/{job['job_id']}/input")
    assert response.status_code == 302
    assert _disposition_name(response.location) == offered
