"""The course samples through `python -m ann annotate` as a user runs it, and the rsIDs it finds.

Run: .venv/bin/python -m bench.known_ids VCF [VCF ...] [--lift-to GRCh37|GRCh38]
For each file: one timed run of `python -m ann annotate FILE` with no options (wall seconds
including start-up, exit status, records, lift counts and the most common most-severe
consequences from its summary JSON); then the same run on a copy with the ID column blanked,
whose IDs are compared with the ones the file carried (`back`: a record's own rsID found again;
`matched`: records given any ID; `contra`: given IDs none of which is the file's own).
Figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _annotate(path: Path, out: Path, extra: list[str]) -> tuple[float, int, dict]:
    """Run the CLI on `path`; return (wall seconds, exit status, summary JSON or {})."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ann", "annotate", str(path), "-o", str(out),
                           *extra], capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    if done.returncode:
        print(f"{path.name}: exit {done.returncode}: {done.stderr.strip()}", file=sys.stderr)
    summary = out.with_name(out.name.removesuffix(".annot.vcf") + ".summary.json")
    return seconds, done.returncode, json.loads(summary.read_text()) if summary.exists() else {}


def _columns(path: Path) -> list[list[str]]:
    """Return the (CHROM, POS, ID) of each record of a plain VCF."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return [line.split("\t", 3)[:3] for line in handle if not line.startswith("#")]


def _blanked(path: Path, dest: Path) -> None:
    """Copy a VCF with every record's ID column set to '.'."""
    with open(path, encoding="utf-8", errors="replace") as src, open(dest, "w") as out:
        for line in src:
            if not line.startswith("#"):
                f = line.split("\t", 3)
                line = "\t".join([f[0], f[1], ".", f[3]])
            out.write(line)


def measure(path: Path, extra: list[str]) -> dict:
    """Return the plain run's figures and the ID comparison of the blanked run."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds, status, summary = _annotate(path, folder / f"{path.stem}.annot.vcf", extra)
        blank = folder / "blank" / path.name
        blank.parent.mkdir()
        _blanked(path, blank)
        _, _, _ = _annotate(blank, blank.with_name(f"{path.stem}.annot.vcf"), extra)
        found = _columns(blank.with_name(f"{path.stem}.annot.vcf"))
    counts: Counter = Counter()
    for own, got in zip(_columns(path), found, strict=True):
        mine = {i for i in own[2].split(";") if i.startswith("rs")}
        ids = set() if got[2] == "." else set(got[2].split(";"))
        counts["carried"] += bool(mine)
        counts["back"] += bool(mine & ids)
        counts["matched"] += bool(ids)
        counts["contradicted"] += bool(mine and ids and not mine & ids)
    return {"file": path.name, "seconds": round(seconds, 2), "exit": status,
            "records": summary.get("total_variants"), "assembly": summary.get("assembly"),
            "input_assembly": summary.get("input_assembly"),
            "liftover": summary.get("liftover"), "consequences": summary.get("consequences", {}),
            "impacts": summary.get("impacts", {}), "known_ids": dict(counts)}


def main(argv: list[str] | None = None) -> int:
    """Measure each file; print one JSON line per file, then a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.known_ids", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vcf", nargs="+", type=Path)
    parser.add_argument("--lift-to", choices=["GRCh37", "GRCh38"], default=None,
                        help="pass --lift-to to every run")
    args = parser.parse_args(argv)
    extra = ["--lift-to", args.lift_to] if args.lift_to else []
    results = [measure(path, extra) for path in args.vcf]
    for r in results:
        print(json.dumps(r))
    print(f"\n{'file':<15}{'exit':>5}{'s':>7}{'records':>8}  {'lift':<24}{'carried':>8}{'back':>6}"
          f"{'matched':>8}{'contra':>7}  top consequences")
    for r in results:
        k, lift = r["known_ids"], r["liftover"]
        moved = f"{lift['lifted']} lifted, {lift['unmapped']} unmapped" if lift else "-"
        top = ", ".join(f"{t} {n}" for t, n in sorted(
            r["consequences"].items(), key=lambda x: -x[1])[:3])
        print(f"{r['file']:<15}{r['exit']:>5}{r['seconds']:>7.2f}{r['records'] or 0:>8}  "
              f"{moved:<24}{k['carried']:>8}{k['back']:>6}{k['matched']:>8}"
              f"{k['contradicted']:>7}  {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
