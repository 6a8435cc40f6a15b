"""Find a source's prepared store (beside the file, or in the engine cache), preparing it once.

A store beside the source (`<file>.gas-<fields>/`, written by build-data and add-source) is
used when its recorded size matches the file: bundles synced from S3 get new modification
times, so those are not compared. Any other source is prepared on first use into
$GAS_ENGINE_CACHE, keyed by the file's real path, size and modification time and the fields
asked for.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from ..checksum import sha256_file
from ..config import SourceSpec
from ..data_dir import engine_cache_dir
from ..errors import ConfigError
from .files import FORMAT, Store, StoreWriter, read_meta
from .prepare import prepare

log = logging.getLogger(__name__)


def signature(spec: SourceSpec) -> str:
    """Return a short digest of what a store holds for this spec (format, kind, fields)."""
    fields = "|".join(f"{f.source_field}:{f.column}:{f.name}:{f.op}:{f.type_hint}"
                      for f in spec.fields)
    text = f"{FORMAT}|{spec.kind}|{spec.promoter_window}|{fields}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def beside_path(spec: SourceSpec) -> Path:
    """Return where build-data and add-source put a source's store."""
    path = Path(spec.path)
    return path.with_name(f"{path.name}.gas-{signature(spec)}")


def _cache_path(spec: SourceSpec) -> Path:
    st = os.stat(spec.path)
    text = f"{os.path.realpath(spec.path)}|{st.st_size}|{st.st_mtime_ns}|{signature(spec)}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return engine_cache_dir() / f"{Path(spec.path).name}-{digest}"


def build_store(spec: SourceSpec, folder: Path) -> Store:
    """Prepare spec's source into folder (replacing what is there); return the open store."""
    started = time.monotonic()
    try:
        st = os.stat(spec.path)
    except OSError as exc:
        raise ConfigError(f"source {spec.path} cannot be read: {exc.strerror}") from exc
    meta = {"kind": spec.kind, "signature": signature(spec),
            "source": {"file": Path(spec.path).name, "size": st.st_size,
                       "sha256": sha256_file(spec.path)}}
    writer = StoreWriter(folder, meta)
    try:
        writer.meta["counts"] = prepare(spec, writer)
        writer.meta["prepare_seconds"] = round(time.monotonic() - started, 3)
        final = writer.commit()
    except BaseException:
        writer.abort()
        raise
    log.info("prepared %s for the engine in %.1f s (%s)", spec.label,
             time.monotonic() - started, final)
    return Store(final, writer.meta)


def open_store(spec: SourceSpec) -> Store:
    """Return the spec's prepared store, preparing it into the cache on first use."""
    size = os.stat(spec.path).st_size
    beside = beside_path(spec)
    meta = read_meta(beside)
    if meta and meta.get("source", {}).get("size") == size and \
            meta.get("signature") == signature(spec):
        return Store(beside, meta)
    cached = _cache_path(spec)
    meta = read_meta(cached)
    if meta and meta.get("signature") == signature(spec):
        return Store(cached, meta)
    log.info("preparing source %s for the engine (once; later runs reuse %s)",
                spec.label, cached)
    try:
        return build_store(spec, cached)
    except OSError as exc:  # a read-only cache: prepare for this run only
        log.warning("cannot write the engine cache %s (%s); preparing in a temporary folder",
                    cached.parent, exc)
        return build_store(spec, Path(tempfile.mkdtemp(prefix="gas-store-")) / "store")
