"""The job store against a real DynamoDB emulator: every state change is conditional."""

import time

import pytest

from gas.jobs import COMPLETED, FAILED, PENDING, RUNNING, InvalidPageToken, JobStore, public_view
from gas.keys import new_job_id

USER = "6c5e1f7a-3b2d-4e8f-9a0b-1c2d3e4f5a6b"


def make_job(store: JobStore, user: str = USER, submit_time: int | None = None) -> str:
    job_id = new_job_id()
    assert store.create({"job_id": job_id, "user_id": user, "input_file_name": "a.vcf",
                         "submit_time": submit_time or int(time.time())})
    return job_id


@pytest.fixture
def store(settings):
    return JobStore(settings)


def test_create_is_once_only(store):
    job_id = make_job(store)
    assert not store.create({"job_id": job_id, "user_id": "someone-else", "submit_time": 1})
    assert store.get(job_id)["user_id"] == USER


def test_only_one_claim_wins(store):
    job_id = make_job(store)
    assert store.claim(job_id, "run-a", 60)["job_status"] == RUNNING
    assert store.claim(job_id, "run-b", 60) is None


def test_expired_lease_can_be_taken_over_and_old_run_cannot_complete(store):
    job_id = make_job(store)
    store.claim(job_id, "run-a", -5)  # a lease already in the past: run-a "died"
    assert store.claim(job_id, "run-b", 60)["run_id"] == "run-b"
    assert store.complete(job_id, "run-a", {"progress": 1}) is None
    assert store.complete(job_id, "run-b", {"progress": 2})["job_status"] == COMPLETED


def test_release_returns_job_to_pending(store):
    job_id = make_job(store)
    store.claim(job_id, "run-a", 60)
    assert store.release(job_id, "run-a")["job_status"] == PENDING
    assert store.claim(job_id, "run-b", 60) is not None


def test_fail_only_from_pending_or_running(store):
    job_id = make_job(store)
    assert store.fail(job_id, "bad file")["job_status"] == FAILED
    assert store.fail(job_id, "again") is None
    assert store.get(job_id)["failure_reason"] == "bad file"


def test_heartbeat_records_progress_for_owner_only(store):
    job_id = make_job(store)
    store.claim(job_id, "run-a", 60)
    assert store.heartbeat(job_id, "run-a", 500, 60)
    assert not store.heartbeat(job_id, "run-b", 900, 60)
    assert store.get(job_id)["progress"] == 500


def test_get_owned_hides_other_users_jobs(store):
    job_id = make_job(store)
    assert store.get_owned(job_id, USER)["job_id"] == job_id
    assert store.get_owned(job_id, "0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99") is None
    assert store.get("not-a-job-id") is None


def test_list_is_newest_first_and_paginates(store):
    ids = [make_job(store, submit_time=1000 + i) for i in range(5)]
    make_job(store, user="0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99")
    page, token = store.list_for_user(USER, limit=2)
    assert [j["job_id"] for j in page] == ids[::-1][:2]
    rest = []
    while token:
        more, token = store.list_for_user(USER, limit=2, page_token=token)
        rest += more
    assert [j["job_id"] for j in page + rest] == ids[::-1]
    assert len(store.all_for_user(USER)) == 5


def test_no_page_token_starts_from_the_top(store):
    make_job(store)
    page, _ = store.list_for_user(USER, limit=10, page_token="")
    assert len(page) == 1


@pytest.mark.parametrize("token", ["garbage", "eyJhIjogMX0=", "W10=", "e30=", "bnVsbA=="])
def test_bad_page_token_is_refused(store, token):
    make_job(store)
    with pytest.raises(InvalidPageToken):
        store.list_for_user(USER, limit=10, page_token=token)


def test_another_users_page_token_is_refused(store):
    for _ in range(3):
        make_job(store)
    _, token = store.list_for_user(USER, limit=2)
    with pytest.raises(InvalidPageToken):
        store.list_for_user("0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99", limit=2, page_token=token)


def test_public_view_hides_internals(store):
    job_id = make_job(store)
    store.claim(job_id, "run-a", 60)
    view = public_view(store.get(job_id))
    assert view["status"] == RUNNING and view["archived"] is False and view["restore"] is None
    assert "run_id" not in view and "lease_until" not in view
