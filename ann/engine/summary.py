"""Counts of an annotation run: the summary JSON for the web charts and the count log text."""

from __future__ import annotations

from dataclasses import asdict

from .store.intervals import CLASSES, INTERGENIC

CLASS_ORDER = (*CLASSES, INTERGENIC)
IMPACT_ORDER = ("HIGH", "MODERATE", "LOW", "MODIFIER")


def build_summary(*, version: str, assembly: str, detected_from: str, total: int, known_ids,
                  labels: dict, chromosomes: dict[str, int], warnings: list[str],
                  runtime: float, sources: list, input_name: str, extra: dict) -> dict:
    """Return the summary dict (the JSON the web page reads).

    in_dbsnp counts records to which GAS matched a known-variant ID from its sources;
    known_ids compares those with the IDs the file carried itself.
    """
    classes = labels.get("region_classes", {})
    matched = known_ids.matched if known_ids is not None else 0
    summary = {
        "gas_version": version,
        "input_name": input_name,
        "assembly": assembly,
        "assembly_detected_from": detected_from,
        "total_variants": total,
        "in_dbsnp": matched,
        "in_dbsnp_pct": round(100.0 * matched / total, 2) if total else 0.0,
        "known_ids": asdict(known_ids) if known_ids is not None else None,
        "coverage": coverage_line(known_ids) if known_ids is not None else None,
        "region_classes": {c: classes[c] for c in CLASS_ORDER if classes.get(c)},
        "consequences": _by_severity(labels.get("consequences", {})),
        "impacts": {i: labels["impacts"][i] for i in IMPACT_ORDER
                    if labels.get("impacts", {}).get(i)},
        "liftover": None,
        "chromosomes": chromosomes,
        "warnings": warnings,
        "runtime_seconds": round(runtime, 3),
        "sources": [{"file": s.file, "sha256": s.sha256, "names": list(s.names)} for s in sources],
    }
    summary.update(extra)
    return summary


def coverage_line(known_ids) -> str:
    """Return "N of the file's own IDs confirmed, K added" (records, not IDs, are counted)."""
    return (f"{known_ids.confirmed} of the file's own {known_ids.carried} IDs confirmed, "
            f"{known_ids.added} added")


def _by_severity(counts: dict[str, int]) -> dict[str, int]:
    """Order consequence counts most severe first (Ensembl's ranks)."""
    if not counts:
        return {}
    from .consequence import RANK

    return {t: counts[t] for t in sorted(counts, key=lambda t: RANK.get(t, len(RANK) + 1))}


def count_log(summary: dict) -> str:
    """Return the readable count log (what AnnTools users expect to find)."""
    lines = [
        f"GAS annotation of {summary['input_name']}",
        f"GAS version: {summary['gas_version']}",
        _assembly_line(summary),
        *([summary["liftover"]["line"]] if summary.get("liftover") else []),
        f"Total variants: {summary['total_variants']}",
        f"In dbSNP: {summary['in_dbsnp']} ({summary['in_dbsnp_pct']:.2f}%) "
        "(records GAS matched to a known variant)",
    ]
    ids = summary.get("known_ids")
    if ids:
        lines.append(f"Coverage: {summary['coverage']}")
        lines.append(f"Known IDs: the file carried {ids['carried']}; GAS confirmed "
                     f"{ids['confirmed']}, added IDs to {ids['added']}, found other IDs for "
                     f"{ids['contradicted']}")
    lines += ["", "Region classes:"]
    lines += _table(summary["region_classes"]) or ["  (no gene model configured)"]
    if summary.get("consequences"):
        lines += ["", "Most severe consequence:", *_table(summary["consequences"])]
        lines += ["", "Impact:", *_table(summary["impacts"])]
        if summary.get("consequence_ref_mismatches"):
            lines.append(f"  REF differs from the reference sequence: "
                         f"{summary['consequence_ref_mismatches']} records")
    lines += ["", "Variants per chromosome:"]
    lines += _table(summary["chromosomes"]) or ["  (none)"]
    lines += ["", "Warnings:"]
    lines += [f"  - {w}" for w in summary["warnings"]] or ["  (none)"]
    lines += ["", f"Run time: {summary['runtime_seconds']:.2f} s", "", "Sources:"]
    lines += [f"  {s['file']}  sha256={s['sha256']}  names={','.join(s['names'])}"
              for s in summary["sources"]] or ["  (none)"]
    return "\n".join(lines) + "\n"


def _assembly_line(summary: dict) -> str:
    """Name the file's assembly and, when its records were lifted, the one annotated on."""
    own = summary.get("input_assembly") or summary["assembly"]
    line = f"Assembly: {own} ({summary['assembly_detected_from']})"
    if own != summary["assembly"]:
        line += f", annotated on {summary['assembly']}"
    return line


def _table(counts: dict[str, int]) -> list[str]:
    width = max((len(k) for k in counts), default=0)
    return [f"  {k.ljust(width)}  {v}" for k, v in counts.items()]
