"""Archive backends: where Free users' result files go cold, and how they come back.

One interface (`base.ArchiveBackend`), one module per backend, chosen by `GAS_ARCHIVE_BACKEND`:
- `s3-glacier` (default, `s3_glacier.py`): the result object changes storage class in place.
- `glacier-vault` (`glacier_vault.py`): the file goes to a Glacier vault and leaves S3.
Both record the size and SHA-256 at archive time and check them when the file comes back.
`retrieval.py` starts and announces retrievals (the restore and thaw workers share it).
"""

from __future__ import annotations

from gas.archive.base import (
    EXPEDITED,
    RETRIEVAL_DONE,
    RETRIEVAL_PENDING,
    STANDARD,
    ArchiveBackend,
    Archived,
    ArchiveError,
    CapacityError,
    IntegrityError,
    MissingResult,
    RetrievalLost,
)
from gas.archive.glacier_vault import GlacierVaultBackend
from gas.archive.s3_glacier import S3GlacierBackend
from gas.config import Settings

__all__ = [
    "EXPEDITED", "RETRIEVAL_DONE", "RETRIEVAL_PENDING", "STANDARD", "ArchiveBackend",
    "ArchiveError", "Archived", "CapacityError", "GlacierVaultBackend", "IntegrityError",
    "MissingResult", "RetrievalLost", "S3GlacierBackend", "backend_for",
]

BACKENDS: dict[str, type[ArchiveBackend]] = {
    cls.name: cls for cls in (S3GlacierBackend, GlacierVaultBackend)
}


def backend_for(settings: Settings, name: str | None = None) -> ArchiveBackend:
    """The backend named `name` (a job's `archive_backend`), else the configured one."""
    chosen = name or settings.archive_backend
    if chosen not in BACKENDS:
        raise ArchiveError(f"unknown archive backend {chosen!r}")
    return BACKENDS[chosen](settings)
