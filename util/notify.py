"""notify: e-mail the user once when their job is COMPLETED or FAILED (`job_results` → SES).

    python -m util.notify

Exactly one mail per job, at most once: a conditional write claims the job's one notification
before SES is called, and the sent mail is recorded after. A duplicate delivery finds the claim
and sends nothing. SES has no idempotency key, so after a crash between the send and the record
nobody can tell whether the mail went out; a claim without `notified_at` is then left alone
(logged) rather than risking a second mail. Only SES refusing the mail (certainly not sent)
gives the claim back for a retry.
"""

from __future__ import annotations

import logging
import time
import uuid

from botocore.exceptions import ClientError

from gas import mailer
from gas.jobs import COMPLETED, FAILED
from gas.messages import JobResult
from gas.summaries import load_summary
from gas.worker import Delivery
from util import Deps, UtilWorker, job_mail

log = logging.getLogger("util.notify")
CONCURRENCY = 4
SEND_SECONDS = 60  # longer than an SES call with botocore's retries


def handle(deps: Deps, message: JobResult, delivery: Delivery) -> None:
    """Send the job's one notification, unless it was sent (or claimed) before."""
    store = deps.store
    job = deps.job(message.job_id, "no mail")
    if job is None:
        return
    if job["job_status"] not in (COMPLETED, FAILED):
        log.warning("job %s is %s, not finished; no mail", message.job_id, job["job_status"])
        return
    if job.get("notified_at") or job.get("notify_claim"):
        _log_duplicate(job)
        return
    profile = deps.accounts.get(job["user_id"])
    if profile is None or not profile.email:
        log.error("user %s has no e-mail address; job %s not notified", job["user_id"],
                  job["job_id"])
        return
    mail = job_mail.compose(deps.settings, job, load_summary(deps.settings, job),
                            deps.is_premium(job["user_id"]), profile.name, profile.email)
    token = str(uuid.uuid4())
    if store.claim_notification(job["job_id"], token) is None:
        _log_duplicate(store.get(job["job_id"]) or job)
        return
    try:
        message_id = mailer.send(deps.settings, mail)
    except ClientError:
        store.release_notification(job["job_id"], token)  # refused, so certainly not sent
        raise
    store.mark_notified(job["job_id"], token, message_id)
    log.info("job %s (%s): mail %s sent to %s", job["job_id"], job["job_status"], message_id,
             profile.email)


def _log_duplicate(job: dict) -> None:
    """Say why no mail is sent for an already claimed job."""
    claimed_at = job.get("notify_claimed_at") or 0
    if job.get("notified_at"):
        log.info("job %s was notified already; duplicate delivery ignored", job["job_id"])
    elif time.time() - claimed_at < SEND_SECONDS:
        log.info("job %s: another delivery is sending its mail", job["job_id"])
    else:
        log.warning("job %s: a notification was claimed at %s but not recorded as sent; it may "
                    "have gone out, so none is sent again", job["job_id"],
                    claimed_at)


WORKER = UtilWorker("notify", handle, JobResult, concurrency=CONCURRENCY)
main = WORKER.main


if __name__ == "__main__":
    main()
