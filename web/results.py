"""Reading a job's result files from S3: the summary for charts, the count log, a variant preview.

The annotated VCF can be large, so the preview streams it line by line (counting matches up to
MAX_SCANNED_VARIANTS) and the TSV export streams it to the browser; nothing reads it whole.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import closing

from botocore.exceptions import ClientError

from gas import aws
from gas.config import Settings
from web.page_cache import finished_object
from web.preview import MAX_SCANNED_VARIANTS, PreviewPage, VariantFilter, paginate, tsv_lines

log = logging.getLogger(__name__)
MAX_LOG_BYTES = 1024 * 1024  # the count log is small; never show more than this
MAX_SUMMARY_BYTES = 1024 * 1024
SUMMARY_KEYS = ("total_variants", "in_dbsnp", "in_dbsnp_pct", "region_classes", "chromosomes",
                "warnings", "consequences", "impacts", "assembly", "liftover", "known_ids")


class ResultMissing(LookupError):
    """The result object is not in S3 (archived, deleted, or not written yet)."""


def _get(settings: Settings, bucket: str, key: str):
    """get_object's streaming body; ResultMissing for a missing or archived object."""
    try:
        return aws.client("s3", settings).get_object(Bucket=bucket, Key=key)["Body"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchKey", "404", "InvalidObjectState"):
            raise ResultMissing(key) from None
        raise


@finished_object
def read_summary(settings: Settings, job: dict) -> dict | None:
    """The job's summary JSON (only the keys the charts use), or None when there is none."""
    key = job.get("s3_key_summary_file")
    if not key:
        return None
    try:
        body = _get(settings, job["s3_results_bucket"], key)
        with closing(body):
            data = json.loads(body.read(MAX_SUMMARY_BYTES))
    except (ResultMissing, json.JSONDecodeError, UnicodeDecodeError) as exc:
        log.warning("summary of job %s unreadable: %s", job["job_id"], exc)
        return None
    return {k: data[k] for k in SUMMARY_KEYS if k in data} if isinstance(data, dict) else None


@finished_object
def read_log(settings: Settings, job: dict) -> tuple[str, bool]:
    """The count log's text and whether it was cut at MAX_LOG_BYTES."""
    with closing(_get(settings, job["s3_results_bucket"], job["s3_key_log_file"])) as body:
        data = body.read(MAX_LOG_BYTES + 1)
    return data[:MAX_LOG_BYTES].decode("utf-8", "replace"), len(data) > MAX_LOG_BYTES


def _decoded(chunks: Iterator[bytes]) -> Iterator[str]:
    """Bytes lines to text lines."""
    for chunk in chunks:
        yield chunk.decode("utf-8", "replace")


@finished_object
def preview(settings: Settings, job: dict, wanted: VariantFilter, page: int) -> PreviewPage:
    """Stream the annotated VCF from S3 and return one page of matching variants."""
    with closing(_get(settings, job["s3_results_bucket"], job["s3_key_result_file"])) as body:
        # Leaving the block closes the stream: the rest of the file is never downloaded.
        return paginate(_decoded(body.iter_lines()), wanted, page, MAX_SCANNED_VARIANTS)


def export_tsv(settings: Settings, job: dict, wanted: VariantFilter) -> Iterator[bytes]:
    """Every matching variant of the result as TSV, streamed from S3 (the body is opened
    before the first byte is sent, so a missing file is a ResultMissing, not a broken stream)."""
    body = _get(settings, job["s3_results_bucket"], job["s3_key_result_file"])

    def stream() -> Iterator[bytes]:
        with closing(body):
            for line in tsv_lines(_decoded(body.iter_lines()), wanted):
                yield line.encode()

    return stream()
