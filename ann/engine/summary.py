"""Counts of an annotation run: the summary JSON for the web charts and the count log text."""

from __future__ import annotations

from .sources.genes import CLASSES, INTERGENIC

CLASS_ORDER = (*CLASSES, INTERGENIC)


def build_summary(*, version: str, assembly: str, detected_from: str, total: int, in_dbsnp: int,
                  classes: dict[str, int], chromosomes: dict[str, int], warnings: list[str],
                  runtime: float, sources: list) -> dict:
    """Return the summary dict (the JSON the web page reads)."""
    ordered = {c: classes[c] for c in CLASS_ORDER if classes.get(c)}
    return {
        "gas_version": version,
        "assembly": assembly,
        "assembly_detected_from": detected_from,
        "total_variants": total,
        "in_dbsnp": in_dbsnp,
        "in_dbsnp_pct": round(100.0 * in_dbsnp / total, 2) if total else 0.0,
        "region_classes": ordered,
        "chromosomes": chromosomes,
        "warnings": warnings,
        "runtime_seconds": round(runtime, 3),
        "sources": [{"file": s.file, "sha256": s.sha256, "names": list(s.names)} for s in sources],
    }


def count_log(summary: dict, input_name: str) -> str:
    """Return the readable count log (what AnnTools users expect to find)."""
    lines = [
        f"GAS annotation of {input_name}",
        f"GAS version: {summary['gas_version']}",
        f"Assembly: {summary['assembly']} ({summary['assembly_detected_from']})",
        f"Total variants: {summary['total_variants']}",
        f"In dbSNP: {summary['in_dbsnp']} ({summary['in_dbsnp_pct']:.2f}%)",
        "",
        "Region classes:",
    ]
    lines += _table(summary["region_classes"]) or ["  (no gene model configured)"]
    lines += ["", "Variants per chromosome:"]
    lines += _table(summary["chromosomes"]) or ["  (none)"]
    lines += ["", "Warnings:"]
    lines += [f"  - {w}" for w in summary["warnings"]] or ["  (none)"]
    lines += ["", f"Run time: {summary['runtime_seconds']:.2f} s", "", "Sources:"]
    lines += [f"  {s['file']}  sha256={s['sha256']}  names={','.join(s['names'])}"
              for s in summary["sources"]] or ["  (none)"]
    return "\n".join(lines) + "\n"


def _table(counts: dict[str, int]) -> list[str]:
    width = max((len(k) for k in counts), default=0)
    return [f"  {k.ljust(width)}  {v}" for k, v in counts.items()]
