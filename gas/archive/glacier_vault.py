"""The glacier-vault backend: the seed's Glacier vault API.

Archive: `upload_archive` (streamed through a SHA-256), then the S3 copy is deleted. Retrieve:
an archive-retrieval job (`initiate_job`, `describe_job`). Put back: `get_job_output` streamed
through a checksum into S3 at the original key, then `delete_archive`. Accounts opened after
2025-12-15 cannot create vaults; s3-glacier is the default.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import tempfile
from collections.abc import Iterable
from typing import IO

from botocore.exceptions import ClientError

from gas import aws
from gas.archive import base
from gas.config import Settings

log = logging.getLogger(__name__)
MAX_VAULT_UPLOAD_BYTES = 4 * 2**30  # Glacier UploadArchive single-request limit
SPOOL_MEMORY_BYTES = 16 * 2**20  # larger files spill to a temporary file on disk
CHUNK_BYTES = 2**20
SHA256_METADATA = "gas-sha256"  # user metadata on a file put back from the vault


class _HashingSpool:
    """Streams chunks into a spooled temporary file while counting bytes and hashing them."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)
        self.size = 0
        self._sha256 = hashlib.sha256()

    def fill(self, chunks: Iterable[bytes], limit: int) -> _HashingSpool:
        """Copy every chunk in; base.ArchiveError past `limit` bytes."""
        for chunk in chunks:
            self.size += len(chunk)
            if self.size > limit:
                raise base.ArchiveError(f"file larger than {limit} bytes")
            self._sha256.update(chunk)
            self.file.write(chunk)
        self.file.seek(0)
        return self

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of everything written."""
        return self._sha256.hexdigest()


class GlacierVaultBackend(base.ArchiveBackend):
    """The Glacier vault API: upload_archive, initiate_job, describe_job, get_job_output."""

    name = "glacier-vault"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._glacier = aws.client("glacier", settings)
        self._vault = settings.vault_name

    def archive(self, job: dict) -> base.Archived:
        """Stream the result file into the vault; the description carries the job id."""
        bucket, key = self._location(job)
        try:
            body = self._s3.get_object(Bucket=bucket, Key=key)["Body"]
        except ClientError as exc:
            if base.is_not_found(exc):
                raise base.MissingResult(f"result file {key} is missing") from None
            raise
        description = json.dumps({"gas_job_id": job["job_id"], "key": key})
        with contextlib.closing(body):
            spool = _HashingSpool().fill(body.iter_chunks(CHUNK_BYTES), MAX_VAULT_UPLOAD_BYTES)
        with spool.file:
            # botocore computes the SHA-256 tree hash Glacier checks on upload.
            response = self._glacier.upload_archive(
                vaultName=self._vault, archiveDescription=description, body=spool.file
            )
        return base.Archived(archive_id=response["archiveId"], size=spool.size, sha256=spool.sha256)

    def release(self, job: dict) -> None:
        """Delete the S3 copy; the vault now holds the file (idempotent)."""
        bucket, key = self._location(job)
        self._s3.delete_object(Bucket=bucket, Key=key)

    def discard(self, archived: base.Archived, recorded_id: str | None) -> None:
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
            raise base.CapacityError(str(exc)) from None
        return response["jobId"]

    def retrieval_status(self, job: dict, retrieval: str) -> str:
        """`describe_job`: DONE once it succeeded, base.RetrievalLost when failed or expired."""
        try:
            described = self._glacier.describe_job(vaultName=self._vault, jobId=retrieval)
        except self._glacier.exceptions.ResourceNotFoundException:
            raise base.RetrievalLost(f"retrieval {retrieval} is unknown (expired?)") from None
        if described.get("StatusCode") == "Failed":
            raise base.RetrievalLost(f"retrieval failed: {described.get('StatusMessage')}")
        return base.RETRIEVAL_DONE if described.get("Completed") else base.RETRIEVAL_PENDING

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
        except base.IntegrityError:
            spool.file.close()
            raise
        return spool

    def _delete_archive(self, archive_id: str) -> None:
        """Delete a vault archive; one already gone is fine."""
        try:
            self._glacier.delete_archive(vaultName=self._vault, archiveId=archive_id)
        except self._glacier.exceptions.ResourceNotFoundException:
            log.info("archive %s was already deleted", archive_id)

