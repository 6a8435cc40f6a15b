"""The whole cycle on the local stack: complete → archived → upgrade → restored → downloadable."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
import requests

from gas import aws
from gas.accounts import PREMIUM, Accounts
from gas.config import load_settings
from gas.jobs import COMPLETED, JobStore
from gas.messages import RestoreRequest, publish
from gas.submit import upload_and_submit
from tests.workers.workers_support import BACKENDS, sent_mail

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
WORKERS = ["annotator", "notify", "archive", "restore", "thaw"]
STEP_TIMEOUT_SECONDS = 60
WINDOW_SECONDS = 5
# Idle workers sit in a 20 s long poll; nothing of this stack needs a clean stop.
STOP_TIMEOUT_SECONDS = 2.0
VCF = (
    "##fileformat=VCFv4.0\n##reference=human_g1k_v37\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA00001\n"
    "1\t69511\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n"
    "22\t16050075\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n"
)


@pytest.fixture(scope="module")
def annotation_data() -> Path:
    """The annotation bundle the annotator needs (built by `python -m ann build-data`)."""
    path = Path(os.environ.get("GAS_ANNOTATION_DATA", REPO / ".cache" / "annotation-data"))
    if not (path / "manifest.json").is_file():
        pytest.skip(f"no annotation bundle at {path}: run `python -m ann build-data` first")
    return path


def wait_for(what: str, probe, timeout: float = STEP_TIMEOUT_SECONDS):
    """Poll `probe()` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)


@pytest.mark.parametrize("backend", BACKENDS)
def test_archive_and_restore_cycle(backend, annotation_data, tmp_path, monkeypatch):
    stack_module = pytest.importorskip("devstack.stack", reason="the local stack is missing")
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environ |= {"GAS_NAME": f"cycle{uuid.uuid4().hex[:8]}", "GAS_ARCHIVE_BACKEND": backend,
                "FREE_USER_DATA_RETENTION": str(WINDOW_SECONDS),
                "GAS_ANNOTATION_DATA": str(annotation_data)}
    with stack_module.LocalStack(tmp_path / "gas", environ=environ, programs=WORKERS,
                                 stop_timeout=STOP_TIMEOUT_SECONDS) as stack:
        for key, value in stack.env.items():
            monkeypatch.setenv(key, value)
        aws.reset_clients()
        settings = load_settings()
        assert (settings.archive_backend, settings.free_user_data_retention) == (
            backend, WINDOW_SECONDS)
        accounts, store = Accounts(settings.database_url), JobStore(settings)
        user = accounts.get_or_create_by_email(f"cycle-{uuid.uuid4().hex[:8]}@example.org")
        vcf = tmp_path / "cycle.vcf"
        vcf.write_text(VCF)
        job_id = upload_and_submit(settings, vcf, user.identity_id,
                                   accounts.max_upload_bytes(user, settings))["job_id"]

        done = wait_for("the job to complete", lambda: _row_if(
            store, job_id, lambda r: r["job_status"] == COMPLETED))
        archived = wait_for("the result to be archived", lambda: _row_if(
            store, job_id, lambda r: r.get("results_file_archive_id")))
        assert archived["archived_at"] >= done["complete_time"] + WINDOW_SECONDS
        s3 = aws.client("s3", settings)
        derived = [archived[k] for k in ("s3_key_result_bgzip", "s3_key_result_index")]
        assert all(derived), "the annotator wrote a bgzip copy and an index"
        # Nothing of an archived result stays in hot storage: the archiver deletes the derived
        # copies just after it records the archive on the row.
        wait_for("the bgzip copy and index to be deleted", lambda: not any(
            _exists(s3, settings.results_bucket, key) for key in derived))
        assert len(sent_mail(settings, user.email)) == 1

        accounts.set_role(user.identity_id, PREMIUM)  # what the web's /subscribe does
        publish(settings, RestoreRequest(user_id=user.identity_id, requested_at=int(time.time())))
        restored = wait_for("the result to be restored", lambda: _row_if(
            store, job_id, lambda r: r.get("restored_at")))
        assert "results_file_archive_id" not in restored and "restore" not in restored

        url = aws.client("s3", settings).generate_presigned_url("get_object", Params={
            "Bucket": settings.results_bucket, "Key": restored["s3_key_result_file"]})
        download = requests.get(url, timeout=10)
        assert download.status_code == 200 and download.text.startswith("##fileformat=VCF")
        _check_bgzip_and_index(s3, settings.results_bucket, derived, download.text, tmp_path)
        accounts.dispose()


def _exists(s3, bucket: str, key: str) -> bool:
    """Whether the object is in the bucket."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        return False
    return True


def _check_bgzip_and_index(s3, bucket: str, keys: list[str], plain: str, tmp_path: Path) -> None:
    """The rebuilt bgzip copy holds the restored records and its index finds them by region."""
    import pysam

    local = tmp_path / "restored.annot.vcf.gz"
    s3.download_file(bucket, keys[0], str(local))
    s3.download_file(bucket, keys[1], str(local) + ".tbi")
    records = [line for line in plain.splitlines() if line and not line.startswith("#")]
    with pysam.TabixFile(str(local)) as tbx:
        assert list(tbx.fetch("22")) == [r for r in records if r.startswith("22\t")]


def _row_if(store: JobStore, job_id: str, condition) -> dict | None:
    """The job row if `condition(row)` holds."""
    row = store.get(job_id)
    return row if row and condition(row) else None
