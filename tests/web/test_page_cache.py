"""A finished job's second view reads no result file again, and the cache never crosses owners
or hides a change of the row (real emulator; AWS calls counted with a botocore event hook)."""

from __future__ import annotations

from collections import Counter

import pytest

from gas import aws
from gas.jobs import JobStore
from web.page_cache import Lru


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


def test_second_view_of_a_finished_job_reads_only_its_row(client, auth, make_job, calls):
    job = make_job(auth.login(), variants=30)
    first = client.get(f"/annotations/{job['job_id']}")
    assert first.status_code == 200
    assert calls["GetObject"] == 2  # the summary and the result file's preview
    calls.clear()
    second = client.get(f"/annotations/{job['job_id']}")
    assert second.status_code == 200 and second.get_data() == first.get_data()
    assert dict(calls) == {"GetItem": 1}


def test_second_view_of_a_log_reads_only_its_row(client, auth, make_job, calls):
    job = make_job(auth.login(), variants=12)
    assert "Total variants: 12" in client.get(f"/annotations/{job['job_id']}/log").text
    calls.clear()
    assert "Total variants: 12" in client.get(f"/annotations/{job['job_id']}/log").text
    assert dict(calls) == {"GetItem": 1}


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


def test_an_archived_result_shows_at_once(client, auth, make_job, web_settings):
    job = make_job(auth.login(), variants=30)
    url = f"/annotations/{job['job_id']}"
    before = client.get(url).text
    assert "/download" in before or "Download" in before
    JobStore(web_settings).update(job["job_id"], {"results_file_archive_id": "archive-1"})
    after = client.get(url).text
    assert after != before
    assert "archive" in after.lower()


def test_lru_drops_the_least_recently_used():
    cache = Lru(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
