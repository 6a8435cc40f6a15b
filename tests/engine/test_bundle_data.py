"""The engine on the real data bundle (skipped when `python -m ann build-data` has not run)."""

from __future__ import annotations

import pysam
import pytest

from ann.engine import annotate_file, default_data_dir

from .engine_fixtures import info_of, read_records

BUNDLE = default_data_dir()
pytestmark = pytest.mark.skipif(
    not (BUNDLE / "GRCh38" / "sources.toml").is_file(),
    reason=f"no data bundle at {BUNDLE} (run `python -m ann build-data`)",
)


def _first_known(assembly: str) -> list[str]:
    with pysam.TabixFile(str(BUNDLE / assembly / "dbsnp.vcf.gz")) as known:
        contig = known.contigs[0]
        return next(iter(known.fetch(contig))).split("\t")


def test_grch38_bundle_gives_ids_genes_and_regions(tmp_path):
    chrom, pos, rsid, ref, alt = _first_known("GRCh38")[:5]
    assert chrom == "chr1" and int(pos) < 1_000_000
    lines = [f"{chrom}\t{pos}\t.\t{ref}\t{alt.split(',')[0]}\t.\t.\t."]
    lines += [f"chr{c}\t1000000\t.\tA\tG\t.\t.\t." for c in ("1", "2", "X")]
    lines.append("chrM\t3000\t.\tA\tG\t.\t.\t.")  # inside MT-RNR2
    path = tmp_path / "in.vcf"
    path.write_text("##fileformat=VCFv4.2\n##reference=GRCh38\n"
                    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "\n".join(lines) + "\n")
    summary = annotate_file(path, tmp_path / "out.vcf")
    records = read_records(tmp_path / "out.vcf")
    assert summary["assembly"] == "GRCh38" and summary["total_variants"] == len(lines)
    assert records[0][2] == rsid and summary["in_dbsnp"] >= 1
    assert all("REGION" in info_of(r) for r in records)
    assert sum(summary["region_classes"].values()) == len(lines)
    assert info_of(records[-1]).get("GENE") == "MT-RNR2"
