"""Processes killed and stopped mid-work, the emulator killed, duplicates and poison on every
queue: one local stack for the module, the faults in this order."""

from __future__ import annotations

import os
import signal
import time

import pytest

from devstack.emulator_state import STATE_FILE_NAME
from devstack.net import wait_until_up
from gas import aws
from gas.accounts import PREMIUM, Accounts
from gas.jobs import COMPLETED, JobStore
from gas.messages import JobRequest, JobResult, RestoreRequest, ThawRequest, publish
from tests.attacks.support import wait_for
from tests.attacks.test_queues import QUEUES, SHAPES, _settle, send_poison, take_dead_letters
from tests.faults.conftest import (
    calls,
    log_lines,
    lost_jobs,
    mail_for,
    program_of,
    record,
    running_stack,
    settings_of,
    signed_in,
    stack_environ,
    vcf,
    wait_all,
)

BIG_JOB_VARIANTS = 400_000  # several seconds of engine time: long enough to be hit mid-job
WINDOW_SECONDS = 6  # Free results are archived this long after completing


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fault-stack")
    environ = stack_environ("flt", GAS_CALL_LOG=str(data_dir / "calls.log"),
                            FREE_USER_DATA_RETENTION=str(WINDOW_SECONDS),
                            FREE_USER_MAX_UPLOAD_BYTES=str(200 * 2**20))
    with running_stack(data_dir, environ) as running:
        yield running


@pytest.fixture(scope="module")
def settings(stack):
    return settings_of(stack)


@pytest.fixture(scope="module")
def store(settings):
    return JobStore(settings)


@pytest.fixture(scope="module")
def user(stack):
    return signed_in(stack)


@pytest.fixture(scope="module")
def finished(settings, store) -> dict[str, dict]:
    """Every job the module's tests completed: each must survive the later faults."""
    return {}


def _mid_job(stack, store, user, name: str) -> tuple[str, str, int]:
    """Submit a big job and wait until an annotator is running it; (job id, program, pid)."""
    job_id = user.submit(name, vcf(BIG_JOB_VARIANTS))
    wait_for(f"job {job_id} to be running", lambda: (
        (row := store.get(job_id)) and row["job_status"] == "RUNNING" and row["progress"] > 0),
        timeout=120)
    program = wait_for("the annotator that claimed it",
                       lambda: program_of(stack, f"job {job_id} claimed"))
    return job_id, program, stack.supervisor.pids()[program]


def _exactly_once(stack, settings, store, job_id: str) -> tuple[dict, int, int]:
    """Wait for the job to complete and its mail to go out; (row, mails, results published)."""
    row = wait_all(store, [job_id])[job_id]
    if row.get("job_status") == COMPLETED:
        wait_for("its e-mail", lambda: mail_for(settings, job_id), timeout=60)
        time.sleep(3)  # a duplicate e-mail or result would show within this
    published = len(log_lines(stack, f"job {job_id} COMPLETED; result published"))
    return row, len(mail_for(settings, job_id)), published


def test_kill_9_the_emulator_mid_run(stack, settings, store, user, finished):
    # First in the module (the big jobs' files make every snapshot slow) and 40,000 records
    # a job: some are still running once a snapshot after the submissions is on disk, and
    # with consequences on (chr1's first genes) all finish within the wait.
    covered = [user.submit(f"before crash {n}.vcf", vcf(40_000)) for n in range(8)]
    _wait_for_snapshot_after_now(stack)  # the emulator promises only what a snapshot holds
    unfinished = sum(store.get(j)["job_status"] != COMPLETED for j in covered)
    emulator = stack.supervisor.pids()["emulator"]
    os.kill(emulator, signal.SIGKILL)
    wait_for("the emulator to be restarted", lambda: stack.supervisor.pids().get("emulator")
             not in (None, emulator), timeout=30)
    wait_until_up(stack.emulator_url + "/moto-api/", timeout=60)  # its snapshot loaded
    aws.reset_clients()
    rows = wait_all(store, covered + list(finished), timeout=180)
    stuck = [j for j, row in rows.items() if row.get("job_status") != COMPLETED]
    lost = lost_jobs(settings, rows)
    record("kill -9 the emulator mid-run", 1,
           f"{len(rows) - len(lost)}/{len(rows)} complete with files "
           f"({unfinished} unfinished at the kill)", len(lost))
    assert not stuck, {j: rows[j].get("job_status") for j in stuck}
    assert not lost
    finished.update({j: rows[j] for j in covered})


def _wait_for_snapshot_after_now(stack) -> None:
    """Wait until a snapshot begun after this call is on disk: the second file replacement
    from now (the first may have been dumped before the last request was answered)."""
    state = stack.data_dir / "emulator" / STATE_FILE_NAME
    seen = state.stat().st_mtime_ns if state.exists() else 0
    for _ in range(2):
        seen = wait_for("an emulator snapshot", lambda before=seen: (
            state.exists() and (mtime := state.stat().st_mtime_ns) != before and mtime), timeout=90)


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_an_annotator_stopped_mid_job(stack, settings, store, user, finished, how):
    job_id, program, pid = _mid_job(stack, store, user, f"big {how}.vcf")
    os.kill(pid, signal.SIGKILL if how == "kill -9" else signal.SIGTERM)
    wait_for(f"{program} to be restarted",
             lambda: stack.supervisor.pids().get(program) not in (None, pid), timeout=90)
    row, mails, published = _exactly_once(stack, settings, store, job_id)
    claims = len(log_lines(stack, f"job {job_id} claimed"))
    lost = lost_jobs(settings, {job_id: row})
    outcome = (f"completed once ({claims} claim{'s' * (claims > 1)}, {mails} mail, "
               f"{published} result)")
    record(f"{how} an annotator mid-job", 1, outcome, len(lost))
    assert not lost
    assert (mails, published) == (1, 1)
    assert row["progress"] == BIG_JOB_VARIANTS
    if how == "SIGTERM":  # it finished the job in hand, or handed the message back
        assert claims in (1, 2)
    finished[job_id] = row


def test_duplicates_on_every_queue(stack, settings, store, user, finished):
    job_id = user.wait_until(user.submit("duplicates.vcf"))["job_id"]
    row = wait_for("the result to be archived", lambda: (
        (r := store.get(job_id)) and r.get("results_file_archive_id") and r), timeout=90)
    key = row["s3_key_result_file"]
    result = JobResult(job_id=job_id, user_id=row["user_id"], status=COMPLETED,
                       complete_time=int(row["complete_time"]))
    for _ in range(3):  # notify and archive both get each copy
        publish(settings, result)
        publish(settings, JobRequest(job_id=job_id, user_id=row["user_id"]))

    accounts = Accounts(settings.database_url)
    accounts.set_role(row["user_id"], PREMIUM)  # what the web's Upgrade does
    accounts.dispose()
    asked = int(time.time())
    for _ in range(3):
        publish(settings, RestoreRequest(user_id=row["user_id"], requested_at=asked))
    retrieval = wait_for("the retrieval", lambda: (r := store.get(job_id)) and (
        (r.get("restore") or {}).get("retrieval") or r.get("restored_at")), timeout=60)
    if isinstance(retrieval, str):
        thaw = ThawRequest(job_id=job_id, user_id=row["user_id"], retrieval=retrieval,
                           tier=store.get(job_id)["restore"]["tier"], requested_at=asked)
        for _ in range(3):
            publish(settings, thaw)
    wait_for("the file to be back", lambda: store.get(job_id).get("restored_at"), timeout=90)
    for queue in QUEUES:
        _settle(settings, queue)
    time.sleep(WINDOW_SECONDS + 2)  # an archive request delayed by the window would act now
    for queue in QUEUES:
        _settle(settings, queue)
    log = stack.data_dir / "calls.log"
    counts = {
        "e-mails": len(mail_for(settings, job_id)),
        "archives": calls(log, "CopyObject").count(f"{key} GLACIER"),
        "retrievals": sum(line.startswith(f"{key} ") for line in calls(log, "RestoreObject")),
        "copies back": calls(log, "CopyObject").count(f"{key} STANDARD"),
        "runs": len(log_lines(stack, f"job {job_id} claimed")),
    }
    final = store.get(job_id)
    lost = lost_jobs(settings, {job_id: final})
    record("duplicates on every queue (x3)", 3,
           ", ".join(f"{value} {name}" for name, value in counts.items()), len(lost))
    assert counts == {"e-mails": 1, "archives": 1, "retrievals": 1, "copies back": 1,
                      "runs": 1}, [line for line in log.read_text().splitlines() if key in line]
    assert not lost and "results_file_archive_id" not in final
    finished[job_id] = final


def test_poison_of_every_shape_on_every_queue(stack, settings, store, user, finished):
    sent = send_poison(settings, "fault")
    found: dict[str, str] = {}

    def all_dead_lettered() -> bool:
        take_dead_letters(settings, found)
        return all(body in found for body in sent.values())

    wait_for("every poison message in its dead-letter queue", all_dead_lettered, timeout=120)
    misplaced = [body[:60] for (queue, _), body in sent.items() if found.get(body) != queue]
    after = user.wait_until(user.submit("after the poison.vcf"))
    wait_for("its e-mail", lambda: mail_for(settings, after["job_id"]), timeout=60)
    rows = {job_id: store.get(job_id) for job_id in [*finished, after["job_id"]]}
    lost = lost_jobs(settings, {j: r for j, r in rows.items()
                                if not r.get("results_file_archive_id")})
    record(f"poison ({len(SHAPES)} shapes) on every queue", len(sent),
           f"{len(found)} dead-lettered, workers kept working", len(lost))
    assert not misplaced and not lost
