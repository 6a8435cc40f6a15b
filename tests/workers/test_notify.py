"""notify: one mail per finished job, read back from the emulator's SES."""

from __future__ import annotations

import json
import logging

import pytest
from botocore.exceptions import ClientError

from gas import aws
from gas.accounts import PREMIUM
from gas.jobs import COMPLETED, FAILED
from gas.messages import JobResult
from tests.workers.workers_support import delivery, hooked, sent_mail
from util import job_mail, notify


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
    mail = job_mail.compose(deps.settings, job, {}, False, "Ada", "ada@example.org")
    assert "line 3: not a VCF record" in mail.text
    assert f"{deps.settings.base_url}/annotations/{job['job_id']}" in mail.text
    assert "<" not in mail.text


def test_html_part_escapes_what_the_user_chose(deps, make_user, make_job):
    job = {**make_job(deps, make_user(deps)), "input_file_name": "<script>x</script>.vcf"}
    mail = job_mail.compose(deps.settings, job, {}, False, "<b>Eve</b>", "eve@example.org")
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



SUMMARY = {
    "input_name": "my sample.vcf", "total_variants": 1234, "in_dbsnp": 987,
    "in_dbsnp_pct": 79.98,
    # The engine writes `consequences` in severity order.
    "consequences": {"stop_gained": 3, "missense_variant": 40, "synonymous_variant": 40,
                     "intron_variant": 600, "intergenic_variant": 551, "upstream_gene_variant": 0},
}


def with_summary(deps, job: dict, summary: dict | str) -> dict:
    """Store `summary` as the job's summary file (JSON, or the text given)."""
    body = summary if isinstance(summary, str) else json.dumps(summary)
    aws.client("s3", deps.settings).put_object(
        Bucket=deps.settings.results_bucket, Key=job["s3_key_summary_file"], Body=body.encode())
    return job


def test_the_mail_tells_what_was_found_and_when_a_free_result_is_archived(
        deps, make_user, make_job):
    user_id = make_user(deps)
    job = with_summary(deps, make_job(deps, user_id), SUMMARY)
    notify.handle(deps, result_of(job), delivery(result_of(job)))
    [sent] = sent_mail(deps.settings, f"{user_id}@example.org")
    archived_at = job_mail.when(job["complete_time"] + deps.settings.free_user_data_retention)
    html_part = sent["body"]
    assert "<th align=\"left\">Variants</th><td>1,234</td>" in html_part
    assert "<th align=\"left\">Found in dbSNP</th><td>987 (80.0%)</td>" in html_part
    # Largest first; of two equal counts the more severe first; zero counts never shown.
    assert ("<li>intron_variant: 600 (48.6%)</li><li>intergenic_variant: 551 (44.7%)</li>"
            "<li>missense_variant: 40 (3.2%)</li><li>synonymous_variant: 40 (3.2%)</li>"
            "<li>stop_gained: 3 (0.2%)</li></ul>") in html_part
    assert f"moves to the archive at {archived_at}, 5 minutes after the job finished" in html_part
    assert f'href="{deps.settings.base_url}/subscribe"' in html_part
    mail = job_mail.compose(deps.settings, job, SUMMARY, False, "Ada", "ada@example.org")
    assert "sample.vcf" in mail.subject and "Variants: 1,234\n" in mail.text
    assert "Found in dbSNP: 987 (80.0%)" in mail.text
    assert "  intron_variant: 600 (48.6%)\n" in mail.text and "<" not in mail.text
    assert f"archive at {archived_at}" in mail.text


def test_a_premium_users_mail_has_no_archive_date(deps, make_user, make_job):
    user_id = make_user(deps, role=PREMIUM)
    job = with_summary(deps, make_job(deps, user_id), SUMMARY)
    notify.handle(deps, result_of(job), delivery(result_of(job)))
    [sent] = sent_mail(deps.settings, f"{user_id}@example.org")
    assert "1,234" in sent["body"] and "archive" not in sent["body"]


@pytest.mark.parametrize("summary", [
    {"total_variants": 10, "in_dbsnp": 4, "in_dbsnp_pct": 40.0},  # before consequences existed
    "not json",  # unreadable: the row's own counts are used
], ids=["older-summary", "unreadable-summary"])
def test_a_summary_without_consequences_still_gives_the_counts(deps, make_user, make_job,
                                                                summary):
    user_id = make_user(deps)
    job = make_job(deps, user_id)
    job = deps.store.update(job["job_id"], {"summary": {"total_variants": 10, "in_dbsnp": 4,
                                                        "in_dbsnp_pct": 40.0}})
    with_summary(deps, job, summary)
    notify.handle(deps, result_of(job), delivery(result_of(job)))
    [sent] = sent_mail(deps.settings, f"{user_id}@example.org")
    assert "<td>10</td>" in sent["body"] and "<td>4 (40.0%)</td>" in sent["body"]
    assert "consequences" not in sent["body"]


def test_a_failed_jobs_mail_gives_the_reason_and_no_counts(deps, make_user, make_job):
    user_id = make_user(deps)
    job = with_summary(deps, make_job(deps, user_id, status=FAILED), SUMMARY)
    notify.handle(deps, result_of(job), delivery(result_of(job)))
    [sent] = sent_mail(deps.settings, f"{user_id}@example.org")
    assert "line 3: not a VCF record" in sent["body"]
    assert "Variants" not in sent["body"] and "archive" not in sent["body"]


@pytest.mark.parametrize(("seconds", "words"), [(0, "0 seconds"), (1, "1 second"),
                                                (300, "5 minutes"), (3600, "1 hour"),
                                                (5400, "2 hours"), (7 * 86400, "7 days")])
def test_the_archive_window_reads_in_its_largest_unit(seconds, words):
    assert job_mail.duration(seconds) == words
