"""Defects of the job and plan pages: a failed job's time, plan changes that ask first and say
what happens to existing results, and the archived result link's page."""

from __future__ import annotations

import time

from gas.accounts import FREE, PREMIUM
from gas.jobs import FAILED


def text_of(response) -> str:
    """The body as text with whitespace runs collapsed."""
    return " ".join(response.get_data(as_text=True).split())


def test_a_failed_job_reads_failed_not_completed(client, auth, make_job):
    job = make_job(auth.login(), status=FAILED, complete_time=1_700_000_000)
    page = text_of(client.get(f"/annotations/{job['job_id']}"))
    assert 'id="job-end-label">Failed</dt>' in page
    assert "Completed" not in page and "2023-11-14 22:13:20 UTC" in page
    assert "line 3: not a VCF record" in page


def test_upgrade_asks_first_and_says_what_happens(client, auth, accounts, csrf, make_job, drain):
    user = auth.login()
    make_job(user, results_file_archive_id="a1", archived_at=1_700_000_000)
    make_job(user)
    page = client.post("/subscribe", data={"csrf_token": csrf("/subscribe")})
    assert page.status_code == 200 and accounts.get(user).role == FREE
    words = text_of(page)
    assert "Your 1 archived result will be restored" in words
    assert "Your 1 available result stays available" in words
    assert drain("restore") == []
    done = client.post("/subscribe", data={"csrf_token": csrf("/subscribe"), "confirm": "yes"})
    assert done.status_code == 302 and accounts.get(user).role == PREMIUM
    assert len(drain("restore")) == 1


def test_downgrade_asks_first_and_counts_results_in_the_free_window(client, auth, accounts, csrf,
                                                                    make_job):
    user = auth.login(role=PREMIUM)
    make_job(user)  # finished just now: inside the 300 s window, archived after a downgrade
    make_job(user, complete_time=int(time.time()) - 3600)
    make_job(user, complete_time=int(time.time()) - 60, restored_at=int(time.time()))
    page = client.post("/unsubscribe", data={"csrf_token": csrf("/subscribe")})
    assert page.status_code == 200 and accounts.get(user).role == PREMIUM
    words = text_of(page)
    assert "2 of your 3 available results stay available" in words
    assert "1 finished less than 5 minutes ago and will be archived" in words
    assert "Results of new jobs are archived 5 minutes after they finish" in words
    done = client.post("/unsubscribe", data={"csrf_token": csrf("/subscribe"), "confirm": "yes"})
    assert done.status_code == 302 and accounts.get(user).role == FREE


def test_archived_result_link_says_when_and_what_upgrading_does(client, auth, make_job):
    job = make_job(auth.login(), results_file_archive_id="a1", archived_at=1_700_000_000)
    response = client.get(f"/annotations/{job['job_id']}/result")
    assert response.status_code == 410
    words = text_of(response)
    assert "2023-11-14 22:13:20 UTC" in words and 'id="archived-upgrade"' in words
    assert "Upgrading to Premium restores this" in words


def test_archived_result_link_of_a_restoring_premium_user(client, auth, make_job):
    job = make_job(auth.login(role=PREMIUM), results_file_archive_id="a1",
                   archived_at=1_700_000_000,
                   restore={"tier": "Standard", "requested_at": 1_700_000_100, "retrieval": "r"})
    words = text_of(client.get(f"/annotations/{job['job_id']}/result"))
    assert "Standard retrieval" in words and "3–5 hours" in words
    assert "archived-upgrade" not in words
