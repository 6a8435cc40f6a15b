"""The vcfanno-style sources.toml written next to each assembly's files."""

from __future__ import annotations

from ann.bundle.assemblies import AssemblySpec

PROMOTER_WINDOW_BP = 2000  # upstream of the TSS that counts as promoter (contract default)


def sources_toml(spec: AssemblySpec, has_cpg: bool) -> str:
    """Return the sources.toml text for one assembly's bundle folder.

    Each table's `descriptions` (a GAS extension) become the ##INFO Descriptions: what the
    value is and where it comes from, with the data release.
    """
    assembly = spec.name
    release = f"{spec.genome.name} {spec.genome.version}"
    ids = (f"GENCODE v44 gene id via {spec.gene_ids.name} {spec.gene_ids.version} (the gene "
           "name where none matched)" if spec.gene_ids else
           f"gene name (GENCODE via {release} carries no gene ids)")
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
        f'descriptions = ["gene name, GENCODE via {release}", "{ids}", '
        f'"region class (CDS, 5_UTR, 3_UTR, noncoding_exon, intron, promoter: '
        f'{PROMOTER_WINDOW_BP} bp upstream; intergenic) by severity, GENCODE via {release}"]',
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
            f'descriptions = ["in a CpG island (UCSC cpgIslandExt via {release})"]',
        ]
    return "\n".join(parts) + "\n"
