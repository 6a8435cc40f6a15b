"""The s3-glacier backend: the result object changes storage class in place.

Archive: a copy onto itself in GLACIER or DEEP_ARCHIVE (`GAS_ARCHIVE_STORAGE_CLASS`), with a
SHA-256 checksum. Retrieve: `restore_object` makes a temporary copy readable. Put back: a copy
onto itself as STANDARD, checked against the size and checksum recorded at archive time.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid

from botocore.exceptions import ClientError

from gas.archive import base
from gas.config import ARCHIVE_STORAGE_CLASSES

RESTORE_DAYS = 7  # the temporary restored copy outlives a thaw worker that is down for days
MAX_COPY_BYTES = 5 * 2**30  # S3 CopyObject single-request limit


def _b64_to_hex(value: str | None) -> str | None:
    """S3's base64 checksum as hex (None when S3 has none)."""
    if not value:
        return None
    try:
        return base64.b64decode(value).hex()
    except (binascii.Error, ValueError):
        return None


class S3GlacierBackend(base.ArchiveBackend):
    """Storage class change in place (GLACIER or DEEP_ARCHIVE); restore, then copy to STANDARD."""

    name = "s3-glacier"

    def archive(self, job: dict) -> base.Archived:
        """Copy the object onto itself in the archive storage class, with a SHA-256 checksum."""
        head = self._head_present(job, "result file")
        if head.get("StorageClass") not in ARCHIVE_STORAGE_CLASSES:
            if head["ContentLength"] > MAX_COPY_BYTES:
                raise base.ArchiveError(f"{head['ContentLength']} bytes exceed the copy limit")
            head = self._copy_in_place(job, self.settings.archive_storage_class)
        sha256 = _b64_to_hex(head.get("ChecksumSHA256"))
        if sha256 is None:
            raise base.ArchiveError("S3 returned no SHA-256 checksum for the archived object")
        tag = head.get("VersionId") or head["ETag"].strip('"')
        return base.Archived(archive_id=f"s3:{tag}", size=head["ContentLength"], sha256=sha256)

    def start_retrieval(self, job: dict, tier: str) -> str:
        """`restore_object` at `tier` (DEEP_ARCHIVE has no Expedited tier)."""
        head = self._head_present(job, "archived object")
        if head.get("StorageClass") == "DEEP_ARCHIVE" and tier == base.EXPEDITED:
            raise base.CapacityError("DEEP_ARCHIVE objects have no Expedited retrieval")
        if head.get("StorageClass") in ARCHIVE_STORAGE_CLASSES and "Restore" not in head:
            bucket, key = self._location(job)
            request = {"Days": RESTORE_DAYS, "GlacierJobParameters": {"Tier": tier}}
            try:
                self._s3.restore_object(Bucket=bucket, Key=key, RestoreRequest=request)
            except ClientError as exc:
                if base.error_code(exc) == "GlacierExpeditedRetrievalNotAvailable":
                    raise base.CapacityError(str(exc)) from None
                if base.error_code(exc) != "RestoreAlreadyInProgress":
                    raise
        return f"s3-restore:{tier}:{int(time.time())}:{uuid.uuid4().hex[:8]}"

    def retrieval_status(self, job: dict, retrieval: str) -> str:
        """DONE once `head_object` shows the restore finished (or the object is STANDARD again)."""
        head = self._head_present(job, "archived object")
        if head.get("StorageClass") not in ARCHIVE_STORAGE_CLASSES:
            return base.RETRIEVAL_DONE
        restore = head.get("Restore")
        if not restore:
            raise base.RetrievalLost("the object shows no restore (expired or never started)")
        if 'ongoing-request="true"' in restore:
            return base.RETRIEVAL_PENDING
        return base.RETRIEVAL_DONE

    def finish(self, job: dict, retrieval: str) -> None:
        """Copy the restored object onto itself as STANDARD and check its checksum."""
        head = self._head_present(job, "archived object")
        if head.get("StorageClass") in ARCHIVE_STORAGE_CLASSES:
            self._check(job, head["ContentLength"], _b64_to_hex(head.get("ChecksumSHA256")),
                        "before copy back")
            try:
                head = self._copy_in_place(job, "STANDARD")
            except ClientError as exc:
                if base.error_code(exc) == "InvalidObjectState":
                    raise base.RetrievalLost("the restored copy is no longer readable") from None
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
            raise base.ArchiveError(f"{key} vanished during the storage class change")
        return head

