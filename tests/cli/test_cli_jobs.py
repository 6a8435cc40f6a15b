"""`gas submit`, `status`, `jobs` and `download` against the emulator, as a person reads them."""

from __future__ import annotations

import json
import os
import stat

import pytest

from gas import aws
from gas.jobs import COMPLETED, FAILED, PENDING, RUNNING, JobStore

from .conftest import RESULT

VCF = RESULT.decode()


@pytest.fixture
def out_dir(tmp_path):
    """An empty folder of the test's own (the deployment keeps its files in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_submit_uploads_and_prints_the_pending_job(settings, accounts, gas, out_dir):
    path = out_dir / "sample-1.vcf"
    path.write_text(VCF)
    status, out, _ = gas("submit", str(path), "--user", "grace@example.org")
    printed = json.loads(out)
    assert status == 0 and printed["status"] == PENDING and printed["locations"] is None
    row = JobStore(settings).get(printed["job_id"])
    assert row["input_file_name"] == "sample-1.vcf" and row["input_size"] == len(VCF)
    assert [p.identity_id for p in accounts.find_by_email("grace@example.org")] == [
        row["user_id"]]


def test_submit_uses_the_profile_a_sign_in_made(settings, accounts, gas, make_user, out_dir):
    identity_id = make_user("linus@example.org")  # a Globus identity, not the dev-provider one
    path = out_dir / "a.vcf"
    path.write_text(VCF)
    _, out, _ = gas("submit", str(path), "--user", "Linus@Example.org")
    assert JobStore(settings).get(json.loads(out)["job_id"])["user_id"] == identity_id


def test_status_gives_the_result_location(settings, gas, make_user, make_job):
    job = make_job(make_user())
    status, out, _ = gas("status", job["job_id"])
    printed = json.loads(out)
    bucket = settings.results_bucket
    assert status == 0 and printed["status"] == COMPLETED
    assert printed["locations"] == {
        "result": f"s3://{bucket}/{job['s3_key_result_file']}",
        "log": f"s3://{bucket}/{job['s3_key_log_file']}",
        "summary": f"s3://{bucket}/{job['s3_key_summary_file']}",
    }


@pytest.mark.parametrize("job_id", ["0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99", "../etc/passwd"])
def test_status_of_an_unknown_job_is_one_line(settings, gas, job_id):
    assert gas("status", job_id) == (1, "", f"gas: no job {job_id}\n")


def test_jobs_of_one_user_newest_first_and_by_status(settings, gas, make_user, make_job):
    ada, other = make_user("ada@example.org"), make_user()
    old = make_job(ada, file_name="old.vcf", submitted=1_000_000)
    new = make_job(ada, status=FAILED, file_name="new.vcf", submitted=2_000_000)
    make_job(other, file_name="theirs.vcf")
    status, out, _ = gas("jobs", "--user", "ada@example.org")
    lines = out.splitlines()
    assert status == 0 and lines[0].split() == ["JOB", "ID", "STATUS", "SUBMITTED", "FILE"]
    assert [line.split()[0] for line in lines[1:]] == [new["job_id"], old["job_id"]]
    assert "1970-01-24 03:33:20 UTC" in lines[1] and lines[1].endswith("new.vcf")
    _, out, _ = gas("jobs", "--user", ada, "--status", COMPLETED, "--json")
    assert [json.loads(line)["job_id"] for line in out.splitlines()] == [old["job_id"]]


def test_jobs_of_everyone_name_the_user_and_say_what_was_cut(settings, gas, make_user, make_job):
    users = [make_user() for _ in range(3)]
    made = [make_job(user, status=RUNNING, submitted=1_000_000 + n)
            for n, user in enumerate(users)]
    status, out, _ = gas("jobs", "--limit", "2")
    lines = out.splitlines()
    assert status == 0 and "USER" in lines[0]
    assert [line.split()[0] for line in lines[1:3]] == [made[2]["job_id"], made[1]["job_id"]]
    assert users[2] in lines[1] and lines[-1] == "(2 of 3 jobs; --limit 0 shows all)"


def test_jobs_for_a_user_nobody_has(settings, accounts, gas):
    assert gas("jobs", "--user", "nobody@example.org") == (
        1, "", "gas: no user with e-mail address nobody@example.org\n")


def test_download_saves_the_result_under_its_name(settings, gas, make_user, make_job, out_dir):
    job = make_job(make_user(), file_name="my sample.vcf")
    status, out, _ = gas("download", job["job_id"], "-o", str(out_dir), "--all")
    saved = [out_dir / "my_sample.annot.vcf", out_dir / "my_sample.vcf.count.log",
             out_dir / "my_sample.summary.json"]
    assert status == 0 and out.splitlines() == [str(path) for path in saved]
    assert saved[0].read_bytes() == RESULT
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(saved[0].stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in saved)


def test_download_never_overwrites_unless_forced(settings, gas, make_user, make_job, out_dir):
    job = make_job(make_user(), file_name="a.vcf")
    (out_dir / "a.annot.vcf").write_text("mine")
    status, _, err = gas("download", job["job_id"], "-o", str(out_dir))
    assert status == 2 and "exists already (--force replaces it)" in err
    assert (out_dir / "a.annot.vcf").read_text() == "mine"
    assert gas("download", job["job_id"], "-o", str(out_dir), "--force")[0] == 0
    assert (out_dir / "a.annot.vcf").read_bytes() == RESULT


@pytest.mark.parametrize(("status", "extra", "words"), [
    (PENDING, {}, "is PENDING; only a completed job has results"),
    (FAILED, {"failure_reason": "line 3: bad POS"}, "is FAILED: line 3: bad POS"),
    (COMPLETED, {"results_file_archive_id": "s3:x"}, "archived (Free plan)"),
    (COMPLETED, {"results_file_archive_id": "s3:x",
                 "restore": {"tier": "Standard", "requested_at": 1, "retrieval": "r"}},
     "being restored from the archive (Standard retrieval)"),
], ids=["pending", "failed", "archived", "restoring"])
def test_download_says_why_a_result_is_not_there(settings, gas, make_user, make_job, out_dir,
                                                  status, extra, words):
    job = make_job(make_user(), status=status, **extra)
    code, out, err = gas("download", job["job_id"], "-o", str(out_dir))
    assert code == 1 and out == "" and words in err and len(err.splitlines()) == 1
    assert list(out_dir.iterdir()) == []


def test_a_failed_download_leaves_nothing_behind(settings, gas, make_user, make_job, out_dir):
    job = make_job(make_user())
    aws.client("s3", settings).delete_object(Bucket=settings.results_bucket,
                                             Key=job["s3_key_log_file"])
    code, _, err = gas("download", job["job_id"], "-o", str(out_dir), "--all")
    assert code == 1 and "404" in err and "Traceback" not in err
    assert list(out_dir.iterdir()) == []  # not even the result file that did download
