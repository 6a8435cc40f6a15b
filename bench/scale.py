"""The engine at real scale (issue 8): course samples and sparse input against large sources.

Run: .venv/bin/python -m bench.scale [--samples DIR] [--sites 2000000,20000000] [--repeat N]
                                     [--only course|sparse]
1. The course samples (premium_1, premium_2, free_2) with the default GRCh37 bundle,
   consequences on, against bcftools annotate given the same dbSNP, gene-span, CpG and
   1000 Genomes frequency files (contigs renamed to the samples' own names, as bcftools
   needs), and against the same pipeline followed by `bcftools csq -l` (the bundle's gene
   models as GFF3, its chr20 sequence); the engine without consequences gives their cost.
2. 5,000 sparse variants on 3 contigs against a 2M- and a 20M-site source (the same query
   for both), for the engine, bcftools and vcfanno -p 2; the engine's one-time prepare of
   each source is timed apart (as echtvar's encode step is).
Prints seconds, peak RSS, ratios and whether the engine's values equal vcfanno's; asserts
nothing. Figures of the engine include its interpreter's start-up.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import sparse
from bench.compare import compare
from bench.measure import Run, run

REPO = Path(__file__).resolve().parents[1]
SAMPLES = ("premium_1", "premium_2", "free_2")
FREQ_KEYS = ",".join(f"INFO/AF_1KG{s}" for s in ("", "_AFR", "_AMR", "_EAS", "_EUR", "_SAS"))
COURSE_HEADER = '##INFO=<ID=GENE,Number=.,Type=String,Description="gene">\n'


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=Path, default=REPO.parent / "shared" / "samples",
                        help="folder with the course samples (skipped when missing)")
    parser.add_argument("--bundle", type=Path, default=None, help="bundle folder")
    parser.add_argument("--sites", default="2000000,20000000", help="sparse source sizes")
    parser.add_argument("--variants", type=int, default=5000, help="sparse query records")
    parser.add_argument("--threads", type=int, default=2, help="-p of vcfanno and the engine")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs; fastest kept")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "scale")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--only", choices=("course", "sparse"), help="run one part only")
    return parser


def _best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: (r.returncode != 0, r.seconds))


def _timed(label: str, commands: dict, out: Path, repeat: int) -> dict[str, Run]:
    """Run each tool's command `repeat` times, interleaved; return the fastest of each."""
    tries: dict[str, list[Run]] = {tool: [] for tool in commands}
    for _ in range(repeat):
        for tool, (cmd, stdout) in commands.items():
            tries[tool].append(run(tool, cmd, stdout, out / f"{label}-{tool}.rusage.json"))
    return {tool: _best(r) for tool, r in tries.items()}


def _renamed(src: Path, dest: Path, kind: str) -> Path:
    """Copy a bundle file with contigs named as the samples name them (1, not chr1)."""
    if not dest.exists() or dest.stat().st_mtime < src.stat().st_mtime:  # a rebuilt bundle
        with gzip.open(src, "rt") as fin, open(dest.with_suffix(""), "w") as fout:
            for line in fin:
                if line.startswith("#"):
                    fout.write(line.replace("ID=chrM", "ID=MT").replace("ID=chr", "ID="))
                    continue
                chrom, rest = line.split("\t", 1)
                chrom = "MT" if chrom == "chrM" else chrom.removeprefix("chr")
                if kind == "gtf":
                    f = rest.split("\t")
                    if f[1] != "gene":
                        continue
                    name = f[7].split('gene_name "', 1)[1].split('"', 1)[0]
                    fout.write(f"{chrom}\t{int(f[2]) - 1}\t{f[3]}\t{name}\n")
                else:
                    fout.write(f"{chrom}\t{rest}")
        subprocess.run(["bgzip", "-f", str(dest.with_suffix(""))], check=True)
        subprocess.run(["tabix", "-p", "vcf" if kind == "vcf" else "bed", str(dest)], check=True)
    return dest


def _indexed(vcf: Path, folder: Path) -> Path:
    """Return a bgzipped, tabix-indexed copy of a VCF (bcftools annotate reads no other)."""
    dest = folder / f"{vcf.name}.gz"
    if not dest.exists():
        with open(dest, "wb") as out:
            subprocess.run(["bgzip", "-c", str(vcf)], stdout=out, check=True)
        subprocess.run(["tabix", "-f", "-p", "vcf", str(dest)], check=True)
    return dest


def _gff3(folder: Path, work: Path) -> Path:
    """Write the bundle's gene models as the Ensembl-style GFF3 bcftools csq reads (once)."""
    gtf, dest = folder / "genes.gtf.gz", work / "genes.gff3"
    if not dest.exists() or dest.stat().st_mtime < gtf.stat().st_mtime:
        from ann.engine.consequence.gff3 import write_gff3
        from ann.engine.consequence.gtf import read_gtf
        from ann.engine.reference import Reference

        reference = folder / "reference.fa.gz"
        with open(dest.with_suffix(".tmp"), "w") as out:
            write_gff3(read_gtf(gtf), out,
                       reference=Reference(reference) if reference.exists() else None)
        dest.with_suffix(".tmp").replace(dest)
    return dest


def _without_csq(folder: Path, dest: Path) -> Path:
    """Write the bundle's sources.toml without the consequence field (paths made absolute)."""
    import json
    import tomllib

    data = tomllib.loads((folder / "sources.toml").read_text())
    lines = []
    for table in data["annotation"]:
        keep = [i for i, f in enumerate(table.get("fields", table.get("columns", [])))
                if f != "consequence"]
        lines += ["[[annotation]]", f"file = {json.dumps(str(folder / table['file']))}"]
        for key in ("fields", "columns", "names", "ops", "descriptions"):
            if key in table:
                lines.append(f"{key} = {json.dumps([table[key][i] for i in keep])}")
        if "promoter_window" in table:
            lines.append(f"promoter_window = {table['promoter_window']}")
        lines.append("")
    dest.write_text("\n".join(lines))
    return dest


def course(args, bundle: Path, out: Path) -> None:
    """Time the course samples: the engine with its bundle (CSQ on) against bcftools."""
    folder = bundle / "GRCh37"
    work = out / "course"
    work.mkdir(parents=True, exist_ok=True)
    dbsnp = _renamed(folder / "dbsnp.vcf.gz", work / "dbsnp.vcf.gz", "vcf")
    genes = _renamed(folder / "genes.gtf.gz", work / "genes.bed.gz", "gtf")
    cpg = _renamed(folder / "cpg_islands.bed.gz", work / "cpg.bed.gz", "bed")
    freq_file = folder / "1000g_frequencies.vcf.gz"
    freq = _renamed(freq_file, work / "freq.vcf.gz", "vcf") if freq_file.exists() else None
    reference = folder / "reference.fa.gz"
    gff3 = _gff3(folder, work) if reference.exists() else None
    plain = _without_csq(folder, work / "sources-no-csq.toml")
    (work / "hdr.txt").write_text(COURSE_HEADER)
    tools = ["engine", "engine-no-csq", "bcftools", "bcftools+csq"]
    totals = dict.fromkeys(tools, 0.0)
    rss = dict.fromkeys(tools, 0.0)
    print(f"\ncourse samples, default GRCh37 bundle, consequences on (fastest of {args.repeat}):")
    print(f"{'sample':<10} {'engine s':>9} {'no-CSQ s':>9} {'bcftools s':>11} {'+csq s':>8} "
          f"{'vs +csq':>8} {'vs annotate':>12} {'engine MB':>10} {'bcftools MB':>12}")
    for name in SAMPLES:
        vcf = _indexed(args.samples / f"{name}.vcf", work)
        annotated = work / f"{name}.bcftools.vcf"
        pipe = (f"bcftools annotate -a {dbsnp} -c ID -Ou {vcf} 2>/dev/null | "
                f"bcftools annotate -a {genes} -c CHROM,FROM,TO,GENE -h {work / 'hdr.txt'} "
                f"-l GENE:unique -Ou 2>/dev/null | bcftools annotate -a {cpg} "
                f"-c CHROM,FROM,TO -m +CPG_ISLAND -Ov "
                f"-o {annotated} 2>/dev/null")
        if freq is not None:
            # The bundle's frequencies too, so both tools do the same work. bcftools reads a
            # VCF annotation file only against an indexed input: the ID step writes one first.
            step = work / f"{name}.ids.vcf.gz"
            pipe = (f"bcftools annotate -a {dbsnp} -c ID -Oz -o {step} {vcf} 2>/dev/null && "
                    f"tabix -f -p vcf {step} && bcftools annotate -a {freq} -c {FREQ_KEYS} -Ou "
                    f"{step} 2>/dev/null | " + pipe.split(" | ", 1)[1])
        engine = [args.python, "-m", "ann", "annotate", str(vcf), "-o",
                  str(work / f"{name}.annot.vcf"), "--assembly", "GRCh37"]
        commands = {
            "engine": (engine, None),
            "engine-no-csq": ([*engine[:-2], "--config", str(plain), "-o",
                               str(work / f"{name}.no-csq.vcf")], None),
            "bcftools": (["bash", "-o", "pipefail", "-c", pipe], None),
        }
        if gff3 is not None:
            # bcftools csq needs the sequence of every contig it meets; the registries carry
            # chr20 alone, so it is given the whole gene model and restricted to the contigs
            # the FASTA holds (-t): on other contigs it computes nothing, GAS still does.
            contigs = ",".join(_fasta_contigs(reference))
            csq = (pipe.replace(f"-Ov -o {annotated} 2>/dev/null", "-Ou 2>/dev/null")
                   + f" | bcftools csq -l -s - -f {reference} -g {gff3} -t {contigs} -Ov "
                   f"-o {work / name}.bcftools-csq.vcf - 2>/dev/null")
            commands["bcftools+csq"] = (["bash", "-o", "pipefail", "-c", csq], None)
        if name == SAMPLES[0]:  # untimed: bytecode written, page cache warm, for every tool
            _timed(f"{name}-warm", commands, work, 1)
        best = _timed(name, commands, work, args.repeat)
        for tool in best:
            totals[tool] += best[tool].seconds
            rss[tool] = max(rss[tool], best[tool].max_rss_mb)
        print(_course_row(name, {k: v.seconds for k, v in best.items()},
                          best["engine"].max_rss_mb, best["bcftools"].max_rss_mb))
    print(_course_row("all", totals, rss["engine"], rss["bcftools"]))
    cost = totals["engine"] - totals["engine-no-csq"]
    print(f"cost of consequences in the engine: {cost:+.2f} s over the three samples "
          f"({totals['engine-no-csq']:.2f} s without, {totals['engine']:.2f} s with)")


def _course_row(name: str, s: dict[str, float], engine_mb: float, bcftools_mb: float) -> str:
    with_csq = s.get("bcftools+csq", 0.0)
    vs_csq = f"{with_csq / s['engine']:.2f}x" if with_csq else "-"
    return (f"{name:<10} {s['engine']:>9.2f} {s['engine-no-csq']:>9.2f} {s['bcftools']:>11.2f} "
            f"{with_csq:>8.2f} {vs_csq:>8} {s['bcftools'] / s['engine']:>11.2f}x "
            f"{engine_mb:>10.1f} {bcftools_mb:>12.1f}")


def _fasta_contigs(reference: Path) -> list[str]:
    """The sequence names a FASTA's .fai lists."""
    return [line.split("\t", 1)[0] for line in Path(f"{reference}.fai").read_text().splitlines()]


def sparse_runs(args, out: Path) -> None:
    """Time the sparse query against each source size for the three tools."""
    print(f"\nsparse input: {args.variants:,} variants on 3 contigs (fastest of {args.repeat})")
    print(f"{'source':>12} {'tool':<9} {'seconds':>8} {'max RSS MB':>11} {'tree PSS MB':>12} "
          f"{'engine speed':>13}")
    work = out / "sparse"
    cache = out / "engine-cache"
    for sites in [int(s) for s in args.sites.split(",")]:
        inp = sparse.generate(work, sites, args.variants)
        query = _indexed(inp.vcf, work)
        env_cache = {"GAS_ENGINE_CACHE": str(cache)}
        started = time.monotonic()
        prep = subprocess.run(
            [args.python, "-c", "import sys; from ann.engine import prepare_sources; "
             "prepare_sources(sys.argv[1])", str(inp.config)],
            env={**_env(), **env_cache}, cwd=REPO, capture_output=True, text=True)
        prepared = time.monotonic() - started
        if prep.returncode:
            print(prep.stderr[-2000:])
        prepared = max([prepared, *_recorded_prepare(cache, inp.known.name)])
        result = work / f"engine-{sites}.vcf"
        commands = {
            "engine": (["env", f"GAS_ENGINE_CACHE={cache}", args.python, "-m", "ann",
                        "annotate", str(query), "-o", str(result), "--config",
                        str(inp.config), "-p", str(args.threads)], None),
            "bcftools": (["bcftools", "annotate", "-a", str(inp.known), "-c",
                          "ID,INFO/KNOWN_AF:=INFO/AF", "-Ov", "-o",
                          str(work / f"bcftools-{sites}.vcf"), str(query)], None),
            "vcfanno": (["vcfanno", "-p", str(args.threads), "-base-path", str(work),
                         str(inp.config), str(query)], work / f"vcfanno-{sites}.vcf"),
        }
        best = _timed(f"sparse{sites}", commands, work, args.repeat)
        for tool, r in best.items():
            ratio = "" if tool == "engine" else f"{r.seconds / best['engine'].seconds:.2f}x"
            print(f"{sites:>12,} {tool:<9} {r.seconds:>8.2f} {r.max_rss_mb:>11.1f} "
                  f"{r.tree_pss_mb:>12.1f} {ratio:>13}")
        same = compare(result, work / f"vcfanno-{sites}.vcf", ["KNOWN_ID", "KNOWN_AF"])
        print(f"{sites:>12,} engine prepare (once, from the store): {prepared:.1f} s; "
              f"values equal to "
              f"vcfanno's: {'yes' if same.equal else 'no'} ({same.records:,} records"
              f"{'' if same.equal else ', ' + str(same.mismatches) + ' differ'})")


def _recorded_prepare(cache: Path, name: str) -> list[float]:
    """The prepare time recorded in a cached store (an earlier run may have prepared it)."""
    import json

    out = []
    for meta in cache.glob(f"{name}-*/meta.json"):
        seconds = json.loads(meta.read_text()).get("prepare_seconds")
        if seconds is not None:
            out.append(float(seconds))
    return out


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def main(argv: list[str] | None = None) -> int:
    """Run both parts; 2 when a peer tool is missing."""
    args = _parser().parse_args(argv)
    missing = [t for t in ("bcftools", "vcfanno", "bgzip", "tabix") if shutil.which(t) is None]
    if missing:
        print(f"not installed: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    from ann.engine import default_data_dir

    bundle = args.bundle or default_data_dir()
    # A deployed engine runs from compiled bytecode; let the interpreter keep it between runs
    # (this environment may forbid writing it), and warm it with one untimed run below.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.only != "sparse":
        if args.samples.is_dir() and (bundle / "GRCh37" / "sources.toml").is_file():
            course(args, bundle, args.out)
        else:
            print(f"course samples skipped: no {args.samples} or no bundle in {bundle}")
    if args.only != "course":
        sparse_runs(args, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
