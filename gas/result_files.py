"""A result's derived copies: the bgzip-compressed VCF and its tabix index.

The annotator writes them next to the plain result. They are made from it, so archiving a Free
user's result deletes them (nothing of the result stays in hot storage) and thawing rebuilds
them from the restored file, rather than archiving and restoring three objects per job.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from gas import aws
from gas.config import Settings

log = logging.getLogger(__name__)
DERIVED_KEYS = ("s3_key_result_bgzip", "s3_key_result_index")
UPLOAD_ARGS = {"ServerSideEncryption": "AES256"}


def compress_and_index(result: Path) -> tuple[Path, Path | None]:
    """The result bgzip-compressed, and its tabix index (None when the records are unsorted)."""
    import pysam  # imported here: only the annotator and thaw need htslib

    bgzip = result.with_name(result.name + ".gz")
    pysam.tabix_compress(str(result), str(bgzip), force=True)
    try:
        pysam.tabix_index(str(bgzip), preset="vcf", force=True)
    except (OSError, ValueError) as exc:  # htslib refuses unsorted records
        log.info("result not indexed (records not sorted by position): %s", exc)
        return bgzip, None
    return bgzip, bgzip.with_name(bgzip.name + ".tbi")


def drop_derived(settings: Settings, job: dict) -> None:
    """Delete the job's bgzip copy and index from S3 (idempotent: absent keys are fine)."""
    s3 = aws.client("s3", settings)
    bucket = job.get("s3_results_bucket") or settings.results_bucket
    for field in DERIVED_KEYS:
        if job.get(field):
            s3.delete_object(Bucket=bucket, Key=job[field])


def rebuild_derived(settings: Settings, job: dict) -> None:
    """Make the bgzip copy and index again from the (restored) result file (idempotent)."""
    if not job.get("s3_key_result_bgzip"):
        return  # a job from before derived copies existed has none to rebuild
    s3 = aws.client("s3", settings)
    bucket = job.get("s3_results_bucket") or settings.results_bucket
    with tempfile.TemporaryDirectory(prefix="gas-derived-") as tmp:
        result = Path(tmp) / "result.annot.vcf"
        s3.download_file(bucket, job["s3_key_result_file"], str(result))
        bgzip, index = compress_and_index(result)
        s3.upload_file(str(bgzip), bucket, job["s3_key_result_bgzip"],
                       ExtraArgs={**UPLOAD_ARGS, "ContentType": "application/gzip"})
        if index is not None and job.get("s3_key_result_index"):
            s3.upload_file(str(index), bucket, job["s3_key_result_index"],
                           ExtraArgs={**UPLOAD_ARGS, "ContentType": "application/octet-stream"})
