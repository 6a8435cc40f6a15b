"""What every archive backend shares: the interface, its errors, and the S3 result-file helpers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from botocore.exceptions import ClientError

from gas import aws
from gas.config import Settings

EXPEDITED, STANDARD = "Expedited", "Standard"  # retrieval tiers, fastest first
# What `retrieval_status` answers (not job states: a retrieval of a COMPLETED job's file).
RETRIEVAL_PENDING, RETRIEVAL_DONE = "pending", "done"
_NOT_FOUND = ("404", "NoSuchKey", "NotFound")


class ArchiveError(Exception):
    """An archive operation cannot go on; the message says why."""


class CapacityError(ArchiveError):
    """Expedited retrieval was refused for lack of capacity; ask for Standard instead."""


class RetrievalLost(ArchiveError):
    """The retrieval is unknown, failed or expired; a new one must be started."""


class IntegrityError(ArchiveError):
    """The file that came back differs in size or checksum from the one archived."""


class MissingResult(ArchiveError):
    """The job's result file is not in S3, so there is nothing to archive."""


@dataclass(frozen=True)
class Archived:
    """What archiving a result file produced: the archive id and what to check on return."""

    archive_id: str
    size: int
    sha256: str  # hex


def error_code(exc: ClientError) -> str:
    """The AWS error code of a client error."""
    return exc.response.get("Error", {}).get("Code", "")


def is_not_found(exc: ClientError) -> bool:
    """True when S3 answered that the object is not there."""
    return error_code(exc) in _NOT_FOUND


class ArchiveBackend(ABC):
    """Archive, retrieve and put back one job's result file (`s3_key_result_file`)."""

    name: ClassVar[str] = ""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._s3 = aws.client("s3", settings)

    @abstractmethod
    def archive(self, job: dict) -> Archived:
        """Move the result file to cold storage (idempotent); return what to record."""

    def release(self, job: dict) -> None:
        """Free the S3 copy once the job row records the archive (no-op when kept in place)."""
        return None

    def discard(self, archived: Archived, recorded_id: str | None) -> None:
        """Remove an archive made by an attempt that lost the race to record it."""
        return None  # in place: the losing attempt archived the very same object

    @abstractmethod
    def start_retrieval(self, job: dict, tier: str) -> str:
        """Ask for the archive back at `tier`; return a retrieval id. CapacityError if refused."""

    @abstractmethod
    def retrieval_status(self, job: dict, retrieval: str) -> str:
        """RETRIEVAL_PENDING or RETRIEVAL_DONE; RetrievalLost when the retrieval is gone."""

    @abstractmethod
    def finish(self, job: dict, retrieval: str) -> None:
        """Put the file back at its original key, verified, and delete the archive (idempotent)."""

    # --- shared helpers ----------------------------------------------------------------------
    def _location(self, job: dict) -> tuple[str, str]:
        """Bucket and key of the job's result file."""
        bucket = job.get("s3_results_bucket") or self.settings.results_bucket
        return bucket, job["s3_key_result_file"]

    def _head(self, job: dict) -> dict | None:
        """HEAD of the result object with its checksum, or None when it is absent."""
        bucket, key = self._location(job)
        try:
            return self._s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise

    def _head_present(self, job: dict, what: str) -> dict:
        """HEAD of the result object; MissingResult naming `what` (the file's role) if absent."""
        head = self._head(job)
        if head is None:
            raise MissingResult(f"{what} {job['s3_key_result_file']} is missing")
        return head

    @staticmethod
    def _check(job: dict, size: int, sha256: str | None, where: str) -> None:
        """Raise IntegrityError unless size and checksum match the ones recorded at archive time."""
        if size != job["archive_size"] or sha256 != job["archive_sha256"]:
            raise IntegrityError(
                f"{where}: got {size} bytes sha256 {sha256}, archived "
                f"{job['archive_size']} bytes sha256 {job['archive_sha256']}"
            )
