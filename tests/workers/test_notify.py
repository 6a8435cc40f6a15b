"""notify: one mail per finished job, read back from the emulator's SES."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import ClientError

from gas import aws
from gas.jobs import COMPLETED, FAILED
from gas.messages import JobResult
from tests.workers.workers_support import delivery, hooked, sent_mail
from util import notify


def result_of(job: dict) -> JobResult:
    """The job_results message the annotator publishes for this job."""
    return JobResult(job_id=job["job_id"], user_id=job["user_id"], status=job["job_status"],
                     complete_time=job["complete_time"])


@pytest.mark.parametrize("status, words", [(COMPLETED, "is ready"), (FAILED, "failed")])
def test_a_finished_job_gets_one_mail_with_its_link(deps, make_user, make_job, status, words):
    user_id = make_user(deps, name="Rosalind Franklin")
    job = make_job(deps, user_id, status=status)
    notify.handle(deps, result_of(job), delivery(result_of(job)))
    [mail] = sent_mail(deps.settings, f"{user_id}@example.org")
    assert words in mail["subject"]
    assert "Rosalind Franklin" in mail["destinations"]["ToAddresses"][0]
    assert f'href="{deps.settings.base_url}/annotations/{job["job_id"]}"' in mail["body"]
    row = deps.store.get(job["job_id"])
    assert row["notified_at"] and row["notify_message_id"]


def test_the_text_part_carries_the_reason_and_the_link(deps, make_user, make_job):
    job = make_job(deps, make_user(deps), status=FAILED)
    mail = notify.compose(deps, job, "Ada", "ada@example.org")
    assert "line 3: not a VCF record" in mail.text
    assert f"{deps.settings.base_url}/annotations/{job['job_id']}" in mail.text
    assert "<" not in mail.text


def test_html_part_escapes_what_the_user_chose(deps, make_user, make_job):
    job = {**make_job(deps, make_user(deps)), "input_file_name": "<script>x</script>.vcf"}
    mail = notify.compose(deps, job, "<b>Eve</b>", "eve@example.org")
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "<b>Eve" not in mail.html


def test_a_duplicate_delivery_sends_no_second_mail(deps, make_user, make_job):
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    for _ in range(3):
        notify.handle(deps, result_of(job), delivery(result_of(job), receive_count=2))
    assert len(sent_mail(deps.settings, f"{user_id}@example.org")) == 1


def test_a_crash_between_send_and_record_sends_no_second_mail(
    deps, make_user, make_job, monkeypatch
):
    user_id = make_user(deps)
    job = make_job(deps, user_id)

    def crash(*_args, **_kwargs):
        raise ConnectionError("process died before recording the mail")

    with monkeypatch.context() as patch:
        patch.setattr(deps.store, "mark_notified", crash)
        with pytest.raises(ConnectionError):
            notify.handle(deps, result_of(job), delivery(result_of(job)))
    notify.handle(deps, result_of(job), delivery(result_of(job), receive_count=2))
    assert len(sent_mail(deps.settings, f"{user_id}@example.org")) == 1


def test_a_mail_ses_refused_is_sent_on_the_retry(deps, make_user, make_job):
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    ses = aws.client("ses", deps.settings)

    def refuse(**_kwargs):
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "no"}}, "SendEmail")

    with hooked(ses, "before-call.ses.SendEmail", refuse), pytest.raises(ClientError):
        notify.handle(deps, result_of(job), delivery(result_of(job)))
    assert sent_mail(deps.settings, f"{user_id}@example.org") == []
    notify.handle(deps, result_of(job), delivery(result_of(job), receive_count=2))
    assert len(sent_mail(deps.settings, f"{user_id}@example.org")) == 1


def test_deleted_jobs_and_users_without_address_are_skipped(deps, make_user, make_job, caplog):
    caplog.set_level(logging.INFO)
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    deps.accounts.update(user_id, email=None)
    notify.handle(deps, result_of(job), delivery(result_of(job)))
    gone = JobResult(job_id="00000000-0000-4000-8000-000000000000", user_id=user_id,
                     status=COMPLETED, complete_time=1)
    notify.handle(deps, gone, delivery(gone))
    assert sent_mail(deps.settings, f"{user_id}@example.org") == []
    assert "no e-mail address" in caplog.text and "no longer exists" in caplog.text

