"""Fixtures for annotator tests: the real data bundle, real annotator processes, job helpers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pysam
import pytest

from gas import aws
from gas.jobs import COMPLETED, FAILED, JobStore
from gas.messages import decode

REPO = Path(__file__).resolve().parents[2]
USER = "6c5e1f7a-3b2d-4e8f-9a0b-1c2d3e4f5a6b"
HEADER = (
    "##fileformat=VCFv4.0\n##reference=human_g1k_v37\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA00001\n"
)


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    """The default annotation bundle, built from the registry packages if it is not there yet."""
    path = Path(os.environ.get("GAS_ANNOTATION_DATA", REPO / ".cache" / "annotation-data"))
    subprocess.run([sys.executable, "-m", "ann", "build-data", "--out", str(path)], check=True,
                   cwd=REPO, timeout=900)
    return path


@pytest.fixture(scope="session")
def known_sites(bundle_dir: Path) -> list[tuple[str, int, str, str, str]]:
    """Some real GRCh37 dbSNP sites from the bundle: (chrom, pos, rsid, ref, alt)."""
    sites = []
    with pysam.TabixFile(str(bundle_dir / "GRCh37" / "dbsnp.vcf.gz")) as tbx:
        contigs = [c for c in tbx.contigs if c.removeprefix("chr") in ("1", "22")]
        for contig in contigs:
            for n, row in enumerate(tbx.fetch(contig, parser=pysam.asTuple())):
                if n % 50 == 0 and len(row[3]) == 1 and len(row[4]) == 1:
                    sites.append((contig.removeprefix("chr"), int(row[1]), row[2], row[3], row[4]))
                if len(sites) >= 150 * (contigs.index(contig) + 1):
                    break
    return sites


def sample_vcf(path: Path, sites, extra: int = 0) -> Path:
    """A course-sample-shaped VCF 4.0: known sites (ID '.') plus `extra` novel ones per site."""
    lines = []
    for chrom, pos, _rsid, ref, alt in sites:
        lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\tDP=10\tGT\t0/1\n")
        for i in range(extra):
            lines.append(f"{chrom}\t{pos + i + 1}\t.\tA\tT\t50\tPASS\tDP=10\tGT\t0/1\n")
    ordered = sorted(set(lines), key=lambda row: (row.split("\t")[0].zfill(2),
                                                   int(row.split("\t")[1])))
    path.write_text(HEADER + "".join(ordered))
    return path


class Annotators:
    """Real `python -m ann.annotator` processes, each in its own process group."""

    def __init__(self, env: dict) -> None:
        self.env = {**os.environ, **env}
        self.procs: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "ann.annotator"], env=self.env, cwd=REPO,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                start_new_session=True,
            ))

    def kill(self, proc: subprocess.Popen) -> None:
        """kill -9 the annotator and its engine child, as a crash would."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stderr.close()

    def stop(self) -> list[str]:
        """SIGTERM every live annotator; return their logs; each must exit cleanly."""
        live = [proc for proc in self.procs if proc.poll() is None]
        for proc in live:
            proc.send_signal(signal.SIGTERM)
        logs = []
        for proc in live:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            logs.append(err)
        return logs


@pytest.fixture
def annotators(settings, gas_env, bundle_dir):
    group = Annotators({**gas_env, "GAS_ANNOTATION_DATA": str(bundle_dir)})
    yield group
    group.stop()


def wait_for_final(settings, job_id: str, timeout: float = 60) -> dict:
    """Poll a job until COMPLETED or FAILED."""
    store = JobStore(settings)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job["job_status"] in (COMPLETED, FAILED):
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job_id} still {job['job_status']} after {timeout}s")


def drain(settings, queue: str, wait: int = 1, raw: bool = False) -> list:
    """Receive and delete everything on a queue; return the messages (decoded unless raw)."""
    sqs = aws.client("sqs", settings)
    url = aws.queue_url(settings, queue)
    found = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=wait).get("Messages"):
        for message in batch:
            found.append(message["Body"] if raw else decode(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found
