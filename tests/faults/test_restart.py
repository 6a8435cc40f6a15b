"""The whole stack restarted (a clean stop, as Ctrl-C or SIGTERM does) in the middle of 20 jobs:
none lost — rows, inputs, results and logs all there, each downloadable through the web app."""

from __future__ import annotations

import requests

from gas.jobs import COMPLETED, JobStore
from tests.attacks.support import User
from tests.faults.conftest import (
    lost_jobs,
    record,
    running_stack,
    settings_of,
    stack_environ,
    vcf,
    wait_all,
)

JOBS = 20


def _download(user: User, path: str) -> bytes | None:
    """Follow the web app's download redirect to S3; the bytes, or None if either refused."""
    answer = user.get(path)
    if answer.status_code != 302:
        return None
    stored = requests.get(answer.headers["Location"], timeout=30)
    return stored.content if stored.status_code == 200 else None


def test_restart_the_whole_stack_mid_run_of_20_jobs(tmp_path):
    data_dir = tmp_path / "gas"
    environ = stack_environ("rst", FREE_USER_MAX_UPLOAD_BYTES=str(50 * 2**20))
    with running_stack(data_dir, environ) as first:
        ports = first.ports
        settings = settings_of(first)
        user = User(first.web_url, "restart@example.org", "Restart")
        assert user.sign_in().status_code == 302
        inputs = {}
        for n in range(JOBS):
            content = vcf(50_000 + 4_000 * n)  # some still queued when the stop comes
            inputs[user.submit(f"restart {n}.vcf", content)] = content
        store = JobStore(settings)
        states = [store.get(job_id)["job_status"] for job_id in inputs]
    unfinished = sum(state != COMPLETED for state in states)

    with running_stack(data_dir, environ, port=ports.web, emulator_port=ports.emulator,
                       idp_port=ports.idp) as second:
        settings = settings_of(second)
        store = JobStore(settings)
        rows = wait_all(store, list(inputs))
        lost = set(lost_jobs(settings, rows))
        for job_id, content in inputs.items():  # the same signed-in session, after the restart
            result = _download(user, f"/annotations/{job_id}/result")
            log = _download(user, f"/annotations/{job_id}/log.txt")
            original = _download(user, f"/annotations/{job_id}/input")
            if not (result and result.startswith(b"##fileformat=VCF") and log
                    and original == content):
                lost.add(job_id)
        record(f"restart the whole stack mid-run ({JOBS} jobs)", 1,
               f"{JOBS - len(lost)}/{JOBS} complete and downloadable "
               f"({unfinished} unfinished at the stop)", len(lost))
        assert not lost, {job_id: rows[job_id].get("job_status") for job_id in lost}
