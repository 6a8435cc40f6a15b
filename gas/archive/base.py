"""Archive backends: where Free users' result files go cold, and how they come back.

One interface, two implementations chosen by `GAS_ARCHIVE_BACKEND`:
- `s3-glacier` (default): the result object changes storage class in place; `restore_object`
  makes a temporary copy readable; a copy onto itself with STANDARD makes it permanent again.
- `glacier-vault`: the file is uploaded to a Glacier vault and deleted from S3; an
  archive-retrieval job brings it back, streamed into S3 at its original key.
Both record the size and SHA-256 at archive time and check them when the file comes back.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, ClassVar

from botocore.exceptions import ClientError

from gas import aws
from gas.config import Settings

log = logging.getLogger(__name__)

EXPEDITED, STANDARD = "Expedited", "Standard"
PENDING, DONE = "pending", "done"
ARCHIVE_STORAGE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
RESTORE_DAYS = 7  # the temporary restored copy outlives a thaw worker that is down for days
MAX_COPY_BYTES = 5 * 2**30  # S3 CopyObject single-request limit
MAX_VAULT_UPLOAD_BYTES = 4 * 2**30  # Glacier UploadArchive single-request limit
SPOOL_MEMORY_BYTES = 16 * 2**20  # larger files spill to a temporary file on disk
CHUNK_BYTES = 2**20
SHA256_METADATA = "gas-sha256"  # user metadata on a file put back from the vault
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
        """PENDING or DONE; RetrievalLost when the retrieval is gone."""

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
            if exc.response["Error"]["Code"] in _NOT_FOUND:
                return None
            raise

    @staticmethod
    def _check(job: dict, size: int, sha256: str | None, where: str) -> None:
        """Raise IntegrityError unless size and checksum match the ones recorded at archive time."""
        if size != job["archive_size"] or sha256 != job["archive_sha256"]:
            raise IntegrityError(
                f"{where}: got {size} bytes sha256 {sha256}, archived "
                f"{job['archive_size']} bytes sha256 {job['archive_sha256']}"
            )


def _b64_to_hex(value: str | None) -> str | None:
    """S3's base64 checksum as hex (None when S3 has none)."""
    if not value:
        return None
    try:
        return base64.b64decode(value).hex()
    except (binascii.Error, ValueError):
        return None


def _error_code(exc: ClientError) -> str:
    """The AWS error code of a client error."""
    return exc.response.get("Error", {}).get("Code", "")


class S3GlacierBackend(ArchiveBackend):
    """Storage class change in place (GLACIER or DEEP_ARCHIVE); restore, then copy to STANDARD."""

    name = "s3-glacier"

    def archive(self, job: dict) -> Archived:
        """Copy the object onto itself in the archive storage class, with a SHA-256 checksum."""
        head = self._head(job)
        if head is None:
            raise MissingResult(f"result file {job['s3_key_result_file']} is missing")
        if head.get("StorageClass") not in ARCHIVE_STORAGE_CLASSES:
            if head["ContentLength"] > MAX_COPY_BYTES:
                raise ArchiveError(f"{head['ContentLength']} bytes exceed the copy limit")
            head = self._copy_in_place(job, self.settings.archive_storage_class)
        sha256 = _b64_to_hex(head.get("ChecksumSHA256"))
        if sha256 is None:
            raise ArchiveError("S3 returned no SHA-256 checksum for the archived object")
        tag = head.get("VersionId") or head["ETag"].strip('"')
        return Archived(archive_id=f"s3:{tag}", size=head["ContentLength"], sha256=sha256)

    def start_retrieval(self, job: dict, tier: str) -> str:
        """`restore_object` at `tier` (DEEP_ARCHIVE has no Expedited tier)."""
        head = self._head(job)
        if head is None:
            raise MissingResult(f"archived object {job['s3_key_result_file']} is missing")
        if head.get("StorageClass") == "DEEP_ARCHIVE" and tier == EXPEDITED:
            raise CapacityError("DEEP_ARCHIVE objects have no Expedited retrieval")
        if head.get("StorageClass") in ARCHIVE_STORAGE_CLASSES and "Restore" not in head:
            bucket, key = self._location(job)
            request = {"Days": RESTORE_DAYS, "GlacierJobParameters": {"Tier": tier}}
            try:
                self._s3.restore_object(Bucket=bucket, Key=key, RestoreRequest=request)
            except ClientError as exc:
                if _error_code(exc) == "GlacierExpeditedRetrievalNotAvailable":
                    raise CapacityError(str(exc)) from None
                if _error_code(exc) != "RestoreAlreadyInProgress":
                    raise
        return f"s3-restore:{tier}:{int(time.time())}:{uuid.uuid4().hex[:8]}"

    def retrieval_status(self, job: dict, retrieval: str) -> str:
        """DONE once `head_object` shows the restore finished (or the object is STANDARD again)."""
        head = self._head(job)
        if head is None:
            raise MissingResult(f"archived object {job['s3_key_result_file']} is missing")
        if head.get("StorageClass") not in ARCHIVE_STORAGE_CLASSES:
            return DONE
        restore = head.get("Restore")
        if not restore:
            raise RetrievalLost("the object shows no restore (expired or never started)")
        return PENDING if 'ongoing-request="true"' in restore else DONE

    def finish(self, job: dict, retrieval: str) -> None:
        """Copy the restored object onto itself as STANDARD and check its checksum."""
        head = self._head(job)
        if head is None:
            raise MissingResult(f"archived object {job['s3_key_result_file']} is missing")
        if head.get("StorageClass") in ARCHIVE_STORAGE_CLASSES:
            self._check(job, head["ContentLength"], _b64_to_hex(head.get("ChecksumSHA256")),
                        "before copy back")
            try:
                head = self._copy_in_place(job, "STANDARD")
            except ClientError as exc:
                if _error_code(exc) == "InvalidObjectState":
                    raise RetrievalLost("the restored copy is no longer readable") from None
                raise
        self._check(job, head["ContentLength"], _b64_to_hex(head.get("ChecksumSHA256")),
                    "after copy back")

    def _copy_in_place(self, job: dict, storage_class: str) -> dict:
        """Copy the result object onto itself in `storage_class`; return its new HEAD."""
        bucket, key = self._location(job)
        self._s3.copy_object(
            Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
            StorageClass=storage_class, MetadataDirective="COPY", ChecksumAlgorithm="SHA256",
        )
        head = self._head(job)
        if head is None:
            raise ArchiveError(f"{key} vanished during the storage class change")
        return head


class _HashingSpool:
    """Streams chunks into a spooled temporary file while counting bytes and hashing them."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)
        self.size = 0
        self._sha256 = hashlib.sha256()

    def fill(self, chunks: Iterable[bytes], limit: int) -> _HashingSpool:
        """Copy every chunk in; ArchiveError past `limit` bytes."""
        for chunk in chunks:
            self.size += len(chunk)
            if self.size > limit:
                raise ArchiveError(f"file larger than {limit} bytes")
            self._sha256.update(chunk)
            self.file.write(chunk)
        self.file.seek(0)
        return self

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of everything written."""
        return self._sha256.hexdigest()


class GlacierVaultBackend(ArchiveBackend):
    """The Glacier vault API: upload_archive, initiate_job, describe_job, get_job_output."""

    name = "glacier-vault"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._glacier = aws.client("glacier", settings)
        self._vault = settings.vault_name

    def archive(self, job: dict) -> Archived:
        """Stream the result file into the vault; the description carries the job id."""
        bucket, key = self._location(job)
        try:
            body = self._s3.get_object(Bucket=bucket, Key=key)["Body"]
        except ClientError as exc:
            if _error_code(exc) in _NOT_FOUND:
                raise MissingResult(f"result file {key} is missing") from None
            raise
        description = json.dumps({"gas_job_id": job["job_id"], "key": key})
        with contextlib.closing(body):
            spool = _HashingSpool().fill(body.iter_chunks(CHUNK_BYTES), MAX_VAULT_UPLOAD_BYTES)
        with spool.file:
            # botocore computes the SHA-256 tree hash Glacier checks on upload.
            response = self._glacier.upload_archive(
                vaultName=self._vault, archiveDescription=description, body=spool.file
            )
        return Archived(archive_id=response["archiveId"], size=spool.size, sha256=spool.sha256)

    def release(self, job: dict) -> None:
        """Delete the S3 copy; the vault now holds the file (idempotent)."""
        bucket, key = self._location(job)
        self._s3.delete_object(Bucket=bucket, Key=key)

    def discard(self, archived: Archived, recorded_id: str | None) -> None:
        """Delete a duplicate archive (ids can coincide on the emulator: never the recorded one)."""
        if archived.archive_id != recorded_id:
            self._delete_archive(archived.archive_id)

    def start_retrieval(self, job: dict, tier: str) -> str:
        """Initiate an archive-retrieval job at `tier`."""
        try:
            response = self._glacier.initiate_job(vaultName=self._vault, jobParameters={
                "Type": "archive-retrieval", "ArchiveId": job["results_file_archive_id"],
                "Tier": tier, "Description": f"gas job {job['job_id']}",
            })
        except self._glacier.exceptions.InsufficientCapacityException as exc:
            raise CapacityError(str(exc)) from None
        return response["jobId"]

    def retrieval_status(self, job: dict, retrieval: str) -> str:
        """`describe_job`: DONE once it succeeded, RetrievalLost when failed or expired."""
        try:
            described = self._glacier.describe_job(vaultName=self._vault, jobId=retrieval)
        except self._glacier.exceptions.ResourceNotFoundException:
            raise RetrievalLost(f"retrieval {retrieval} is unknown (expired?)") from None
        if described.get("StatusCode") == "Failed":
            raise RetrievalLost(f"retrieval failed: {described.get('StatusMessage')}")
        return DONE if described.get("Completed") else PENDING

    def finish(self, job: dict, retrieval: str) -> None:
        """Stream the job output through a checksum into S3, then delete the archive."""
        if not self._already_back(job):
            spool = self._fetch_verified(job, retrieval)
            bucket, key = self._location(job)
            with spool.file:
                self._s3.upload_fileobj(spool.file, bucket, key, ExtraArgs={
                    "Metadata": {SHA256_METADATA: spool.sha256},
                    "ServerSideEncryption": "AES256",
                })
        self._delete_archive(job["results_file_archive_id"])

    def _already_back(self, job: dict) -> bool:
        """True when an earlier attempt already put the verified file back."""
        head = self._head(job)
        return bool(head) and head["ContentLength"] == job["archive_size"] and (
            head.get("Metadata", {}).get(SHA256_METADATA) == job["archive_sha256"]
        )

    def _fetch_verified(self, job: dict, retrieval: str) -> _HashingSpool:
        """Download the retrieval output and check it before anything lands at the user's key."""
        output = self._glacier.get_job_output(vaultName=self._vault, jobId=retrieval)
        with contextlib.closing(output["body"]) as body:
            spool = _HashingSpool().fill(body.iter_chunks(CHUNK_BYTES), MAX_VAULT_UPLOAD_BYTES)
        try:
            self._check(job, spool.size, spool.sha256, f"retrieval {retrieval}")
        except IntegrityError:
            spool.file.close()
            raise
        return spool

    def _delete_archive(self, archive_id: str) -> None:
        """Delete a vault archive; one already gone is fine."""
        try:
            self._glacier.delete_archive(vaultName=self._vault, archiveId=archive_id)
        except self._glacier.exceptions.ResourceNotFoundException:
            log.info("archive %s was already deleted", archive_id)


BACKENDS: dict[str, type[ArchiveBackend]] = {
    cls.name: cls for cls in (S3GlacierBackend, GlacierVaultBackend)
}


def backend_for(settings: Settings, name: str | None = None) -> ArchiveBackend:
    """The backend named `name` (a job's `archive_backend`), else the configured one."""
    chosen = name or settings.archive_backend
    if chosen not in BACKENDS:
        raise ArchiveError(f"unknown archive backend {chosen!r}")
    return BACKENDS[chosen](settings)
