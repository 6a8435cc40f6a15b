"""The engine, given no --config, annotates against the real bundle (GRCh37 and GRCh38)."""

import os
import subprocess
import sys

import pytest

HEADER = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
# (contig, pos, ref, alt) → expected ID and INFO items; contigs without "chr" and MT, as
# course samples name them (the engine maps them to the bundle's chr names).
GRCH37 = [
    (("17", 7577120, "C", "T"), ".", {"GENE": "TP53", "GENE_ID": "ENSG00000141510",
                                      "REGION": "CDS"}),  # TP53 R273H
    # rs3094315 (HapMap3; hg18 742429 lifts here); peddy's first 1000 Genomes site, 1:69761
    # A>T, with its counted frequency (DATA.md: 0.037).
    (("1", 752566, "A", "G"), "rs3094315", {}),
    (("1", 69761, "A", "T"), ".", {"AF_1KG": "0.0367"}),
    (("17", 41196400, "A", "G"), ".", {"GENE": "BRCA1", "REGION": "3_UTR"}),
    (("17", 7591500, "A", "G"), ".", {"GENE": "WRAP53", "CPG_ISLAND": ""}),
    (("22", 16000000, "A", "G"), ".", {"REGION": "intergenic"}),
    (("22", 50301476, "T", "C"), "rs8135963", {"GENE": "ALG12", "REGION": "CDS"}),
    (("MT", 3400, "A", "G"), ".", {"GENE": "MT-ND1"}),
]
GRCH38 = [
    (("chr17", 7673802, "C", "T"), ".", {"GENE": "TP53", "GENE_ID": "ENSG00000141510.18",
                                         "REGION": "CDS"}),  # TP53 R273H on GRCh38
    (("chr22", 49907828, "T", "C"), "rs8135963", {"GENE": "ALG12"}),
    (("chrM", 3400, "A", "G"), ".", {"GENE": "MT-ND1", "GENE_ID": "ENSG00000198888.2"}),
]


def _annotate(bundle, tmp_path, assembly: str, rows) -> dict:
    """Write a VCF of `rows`, annotate it with the default bundle, return site → (ID, INFO)."""
    vcf = tmp_path / "in.vcf"
    lines = ["##fileformat=VCFv4.2\n", f"##reference={assembly}\n", HEADER]
    sites = sorted((site for site, _, _ in rows), key=lambda s: (s[0], s[1]))
    lines += [f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for c, p, r, a in sites]
    vcf.write_text("".join(lines))
    out = tmp_path / "in.annot.vcf"
    env = {**os.environ, "GAS_ANNOTATION_DATA": str(bundle)}
    done = subprocess.run([sys.executable, "-m", "ann", "annotate", str(vcf), "-o", str(out),
                           "--assembly", assembly], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = {}
    for line in out.read_text().splitlines():
        if not line.startswith("#"):
            cols = line.split("\t")
            info = dict((item.split("=", 1) + [""])[:2] for item in cols[7].split(";"))
            found[(cols[0], int(cols[1]))] = (cols[2], info)
    return found


@pytest.mark.parametrize(("assembly", "rows"), [("GRCh37", GRCH37), ("GRCh38", GRCH38)])
def test_known_sites_genes_and_regions_come_from_the_bundle(real_bundle, tmp_path, assembly,
                                                            rows):
    found = _annotate(real_bundle, tmp_path, assembly, rows)
    for (chrom, pos, _, _), rsid, expected in rows:
        got_id, info = found[(chrom, pos)]
        assert got_id == rsid, (chrom, pos)
        for key, value in expected.items():
            assert key in info, (chrom, pos, key)
            if key in ("GENE", "REGION"):
                assert value in info[key].split(","), (chrom, pos, key, info[key])
            else:
                assert info[key] == value, (chrom, pos, key)
