"""The bundle's generic prepare step: every source of each assembly's sources.toml, once."""

from __future__ import annotations

import logging
from pathlib import Path

from ann.engine.config import load_config
from ann.engine.store.files import read_meta
from ann.engine.store.locate import beside_path, build_store, signature

log = logging.getLogger(__name__)


def prepare_folder(folder: Path) -> dict[str, dict]:
    """Prepare each source of folder/sources.toml beside its file (kept when still current).

    Returns {source file: {"store", "signature", "records", "prepare_seconds"}} for the
    manifest. A source another branch adds to sources.toml is prepared the same way.
    """
    out: dict[str, dict] = {}
    for spec in load_config(folder / "sources.toml"):
        target = beside_path(spec)
        meta = read_meta(target)
        size = Path(spec.path).stat().st_size
        if not (meta and meta.get("signature") == signature(spec)
                and meta["source"]["size"] == size):
            log.info("preparing %s for the engine", spec.label)
            meta = build_store(spec, target).meta
        for stale in Path(spec.path).parent.glob(f"{Path(spec.path).name}.gas-*"):
            if stale != target and stale.is_dir():
                _remove(stale)
        out[spec.label] = {"store": target.name, "signature": meta["signature"],
                           "counts": meta.get("counts", {}),
                           "prepare_seconds": meta.get("prepare_seconds")}
    return out


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
