"""GRCh37 chr20's sequence from Debian's vt-examples, as the bundle's reference.fa.gz."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam

from ann.bundle.debian import VT_EXAMPLES, extract
from ann.bundle.errors import BundleError
from ann.engine.assembly import CHROMOSOME_LENGTHS

REFERENCE = "reference.fa.gz"  # BGZF FASTA beside sources.toml, with .fai and .gzi


def write_reference(located: Path, out: Path) -> dict:
    """Write reference.fa.gz (+ .fai, .gzi) into `out` from the located vt-examples package."""
    scratch = out / ".vt-examples"
    how = extract(VT_EXAMPLES, located, scratch)
    (scratch / "20.fa.gz").replace(out / REFERENCE)
    (scratch / "20.fa.gz.fai").replace(out / f"{REFERENCE}.fai")
    # Debian ships the BGZF index gzipped; htslib wants it plain.
    (out / f"{REFERENCE}.gzi").write_bytes(gzip.decompress((scratch / "20.fa.gz.gzi.gz")
                                                           .read_bytes()))
    (scratch / "20.fa.gz.gzi.gz").unlink()
    scratch.rmdir()
    with pysam.FastaFile(str(out / REFERENCE)) as fasta:
        contigs = dict(zip(fasta.references, fasta.lengths, strict=True))
    for name, length in contigs.items():
        if CHROMOSOME_LENGTHS["GRCh37"].get(name) != length:
            raise BundleError(f"{REFERENCE}: {name} is {length} bp, not a GRCh37 chromosome")
    return {
        "package": {"name": VT_EXAMPLES.name, "version": VT_EXAMPLES.version,
                    "file": VT_EXAMPLES.filename, "sha256": VT_EXAMPLES.sha256,
                    "licence": VT_EXAMPLES.licence, "source": "Debian", **how},
        "contigs": contigs,
        "origin": "GRCh37 chromosome 20 (sequence 20, 63,025,520 bp), as Debian's vt-examples "
                  "ships it (/usr/share/doc/vt/examples/ref/20.fa.gz)",
    }
