"""Job pages that say what will happen (issue 10 item 3): a Free result's archive time, a
running job's time left, a PENDING job's place in the queue; the same in the JSON API."""

from __future__ import annotations

import time

import pytest

from gas.accounts import PREMIUM
from gas.jobs import PENDING, RUNNING, JobStore
from gas.progress import estimate_records, seconds_left
from web.templating import duration_left


def words(response) -> str:
    """The body with whitespace runs collapsed."""
    return " ".join(response.get_data(as_text=True).split())


def test_a_free_users_page_says_when_the_result_is_archived(client, auth, make_job):
    job = make_job(auth.login(), complete_time=1_700_000_000)  # retention: 300 s
    page = words(client.get(f"/annotations/{job['job_id']}"))
    assert 'id="archive-time"' in page and "2023-11-14 22:18:20 UTC" in page
    api = client.get(f"/api/v1/jobs/{job['job_id']}").get_json()
    assert api["archive_time"] == 1_700_000_300


def test_the_time_left_before_archiving_counts_down(client, auth, make_job):
    job = make_job(auth.login(), complete_time=int(time.time()) - 60)
    assert "(in about 4 minutes)" in words(client.get(f"/annotations/{job['job_id']}"))


@pytest.mark.parametrize("fields", [{"restored_at": 1}, {"results_file_archive_id": "a"}])
def test_no_archive_time_once_restored_or_archived(client, auth, make_job, fields):
    job = make_job(auth.login(), **fields)
    assert 'id="archive-time"' not in words(client.get(f"/annotations/{job['job_id']}"))


def test_premium_results_have_no_archive_time(client, auth, make_job):
    job = make_job(auth.login(role=PREMIUM))
    assert 'id="archive-time"' not in words(client.get(f"/annotations/{job['job_id']}"))
    assert client.get(f"/api/v1/jobs/{job['job_id']}").get_json()["archive_time"] is None


def test_a_running_job_shows_progress_of_the_estimate_and_time_left(client, auth, make_job):
    now = int(time.time())
    # 1000 done in 1000 s: 3000 left take 3000 s (and a slow test run adds only seconds)
    job = make_job(auth.login(), status=RUNNING, progress=1000, start_time=now - 1000,
                   estimated_records=4000)
    page = words(client.get(f"/annotations/{job['job_id']}"))
    assert "1000 of about 4,000 variants annotated" in page
    assert "about 50 minutes left" in page
    left = client.get(f"/api/v1/jobs/{job['job_id']}").get_json()["seconds_left"]
    assert 3000 <= left < 3100


def test_a_pending_job_shows_its_place_in_the_queue(client, auth, make_job, web_settings):
    me = auth.login()
    store = JobStore(web_settings)
    old = int(time.time()) - 100
    make_job(me, status=PENDING, submit_time=old)
    make_job(auth.login("eve@example.org"), status=PENDING, submit_time=old + 1)
    make_job(me, status=RUNNING, submit_time=old)  # running: not waiting ahead
    auth.login()
    mine = make_job(me, status=PENDING, submit_time=old + 50)
    make_job(me, status=PENDING, submit_time=old + 60)  # later: behind
    assert store.count_pending_before(old + 50, me) == 1
    page = words(client.get(f"/annotations/{mine['job_id']}"))
    assert "2 jobs submitted earlier are waiting ahead of this one (1 of them yours)" in page
    api = client.get(f"/api/v1/jobs/{mine['job_id']}", query_string={"queue": "true"})
    assert api.get_json()["queue"] == {"yours_ahead": 1, "all_ahead": 2}
    assert "queue" not in client.get(f"/api/v1/jobs/{mine['job_id']}").get_json()


def test_the_first_pending_job_is_next(client, auth, make_job):
    job = make_job(auth.login(), status=PENDING, submit_time=1)
    assert "Next in the queue" in words(client.get(f"/annotations/{job['job_id']}"))


HEAD, RECORD = b"##h\n#CHROM\n", b"1\t1\t.\tA\tG\t.\t.\t.\n"


@pytest.mark.parametrize(("head", "size", "expected"), [
    (HEAD + RECORD * 10, len(HEAD) + len(RECORD) * 10, 10),  # the whole file
    (HEAD + RECORD * 10 + b"1\t2", len(HEAD) + len(RECORD) * 1000, 1000),  # cut mid-line
    (b"\x1f\x8b\x08rest", 5000, None),
    (b"##only a header\n", 16, None),
])
def test_records_are_estimated_from_the_first_bytes(head, size, expected):
    assert estimate_records(head, size) == expected


def test_time_left_is_the_remaining_share_at_the_rate_so_far():
    job = {"estimated_records": 1000, "progress": 250, "start_time": 100}
    assert seconds_left(job, now=150) == 150
    assert seconds_left({**job, "progress": 0}, now=150) is None
    assert seconds_left({**job, "progress": 1200}, now=150) == 0  # past the estimate


@pytest.mark.parametrize(("seconds", "text"), [(0, "0 seconds"), (1, "1 second"),
                                               (61, "2 minutes"), (3600, "1 hour"),
                                               (36000, "10 hours")])
def test_durations_left_round_up(seconds, text):
    assert duration_left(seconds) == text
