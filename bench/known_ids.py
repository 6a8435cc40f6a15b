"""How many of a file's own rsIDs the bundle finds again, with its ID column blanked.

Run: .venv/bin/python -m bench.known_ids VCF [VCF ...] [--bundle DIR]
For each file: detect the assembly as the engine does (NCBI36 is lifted to GRCh37 with the
bundle's chain arrays, REF checked where the bundle has the sequence), look every record up in
the bundle's dbsnp.vcf.gz by vcfanno's rule (same POS and REF, a shared ALT), and compare what
was found with the IDs the file carried. Prints the lift counts, then the ID counts in the
summary JSON's `known_ids` terms. Figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pysam

from ann.bundle import default_bundle_dir
from ann.engine.assembly import choose
from ann.engine.contigs import normalise
from ann.engine.header import read_header
from ann.engine.liftover import Lifted, LiftPlan, LiftStatus
from ann.engine.vcf_reader import VcfReader, open_input


def read_records(path: Path) -> tuple[object, list[list[str]]]:
    """Return the header and the (CHROM, POS, ID, REF, ALT) of every record."""
    with open_input(path) as stream:
        reader = VcfReader(stream)
        header = read_header(reader)
        rows = [line.split(b"\t", 5)[:5] for block, _ in reader.blocks()
                for line in block.split(b"\n") if line.strip()]
    return header, [[f.decode() for f in row] for row in rows]


def lift(rows: list[list[str]], lift_from: str | None, target: str,
         folder: Path) -> tuple[Lifted, LiftPlan | None]:
    """Return the look-up coordinates of each record (lifted, or the file's own) and the plan."""
    contigs = np.array([normalise(r[0]) for r in rows], dtype=object)
    pos = np.array([int(r[1]) for r in rows], dtype=np.int64)
    end = pos + np.array([len(r[3]) - 1 for r in rows], dtype=np.int64)
    if lift_from is None:
        return Lifted(contigs, pos, end, np.zeros(len(rows), dtype=np.uint8)), None
    plan = LiftPlan.load(folder / "sources.toml", lift_from, target)
    lifted = plan.lift(contigs, pos, end, [r[3] for r in rows])
    plan.close()
    return lifted, plan


def found_ids(rows: list[list[str]], where: Lifted, folder: Path) -> list[set[str]]:
    """Return the IDs the bundle's dbsnp.vcf.gz gives each record (empty when unlifted)."""
    out: list[set[str]] = []
    with pysam.TabixFile(str(folder / "dbsnp.vcf.gz")) as tbx:
        names = {normalise(c): c for c in tbx.contigs}
        for i, row in enumerate(rows):
            ids: set[str] = set()
            contig = names.get(where.contig[i])
            if where.status[i] == LiftStatus.LIFTED and contig is not None:
                pos, ref, alts = int(where.pos[i]), row[3], set(row[4].split(","))
                for line in tbx.fetch(contig, pos - 1, pos):
                    f = line.split("\t", 5)
                    if int(f[1]) == pos and f[3] == ref and alts & set(f[4].split(",")):
                        ids.update(f[2].split(";"))
            out.append(ids)
    return out


def measure(path: Path, bundle: Path, lift_to: str | None = None) -> dict:
    """Return the lift and ID counts of one file."""
    header, rows = read_records(path)
    chosen = choose(header, None, liftover=True, lift_to=lift_to)
    folder = bundle / chosen.name
    where, plan = lift(rows, chosen.lift_from, chosen.name, folder)
    found = found_ids(rows, where, folder)
    counts: Counter = Counter()
    for row, ids in zip(rows, found, strict=True):
        own = {i for i in row[2].split(";") if i.startswith("rs")}
        counts["records"] += 1
        counts["carried"] += bool(own)
        counts["matched"] += bool(ids)
        counts["confirmed"] += bool(own & ids)
        counts["added"] += bool(ids - own)
        counts["contradicted"] += bool(own and ids and not own & ids)
    result = {"file": path.name, "assembly": chosen.name, "lifted_from": chosen.lift_from,
              "known_ids": dict(counts)}
    if plan is not None:
        result["liftover"] = plan.summary()
        result["log_line"] = plan.log_line()
        moved = where.status == LiftStatus.LIFTED
        keys = where.contig[moved]
        result["lifted_onto_other_contig"] = int(
            sum(a != normalise(r[0]) for a, r, m in zip(where.contig, rows, moved, strict=True)
                if m))
        same = keys[1:] == keys[:-1]
        result["lifted_out_of_order"] = int(np.sum(same & (np.diff(where.pos[moved]) < 0)))
    return result


def main(argv: list[str] | None = None) -> int:
    """Measure each file and print one JSON line per file, then a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.known_ids", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vcf", nargs="+", type=Path)
    parser.add_argument("--bundle", type=Path, default=None)
    parser.add_argument("--lift-to", choices=["GRCh37", "GRCh38"], default=None,
                        help="lift every file into this assembly (as annotate --lift-to)")
    args = parser.parse_args(argv)
    bundle = args.bundle or default_bundle_dir()
    results = [measure(path, bundle, args.lift_to) for path in args.vcf]
    for r in results:
        print(json.dumps(r))
    print(f"\n{'file':<16}{'assembly':<18}{'carried':>8}{'back':>7}{'matched':>8}"
          f"{'contra':>7}{'contra %':>9}  lift")
    for r in results:
        k = r["known_ids"]
        pct = 100 * k["contradicted"] / k["matched"] if k["matched"] else 0.0
        asm = r["assembly"] + (f" <- {r['lifted_from']}" if r["lifted_from"] else "")
        print(f"{r['file']:<16}{asm:<18}{k['carried']:>8}{k['confirmed']:>7}{k['matched']:>8}"
              f"{k['contradicted']:>7}{pct:>8.2f}%  {r.get('log_line', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
