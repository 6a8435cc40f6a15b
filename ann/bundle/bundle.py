"""Build the default annotation data bundle, or reuse it when its manifest still matches."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import platform
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pyarrow
import pysam

from ann.bundle import debian
from ann.bundle.added import carry_added
from ann.bundle.assemblies import ASSEMBLIES, AssemblySpec
from ann.bundle.build import build_assembly
from ann.bundle.errors import BundleError
from ann.bundle.packages import fetch
from ann.bundle.prepare import prepare_folder
from ann.engine.checksum import sha256_file
from ann.engine.data_dir import default_data_dir

log = logging.getLogger(__name__)

BUNDLE_FORMAT = 5  # bump when the builder's output changes, so old bundles are rebuilt
MANIFEST = "manifest.json"
REPO_ROOT = Path(__file__).resolve().parents[2]


def default_bundle_dir() -> Path:
    """Return the bundle folder (ann.engine.data_dir's one definition)."""
    return default_data_dir()


def default_package_dir() -> Path:
    """Return the folder the registry package files are cached in."""
    return REPO_ROOT / ".cache" / "packages"


def read_manifest(out: Path) -> dict | None:
    """Return the bundle's manifest, or None when there is none or it does not parse."""
    try:
        return json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _entry_is_current(out: Path, spec: AssemblySpec, entry: dict | None) -> bool:
    """Whether an assembly's manifest entry matches the pinned packages and the files on disk."""
    if not entry:
        return False
    if [(p["name"], p["version"], p["sha256"]) for p in entry.get("packages", [])] != spec.pins:
        return False
    folder = out / spec.name
    for name, info in entry.get("files", {}).items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != info["sha256"]:
            return False
        if "tbi_sha256" in info:
            tbi = folder / f"{name}.tbi"
            if not tbi.is_file() or sha256_file(tbi) != info["tbi_sha256"]:
                return False
    return True


def current_assemblies(out: Path) -> set[str]:
    """Return the assemblies whose folders in `out` match the manifest and the pinned packages."""
    manifest = read_manifest(out)
    if not manifest or manifest.get("format") != BUNDLE_FORMAT:
        return set()
    entries = manifest.get("assemblies", {})
    return {name for name, spec in ASSEMBLIES.items()
            if _entry_is_current(out, spec, entries.get(name))}


def _build_one(spec: AssemblySpec, archives: dict[str, Path], out: Path) -> dict:
    """Build one assembly in a scratch folder, then swap it into place."""
    scratch = out / f".building-{spec.name}-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        entry = build_assembly(spec, archives, scratch)
        final, old = out / spec.name, out / f".old-{spec.name}-{os.getpid()}"
        if final.exists():
            carry_added(final, scratch)  # a lab's add-source files survive a rebuild
            final.rename(old)
        scratch.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        return entry
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_manifest(out: Path, entries: dict[str, dict]) -> None:
    """Write manifest.json atomically."""
    manifest = {
        "format": BUNDLE_FORMAT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "builder": {"python": platform.python_version(), "pyarrow": pyarrow.__version__,
                    "pysam": pysam.__version__},
        "assemblies": entries,
    }
    tmp = out / f".{MANIFEST}.{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(out / MANIFEST)


def build_bundle(out: Path | None = None, assemblies: list[str] | None = None,
                 force: bool = False, package_dir: Path | None = None) -> dict:
    """Build (or reuse) the bundle for these assemblies and return its manifest."""
    out = out or default_bundle_dir()
    names = assemblies or list(ASSEMBLIES)
    unknown = set(names) - ASSEMBLIES.keys()
    if unknown:
        raise BundleError(f"unknown assembly {sorted(unknown)}; supported: {list(ASSEMBLIES)}")
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "a") as lock:
        # Two builds at once (make run and make test) would swap folders under each other.
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = set() if force else current_assemblies(out)
        todo = [ASSEMBLIES[n] for n in names if n not in current]
        manifest = read_manifest(out) or {}
        entries = {k: v for k, v in manifest.get("assemblies", {}).items() if k in current}
        if todo:
            built = _build(todo, out, package_dir or default_package_dir())
            for name, entry in built.items():
                added = manifest.get("assemblies", {}).get(name, {}).get("added")
                if added:
                    entry["added"] = added
                    entry["files"]["sources.toml"]["sha256"] = sha256_file(
                        out / name / "sources.toml")
            entries.update(built)
        else:
            log.info("annotation bundle in %s is current (%s)", out, ", ".join(names))
        changed = bool(todo)
        for name in names:  # the engine's stores: prepared once, kept while current
            prepared = prepare_folder(out / name)
            changed = changed or entries[name].get("prepared") != prepared
            entries[name]["prepared"] = prepared
        if changed:
            _write_manifest(out, entries)
        return read_manifest(out) or {}


def _build(todo: list[AssemblySpec], out: Path, package_dir: Path) -> dict[str, dict]:
    """Fetch the packages and build the assemblies, in parallel when there are cores for it."""
    started = time.monotonic()
    archives = {p.name: fetch(p, package_dir) for spec in todo for p in spec.packages}
    archives.update({s.reference.name: debian.locate(s.reference, package_dir)
                     for s in todo if s.reference is not None})
    log.info("packages ready in %.1f s; building %s", time.monotonic() - started,
             ", ".join(s.name for s in todo))
    if len(todo) > 1 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1)) as pool:
            futures = {s.name: pool.submit(_build_one, s, archives, out) for s in todo}
            return {name: future.result() for name, future in futures.items()}
    return {s.name: _build_one(s, archives, out) for s in todo}
