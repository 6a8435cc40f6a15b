"""Benchmark the GAS engine against bcftools annotate and vcfanno (issue 2, item 8).

Run: .venv/bin/python -m bench.annotate [--variants N] [--out DIR]
Generates the inputs (cached in DIR for the same sizes), times each tool in a fresh process
on the same inputs and vcfanno-style config, checks that the engine's values equal vcfanno's
on every record, and prints a table. It prints figures only; it asserts no speed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

from bench import synth
from bench.compare import compare
from bench.measure import Run, run

COMPARED_KEYS = ["KNOWN_ID", "KNOWN_AF", "GENE"]
REPO_ROOT = Path(__file__).resolve().parents[1]


def _parser() -> argparse.ArgumentParser:
    """Return the benchmark's argument parser."""
    parser = argparse.ArgumentParser(prog="python -m bench.annotate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", type=int, default=1_000_000)
    parser.add_argument("--known", type=int, default=400_000, help="known-variant records")
    parser.add_argument("--genes", type=int, default=60_000, help="gene intervals")
    parser.add_argument("--threads", type=int, default=2, help="-p for vcfanno and the engine")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out")
    parser.add_argument("--tools", default="bcftools,vcfanno,engine")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the engine")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per tool, interleaved; the fastest is reported")
    return parser


def _inputs(args: argparse.Namespace) -> synth.BenchInputs:
    """Generate the inputs unless the same sizes were generated before."""
    folder = args.out / f"inputs-v{synth.VERSION}-{args.variants}-{args.known}-{args.genes}"
    stamp = folder / "complete"
    if not stamp.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {args.variants:,} variants, {args.known:,} known, "
              f"{args.genes:,} genes in {folder} ...", flush=True)
        synth.generate(folder, args.variants, args.known, args.genes)
        stamp.write_text("ok\n")
    return synth.BenchInputs(folder / "input.vcf.gz", folder / "known.vcf.gz",
                             folder / "genes.bed.gz", folder / "sources.toml",
                             folder / "gene_header.txt")


def _commands(inp: synth.BenchInputs, out: Path, args: argparse.Namespace) -> dict:
    """Return tool → (command, stdout file or None, output file)."""
    bcftools = (
        f"bcftools annotate -a {inp.known} -c ID,INFO/KNOWN_AF:=INFO/AF -Ou {inp.vcf} | "
        f"bcftools annotate -a {inp.genes} -c CHROM,FROM,TO,GENE -h {inp.bed_header} "
        f"-l GENE:unique -Ov -o {out / 'bcftools.vcf'}"
    )
    return {
        "bcftools": (["bash", "-o", "pipefail", "-c", bcftools], None, out / "bcftools.vcf"),
        "vcfanno": (["vcfanno", "-p", str(args.threads), "-base-path", str(inp.config.parent),
                     str(inp.config), str(inp.vcf)],
                    out / "vcfanno.vcf", out / "vcfanno.vcf"),
        "engine": ([args.python, "-m", "ann", "annotate", str(inp.vcf), "-o",
                    str(out / "engine.annot.vcf"), "--log", str(out / "engine.count.log"),
                    "--summary", str(out / "engine.summary.json"), "--config", str(inp.config),
                    "-p", str(args.threads)], None, out / "engine.annot.vcf"),
    }


def _table(runs: list[Run], variants: int) -> str:
    """Format the timing table."""
    lines = [f"{'tool':<10} {'seconds':>8} {'variants/s':>12} {'max RSS MB':>11} "
             f"{'tree PSS MB':>12}"]
    for r in runs:
        rate = variants / r.seconds if r.seconds else 0
        lines.append(f"{r.tool:<10} {r.seconds:>8.2f} {rate:>12,.0f} {r.max_rss_mb:>11.1f} "
                     f"{r.tree_pss_mb:>12.1f}" + ("" if r.returncode == 0 else "  FAILED"))
    by_tool = {r.tool: r for r in runs if r.returncode == 0}
    engine = by_tool.get("engine")
    for other in ("bcftools", "vcfanno"):
        if engine and other in by_tool:
            lines.append(f"engine speed / {other}: {by_tool[other].seconds / engine.seconds:.2f}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate, run, compare and print; 1 if a tool failed or values differ, 2 if a tool
    is not installed."""
    args = _parser().parse_args(argv)
    tools = args.tools.split(",")
    missing = [t for t in tools if t not in ("engine",) and shutil.which(t) is None]
    if missing:
        print(f"not installed: {', '.join(missing)} (apt-get install -y bcftools vcfanno)",
              file=sys.stderr)
        return 2
    inp = _inputs(args)
    out = args.out / f"run-{args.variants}"
    out.mkdir(parents=True, exist_ok=True)
    commands = _commands(inp, out, args)
    tries: dict[str, list[Run]] = {tool: [] for tool in tools}
    for attempt in range(1, args.repeat + 1):
        for tool in tools:
            cmd, stdout, _ = commands[tool]
            print(f"running {tool} ({attempt}/{args.repeat}) ...", flush=True)
            tries[tool].append(run(tool, cmd, stdout, out / f"{tool}.rusage.json"))
    # The fastest run is the one least disturbed by other load on the machine.
    runs = [min(tries[tool], key=lambda r: (r.returncode != 0, r.seconds)) for tool in tools]
    print()
    print(f"{args.variants:,} variants; {args.known:,} known sites; {args.genes:,} gene "
          f"intervals; -p {args.threads}")
    print(_table(runs, args.variants))
    status = 0 if all(r.returncode == 0 for r in runs) else 1
    ok = {r.tool for r in runs if r.returncode == 0}
    if {"engine", "vcfanno"} <= ok:
        result = compare(commands["engine"][2], commands["vcfanno"][2], COMPARED_KEYS)
        verdict = "equal" if result.equal else f"{result.mismatches:,} records differ"
        print(f"engine vs vcfanno on {', '.join(COMPARED_KEYS)}: {result.records:,} records, "
              f"{verdict} {result.per_key if not result.equal else ''}".rstrip())
        for example in result.examples:
            print(f"  {example}")
        status = status or (0 if result.equal else 1)
    (out / "results.json").write_text(json.dumps(
        {"variants": args.variants, "runs": [asdict(r) for r in runs]}, indent=2) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
