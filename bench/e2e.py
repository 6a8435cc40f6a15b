"""End-to-end benchmark on the embedded stack: submit → COMPLETED latency and throughput.

    make bench-e2e                      # 50 course-sized jobs, with 1 and with 2 annotators

For each annotator count it starts a fresh local stack (emulator + annotators), then
(a) submits the jobs one at a time on an idle stack (latency of a single small job) and
(b) submits them all at once (latency under load and jobs per minute). Latency is measured
from `upload_and_submit` returning to a poll (every 50 ms) seeing COMPLETED.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import pysam

from ann.engine.data_dir import default_data_dir
from devstack.stack import LocalStack
from gas import aws
from gas.config import load_settings
from gas.identity import identity_id_for_email
from gas.jobs import COMPLETED, FAILED, JobStore
from gas.submit import upload_and_submit

REPO = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.05
COURSE_JOB_VARIANTS = 1_000  # the course samples hold 350–3,431 records


def course_vcf(path: Path, bundle: Path, variants: int) -> Path:
    """A GRCh37 VCF 4.0 like the course samples: real dbSNP sites mixed with novel ones."""
    rows = []
    with pysam.TabixFile(str(bundle / "GRCh37" / "dbsnp.vcf.gz")) as tbx:
        contig = next(c for c in tbx.contigs if c.removeprefix("chr") == "22")
        last = 0
        for n, row in enumerate(tbx.fetch(contig, parser=pysam.asTuple())):
            if len(rows) >= variants:
                break
            pos = int(row[1]) + (n % 2)
            if pos <= last:  # a novel site shifted onto the next known one: keep the file sorted
                continue
            ref, alt = (row[3], row[4]) if n % 2 == 0 else ("A", "T")  # half novel
            rows.append(f"22\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\tDP=9\tGT\t0/1\n")
            last = pos
    header = ("##fileformat=VCFv4.0\n##reference=human_g1k_v37\n"
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n")
    path.write_text(header + "".join(rows))
    return path


def wait_all(store: JobStore, user_id: str, submitted: dict[str, float], timeout: float):
    """Poll the user's jobs until all are final; return {job_id: seconds to COMPLETED}."""
    done: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(done) < len(submitted) and time.monotonic() < deadline:
        for job in store.all_for_user(user_id):
            job_id = job["job_id"]
            if job_id in submitted and job_id not in done and job["job_status"] in (COMPLETED,
                                                                                    FAILED):
                if job["job_status"] == FAILED:
                    raise SystemExit(f"job {job_id} failed: {job.get('failure_reason')}")
                done[job_id] = time.monotonic() - submitted[job_id]
        time.sleep(POLL_SECONDS)
    if len(done) < len(submitted):
        raise SystemExit(f"{len(submitted) - len(done)} jobs not done after {timeout}s")
    return done


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def run(annotators: int, jobs: int, vcf: Path, bundle: Path) -> list[str]:
    """Start a stack with `annotators` annotators; measure sequential and burst submissions."""
    with tempfile.TemporaryDirectory(prefix="gas-bench-") as tmp:
        environ = {**os.environ, "GAS_ANNOTATION_DATA": str(bundle)}
        with LocalStack(Path(tmp), programs=["annotator"], annotators=annotators,
                        environ=environ) as stack:
            settings = load_settings({**stack.env, "GAS_ANNOTATION_DATA": str(bundle)})
            aws.reset_clients()
            store = JobStore(settings)
            user = identity_id_for_email(f"bench{annotators}@example.org")
            sequential = []
            for _ in range(min(jobs, 20)):
                started = time.monotonic()
                job = upload_and_submit(settings, vcf, user, 10**9)
                sequential += wait_all(store, user, {job["job_id"]: started}, 120).values()
            burst_user = identity_id_for_email(f"burst{annotators}@example.org")
            began = time.monotonic()
            submitted = {}
            for _ in range(jobs):
                job = upload_and_submit(settings, vcf, burst_user, 10**9)
                submitted[job["job_id"]] = time.monotonic()
            burst = list(wait_all(store, burst_user, submitted, 900).values())
            elapsed = time.monotonic() - began
    return [
        f"| {annotators} | idle, one at a time ({len(sequential)}) | "
        f"{statistics.median(sequential):.2f} | {percentile(sequential, 0.95):.2f} | – |",
        f"| {annotators} | burst of {jobs} | {statistics.median(burst):.2f} | "
        f"{percentile(burst, 0.95):.2f} | {jobs / elapsed * 60:.0f} |",
    ]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.e2e", description=__doc__)
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--variants", type=int, default=COURSE_JOB_VARIANTS)
    args = parser.parse_args(argv)
    bundle = default_data_dir()
    with tempfile.TemporaryDirectory() as tmp:
        vcf = course_vcf(Path(tmp) / "course.vcf", bundle, args.variants)
        rows = [row for n in (1, 2) for row in run(n, args.jobs, vcf, bundle)]
    print(f"course-sized job: {args.variants} variants, GRCh37, VCF 4.0")
    print("| annotators | submission | p50 s | p95 s | jobs/min |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
