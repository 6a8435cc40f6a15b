"""Another user's job, a missing job and a malformed job id are 404 on every job route."""

from __future__ import annotations

import uuid

import pytest

from gas.jobs import JobStore

JOB_ROUTES = [
    "/annotations/{id}", "/annotations/{id}/log", "/annotations/{id}/log.txt",
    "/annotations/{id}/result", "/annotations/{id}/input", "/annotations/{id}/summary.json",
    "/api/v1/jobs/{id}", "/annotations/{id}/variants.tsv", "/annotations/{id}/result.bgzip",
    "/annotations/{id}/result.tbi",
]


def statuses(client, job_id: str) -> dict[str, int]:
    """Status code of every job route for one job id."""
    return {route: client.get(route.format(id=job_id)).status_code for route in JOB_ROUTES}


def test_another_users_job_is_404_on_every_route(client, auth, make_job, web_settings):
    theirs = make_job(str(uuid.uuid4()))
    auth.login()
    assert statuses(client, theirs["job_id"]) == dict.fromkeys(JOB_ROUTES, 404)
    page = client.get(f"/annotations/{theirs['job_id']}").get_data(as_text=True)
    assert theirs["input_file_name"] not in page
    assert JobStore(web_settings).get(theirs["job_id"]) == theirs


@pytest.mark.parametrize("job_id", ["not-a-job", str(uuid.uuid4()), "%2e%2e", "A" * 36,
                                    "00000000-0000-0000-0000-00000000000G"])
def test_malformed_or_missing_job_ids_are_404_on_every_route(client, auth, job_id):
    auth.login()
    assert statuses(client, job_id) == dict.fromkeys(JOB_ROUTES, 404)


def test_own_job_is_served_on_every_route(client, auth, make_job):
    job = make_job(auth.login())
    assert set(statuses(client, job["job_id"]).values()) <= {200, 302}


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_run_again_of_another_users_job_is_404(client, auth, make_job, csrf, web_settings, api):
    theirs = make_job(str(uuid.uuid4()), status="FAILED")
    auth.login()
    token = csrf("/subscribe")
    if api:
        response = client.post(f"/api/v1/jobs/{theirs['job_id']}/rerun",
                               json={"assembly": "auto"}, headers={"X-CSRFToken": token})
    else:
        response = client.post(f"/annotations/{theirs['job_id']}/rerun",
                               data={"csrf_token": token, "assembly": "auto"})
    assert response.status_code == 404
    assert len(JobStore(web_settings).all_for_user(theirs["user_id"])) == 1
