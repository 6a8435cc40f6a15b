"""The job runner passes the job's options to the engine and writes the result bgzip-compressed
with a tabix index next to it (real engine, real bundle, the emulator)."""

import gzip
import json
import os
import subprocess
import sys

import pysam
import pytest

from gas import aws
from gas.jobs import COMPLETED, JobStore
from gas.result_files import compress_and_index
from gas.submit import upload_and_submit

from .conftest import REPO, USER, sample_vcf

pytestmark = pytest.mark.integration
MAX_BYTES = 10**9


def run_job(settings, bundle_dir, job_id: str) -> dict:
    """`python -m ann run-job JOB_ID` in the foreground; the job's row after it."""
    ran = subprocess.run([sys.executable, "-m", "ann", "run-job", job_id], cwd=REPO,
                         env={**os.environ, "GAS_ANNOTATION_DATA": str(bundle_dir)},
                         capture_output=True, text=True, timeout=180)
    assert ran.returncode == 0, ran.stderr
    return JobStore(settings).get(job_id)


def fetch(settings, job: dict, field: str, path):
    """Download one of the job's result files to `path`."""
    aws.client("s3", settings).download_file(job["s3_results_bucket"], job[field], str(path))
    return path


@pytest.mark.parametrize(("assembly", "annotated_as"), [("auto", "GRCh37"),
                                                        ("GRCh38", "GRCh38")])
def test_the_jobs_assembly_reaches_the_engine(settings, gas_env, bundle_dir, known_sites,
                                              tmp_path, assembly, annotated_as):
    vcf = sample_vcf(tmp_path / "a.vcf", known_sites[:5])  # declares human_g1k_v37
    job = run_job(settings, bundle_dir,
                  upload_and_submit(settings, vcf, USER, MAX_BYTES, assembly=assembly)["job_id"])
    assert job["job_status"] == COMPLETED, job.get("failure_reason")
    assert job["assembly"] == assembly and job["summary"]["assembly"] == annotated_as
    summary = json.loads(fetch(settings, job, "s3_key_summary_file", tmp_path / "s.json")
                         .read_text())
    assert summary["assembly"] == annotated_as


def test_the_result_is_also_written_bgzipped_with_a_tabix_index(settings, gas_env, bundle_dir,
                                                                known_sites, tmp_path):
    vcf = sample_vcf(tmp_path / "b.vcf", known_sites[:40], extra=1)
    job = run_job(settings, bundle_dir,
                  upload_and_submit(settings, vcf, USER, MAX_BYTES)["job_id"])
    plain = fetch(settings, job, "s3_key_result_file", tmp_path / "r.vcf").read_text()
    bgzip = fetch(settings, job, "s3_key_result_bgzip", tmp_path / "r.vcf.gz")
    fetch(settings, job, "s3_key_result_index", tmp_path / "r.vcf.gz.tbi")
    assert gzip.decompress(bgzip.read_bytes()).decode() == plain
    records = [line for line in plain.splitlines() if not line.startswith("#")]
    with pysam.TabixFile(str(bgzip)) as tbx:
        fetched = [row for contig in tbx.contigs for row in tbx.fetch(contig)]
        chrom, pos = records[3].split("\t")[:2]
        assert [r for r in tbx.fetch(chrom, int(pos) - 1, int(pos))] == [
            r for r in records if r.split("\t")[:2] == [chrom, pos]]
    assert fetched == records


def test_a_result_tabix_cannot_index_is_still_bgzipped(tmp_path):
    # The engine refuses unsorted positions, but a contig that comes back after another
    # (1, 2, 1) is beyond tabix: the job still offers the bgzip copy, without an index.
    result = tmp_path / "r.annot.vcf"
    result.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                      "1\t5\t.\tA\tG\t.\t.\t.\n2\t5\t.\tA\tG\t.\t.\t.\n"
                      "1\t9\t.\tA\tG\t.\t.\t.\n")
    bgzip, index = compress_and_index(result)
    assert index is None and gzip.decompress(bgzip.read_bytes()).decode() == result.read_text()
