"""The vcfanno-style sources.toml written next to each assembly's files."""

from __future__ import annotations

PROMOTER_WINDOW_BP = 2000  # upstream of the TSS that counts as promoter (contract default)


def sources_toml(assembly: str, has_cpg: bool) -> str:
    """Return the sources.toml text for one assembly's bundle folder."""
    parts = [
        f"# GAS default annotation sources for {assembly} (written by `python -m ann build-data`)",
        "",
        "[[annotation]]",
        'file = "dbsnp.vcf.gz"',
        'fields = ["ID"]',
        'names = ["ID"]',
        'ops = ["first"]',
        "",
        "[[annotation]]",
        'file = "genes.gtf.gz"',
        'fields = ["gene_name", "gene_id", "region"]',
        'names = ["GENE", "GENE_ID", "REGION"]',
        'ops = ["uniq", "uniq", "uniq"]',
        f"promoter_window = {PROMOTER_WINDOW_BP}",
    ]
    if has_cpg:
        parts += [
            "",
            "[[annotation]]",
            'file = "cpg_islands.bed.gz"',
            "columns = [4]",
            'names = ["CPG_ISLAND"]',
            'ops = ["flag"]',
        ]
    return "\n".join(parts) + "\n"
