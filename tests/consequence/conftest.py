"""Consequence fixtures: the hand-built genome (always), GRCh37 chr20 and the bundle's GTF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ann.engine import default_data_dir
from ann.engine.consequence import EXTRA_FIELDS, FIELDS, consequences
from ann.engine.reference import Reference

from . import synthetic

NAMES = FIELDS + EXTRA_FIELDS


@pytest.fixture(scope="session")
def genome(tmp_path_factory) -> tuple[Reference, str]:
    """The synthetic genome as a BGZF FASTA, and its sequence."""
    path, seq = synthetic.write_reference(tmp_path_factory.mktemp("genome"))
    return Reference(path), seq


@pytest.fixture(scope="session")
def chr20() -> Path:
    """GRCh37 chr20 (the bundle's, else Debian's vt-examples fetched into .cache once)."""
    from bench.consequences import chr20_reference

    try:
        return chr20_reference()
    except (subprocess.CalledProcessError, OSError, StopIteration) as exc:
        pytest.fail(f"cannot get GRCh37 chr20 from Debian's vt-examples: {exc}")


@pytest.fixture(scope="session")
def grch37_gtf() -> Path:
    """The bundle's GRCh37 gene models (built by `make data`)."""
    path = default_data_dir() / "GRCh37" / "genes.gtf.gz"
    if not path.is_file():
        pytest.skip(f"no data bundle at {path} (run `python -m ann build-data`)")
    return path


def entries(found) -> list[dict[str, str]]:
    """Split a RecordConsequences value into one dict per CSQ entry."""
    return [dict(zip(NAMES, e.split("|"), strict=True)) for e in found.value.decode().split(",")]


def annotate(pos: int, ref: str, alts: list[str], reference=None,
             transcripts=synthetic.ALL):
    """Run the calculator on the synthetic contig; return (result, entries by Feature)."""
    found = consequences("7", pos, ref, alts, transcripts, reference)
    return found, {e["Feature"]: e for e in entries(found)}
