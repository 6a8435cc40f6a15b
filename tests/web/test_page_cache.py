"""A finished job's second view reads no result file again, and the cache never crosses owners
or hides a change of the row (real emulator; AWS calls counted with a botocore event hook)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from gas import aws
from gas.jobs import PENDING, RUNNING, JobStore
from gas.keys import input_key, new_job_id
from tests.web.conftest import annotated_vcf
from web.page_cache import Lru, Recent


@pytest.fixture
def calls(web_settings) -> Counter:
    """Operation names of every S3 and DynamoDB call the app makes from now on."""
    seen: Counter = Counter()

    def count(model, **_kwargs) -> None:
        seen[model.name] += 1

    clients = [aws.client(name, web_settings) for name in ("s3", "dynamodb")]
    for client in clients:
        client.meta.events.register("before-call", count)
    yield seen
    for client in clients:
        client.meta.events.unregister("before-call", count)


def test_views_of_a_finished_job_read_its_row_once_a_second(client, auth, make_job, calls,
                                                            later):
    job = make_job(auth.login(), variants=30)
    first = client.get(f"/annotations/{job['job_id']}")
    assert first.status_code == 200
    assert calls["GetObject"] == 2  # the summary and the result file's preview
    calls.clear()
    for _ in range(3):
        again = client.get(f"/annotations/{job['job_id']}")
        assert again.status_code == 200 and again.get_data() == first.get_data()
    assert dict(calls) == {}  # within the second: no call at all
    later()
    assert client.get(f"/annotations/{job['job_id']}").get_data() == first.get_data()
    assert dict(calls) == {"GetItem": 1}  # then the row again; the files' contents stay


def test_views_of_a_log_read_its_row_once_a_second(client, auth, make_job, calls, later):
    job = make_job(auth.login(), variants=12)
    assert "Total variants: 12" in client.get(f"/annotations/{job['job_id']}/log").text
    calls.clear()
    assert "Total variants: 12" in client.get(f"/annotations/{job['job_id']}/log").text
    assert dict(calls) == {}
    later()
    assert "Total variants: 12" in client.get(f"/annotations/{job['job_id']}/log").text
    assert dict(calls) == {"GetItem": 1}


@pytest.mark.parametrize("status", [PENDING, RUNNING])
def test_an_unfinished_job_is_read_on_every_view(client, auth, make_job, calls, status):
    job = make_job(auth.login(), status=status, variants=10)
    client.get(f"/api/v1/jobs/{job['job_id']}")
    calls.clear()
    client.get(f"/annotations/{job['job_id']}")
    assert client.get(f"/api/v1/jobs/{job['job_id']}").json["status"] == status
    assert calls["GetItem"] == 2
    JobStore(client.application.config['GAS_SETTINGS']).update(job["job_id"], {"progress": 9})
    assert client.get(f"/api/v1/jobs/{job['job_id']}").json["progress"] == 9


def test_a_job_list_is_read_once_a_second_and_a_submission_shows_at_once(
        client, auth, make_job, calls, later, web_settings, s3):
    user_id = auth.login()
    make_job(user_id, variants=5)
    assert len(client.get("/api/v1/jobs").json["jobs"]) == 1
    assert len(client.get("/annotations").text) > 0
    calls.clear()
    client.get("/api/v1/jobs")
    client.get("/annotations")
    assert "Query" not in calls
    make_job(user_id, variants=6)  # written by another process (as a worker would): not seen yet
    assert len(client.get("/api/v1/jobs").json["jobs"]) == 1
    later()
    assert len(client.get("/api/v1/jobs").json["jobs"]) == 2
    # A submission through this process is listed at once.
    job_id = new_job_id()
    key = input_key(web_settings.key_prefix, user_id, job_id, "new.vcf")
    s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=annotated_vcf(3))
    submitted = client.get("/annotate/job", query_string={
        "bucket": web_settings.inputs_bucket, "key": key})
    assert submitted.status_code == 303
    listed = client.get("/api/v1/jobs").json["jobs"]
    assert job_id in [j["job_id"] for j in listed] and len(listed) == 3
    assert job_id in client.get("/annotations").text


def test_a_preview_page_is_cached_per_filter(client, auth, make_job, calls):
    job = make_job(auth.login(), variants=40)
    url = f"/annotations/{job['job_id']}"
    client.get(url)
    calls.clear()
    filtered = client.get(url + "?gene=G1").text
    assert calls["GetObject"] == 1  # another filter is another read
    assert "G1" in filtered


def test_the_cache_never_serves_another_users_job(client, auth, make_job):
    ada = make_job(auth.login("ada@example.org"), variants=11)
    assert "Total variants: 11" in client.get(f"/annotations/{ada['job_id']}/log").text
    bob = make_job(auth.login("bob@example.org"), variants=23)
    assert client.get(f"/annotations/{ada['job_id']}/log").status_code == 404
    assert client.get(f"/annotations/{ada['job_id']}").status_code == 404
    assert "Total variants: 23" in client.get(f"/annotations/{bob['job_id']}/log").text


def test_an_archived_result_shows_within_a_second_and_downloads_read_afresh(
        client, auth, make_job, web_settings, later):
    job = make_job(auth.login(), variants=30)
    url = f"/annotations/{job['job_id']}"
    before = client.get(url).text
    assert "/download" in before or "Download" in before
    JobStore(web_settings).update(job["job_id"], {"results_file_archive_id": "archive-1"})
    # What hands out a link reads the row afresh: the archived page, not a link.
    assert client.get(f"{url}/result").status_code == 410
    later()
    after = client.get(url).text
    assert after != before
    assert "archive" in after.lower()


def test_recent_entries_expire_and_can_be_forgotten(later):
    recent = Recent(1.0, 8)
    recent.put(("list", "ada"), 1)
    recent.put(("list", "bob"), 2)
    assert recent.get(("list", "ada")) == 1
    recent.forget(lambda key: key[1] == "ada")
    assert recent.get(("list", "ada")) is None and recent.get(("list", "bob")) == 2
    later()
    assert recent.get(("list", "bob")) is None


def test_lru_drops_the_least_recently_used():
    cache = Lru(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_a_download_link_is_reused_for_a_minute_with_four_minutes_left(
        client, auth, make_job, monkeypatch):
    from web import page_cache

    job = make_job(auth.login(), variants=5)
    first = client.get(f"/api/v1/jobs/{job['job_id']}").json["result_url"]
    assert client.get("/api/v1/jobs").json["jobs"][0]["result_url"] == first
    assert "X-Amz-Expires=300" in first
    real = page_cache.monotonic
    monkeypatch.setattr(page_cache, "monotonic", lambda: real() + page_cache.LINK_REUSE_SECONDS)
    time.sleep(1)  # a signature made in another second differs
    assert client.get(f"/api/v1/jobs/{job['job_id']}").json["result_url"] != first
