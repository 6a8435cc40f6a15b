"""Throttling and 5xx errors injected into S3, DynamoDB, SQS and SES calls of every GAS process
(botocore `before-send` hooks, see inject/sitecustomize.py): retried with backoff, nothing lost,
one e-mail per job."""

from __future__ import annotations

import collections
import time

from gas.jobs import JobStore
from tests.attacks.support import VCF, wait_for
from tests.faults.conftest import (
    lost_jobs,
    mail_for,
    record,
    running_stack,
    settings_of,
    signed_in,
    stack_environ,
    wait_all,
)

SERVICES = ("s3", "dynamodb", "sqs", "ses")
JOBS = 10
EVERY = 5  # one HTTP attempt in five to each service fails


def test_throttling_and_5xx_on_every_service(tmp_path):
    data_dir = tmp_path / "gas"
    faults = data_dir / "faults.log"
    environ = stack_environ("inj", GAS_FAULTS=",".join(SERVICES), GAS_FAULTS_EVERY=str(EVERY),
                            GAS_FAULTS_LOG=str(faults))
    with running_stack(data_dir, environ) as stack:
        settings = settings_of(stack)
        user = signed_in(stack)
        job_ids = [user.submit(f"throttled {n}.vcf", VCF) for n in range(JOBS)]
        rows = wait_all(JobStore(settings), job_ids)
        for job_id in job_ids:
            wait_for(f"the e-mail of {job_id}", lambda j=job_id: mail_for(settings, j),
                     timeout=60)
        time.sleep(3)  # a second e-mail would show within this
        mails = [len(mail_for(settings, job_id)) for job_id in job_ids]
        lost = lost_jobs(settings, rows)
        injected = collections.Counter(line.split()[1] for line in faults.read_text().splitlines())
        kinds = collections.Counter(line.split()[3] for line in faults.read_text().splitlines())
        outcome = (", ".join(f"{injected[s]} {s}" for s in SERVICES)
                   + f" ({kinds['throttle']} throttled, {kinds['5xx']} 5xx); "
                   f"{sum(mails)} mails for {JOBS} jobs")
        record(f"throttling + 5xx on every {EVERY}th AWS call", sum(injected.values()), outcome,
               len(lost))
        assert not lost
        assert mails == [1] * JOBS
        assert all(injected[service] > 0 for service in SERVICES), injected
