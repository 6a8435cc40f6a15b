"""A prepared store on disk: a folder with meta.json and data.bin, written atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from .blocks import BlockWriter, TableReader

FORMAT = 2  # bump when a store's layout or its values change: older stores are prepared again
META = "meta.json"
DATA = "data.bin"


class StoreWriter:
    """Write the tables of one store into a temporary folder; commit() moves it into place."""

    def __init__(self, final: Path, meta: dict) -> None:
        self.final = Path(final)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(tempfile.mkdtemp(dir=self.final.parent, prefix=f".{self.final.name}."))
        self._out = open(self._tmp / DATA, "wb")
        self.meta = {"format": FORMAT, **meta, "contigs": {}}
        self._tables: list[tuple[str, str, BlockWriter]] = []

    def table(self, contig_key: str, name: str, keyed: bool = True) -> BlockWriter:
        """Return a new table of a contig (its blocks go to the shared data file)."""
        writer = BlockWriter(self._out, keyed)
        self._tables.append((contig_key, name, writer))
        return writer

    def contig(self, contig_key: str, source_name: str, **extra) -> None:
        """Record a contig's name in the source file (and any per-contig facts)."""
        self.meta["contigs"].setdefault(contig_key, {"name": source_name, "tables": {}})
        self.meta["contigs"][contig_key].update(extra)

    def commit(self) -> Path:
        """Finish every table, write meta.json, and rename the folder to its final name."""
        for key, name, writer in self._tables:
            self.meta["contigs"].setdefault(key, {"name": key, "tables": {}})
            self.meta["contigs"][key]["tables"][name] = writer.finish()
        self._out.close()
        (self._tmp / META).write_text(json.dumps(self.meta, indent=1, sort_keys=True) + "\n")
        os.chmod(self._tmp, 0o755)
        old = None
        if self.final.exists():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            self.final.rename(old)
        self._tmp.rename(self.final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.final

    def abort(self) -> None:
        """Remove the temporary folder (after a failure)."""
        if not self._out.closed:
            self._out.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def read_meta(folder: Path) -> dict | None:
    """Return a store's metadata, or None when it is missing, unreadable or of another format."""
    try:
        meta = json.loads((Path(folder) / META).read_text())
    except (OSError, ValueError):
        return None
    return meta if meta.get("format") == FORMAT else None


class Store:
    """An open store: its metadata and, per contig, its tables (opened on first use)."""

    def __init__(self, folder: Path, meta: dict) -> None:
        self.folder = Path(folder)
        self.meta = meta
        self._fd: int | None = None
        self._tables: dict[tuple[str, str], TableReader | None] = {}

    def _open(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.folder / DATA, os.O_RDONLY)
        return self._fd

    def table(self, contig_key: str, name: str) -> TableReader | None:
        """Return a contig's table, or None when the source has no such contig."""
        cache_key = (contig_key, name)
        if cache_key not in self._tables:
            contig = self.meta["contigs"].get(contig_key)
            entry = contig["tables"].get(name) if contig else None
            self._tables[cache_key] = TableReader(self._open(), entry) if entry else None
        return self._tables[cache_key]

    def forget(self, contig_key: str) -> None:
        """Drop a contig's open tables and their cached blocks (the sweep has moved on)."""
        for key in [k for k in self._tables if k[0] == contig_key]:
            del self._tables[key]

    @property
    def contig_keys(self) -> list[str]:
        return list(self.meta["contigs"])
