"""A small annotated result in the engine's layout with VEP-style INFO/CSQ and 1000 Genomes
frequencies (the bundle's config does not write CSQ yet, so the fixture carries it)."""

from __future__ import annotations

CSQ_FORMAT = ("Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|"
              "HGVSc|HGVSp|cDNA_position|CDS_position|Protein_position|Amino_acids|Codons")
HEADER = (
    "##fileformat=VCFv4.2\n"
    '##INFO=<ID=GENE,Number=.,Type=String,Description="gene name">\n'
    '##INFO=<ID=REGION,Number=.,Type=String,Description="region class">\n'
    '##INFO=<ID=AF_1KG,Number=A,Type=Float,Description="ALT allele frequency, 1000 Genomes">\n'
    '##INFO=<ID=AF_1KG_EUR,Number=A,Type=Float,Description="ALT allele frequency, EUR">\n'
    f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from GAS. '
    f'Format: {CSQ_FORMAT}">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)


def csq(allele: str, terms: str, impact: str, symbol: str) -> str:
    """One CSQ entry (17 fields) for a transcript of `symbol`."""
    return "|".join([allele, terms, impact, symbol, "ENSG0001", "Transcript", "ENST0001",
                     "protein_coding", "", "", "", "", "", "", "", "", ""])


ROWS = [
    ("MT", 3400, "rs2691305", "A", "G", "GENE=MT-ND1;REGION=CDS;AF_1KG=0.25;AF_1KG_EUR=0.5;CSQ="
     + csq("G", "missense_variant", "MODERATE", "MT-ND1")),
    ("1", 752566, "rs3094315", "G", "A", "GENE=LINC01128;REGION=intron;AF_1KG=0.8;CSQ="
     + csq("A", "intron_variant", "MODIFIER", "LINC01128")),
    ("1", 900000, ".", "C", "CT", "GENE=KLHL17,PLEKHN1;REGION=CDS,intron;CSQ="
     + csq("CT", "frameshift_variant", "HIGH", "KLHL17") + ","
     + csq("CT", "intron_variant", "MODIFIER", "PLEKHN1")),
    ("2", 5000, "rs26913050", "T", "C", "GENE=ND10X;REGION=intergenic;CSQ="
     + csq("C", "intergenic_variant", "MODIFIER", "")),
    ("20", 68351, "=HYPERLINK(x)", "A", "G", "GENE=DEFB125;REGION=CDS;CSQ="
     + csq("G", "splice_region_variant&synonymous_variant", "LOW", "DEFB125")),
]
SUMMARY = {
    "total_variants": 5, "in_dbsnp": 3, "in_dbsnp_pct": 60.0,
    "region_classes": {"CDS": 3, "intron": 2, "intergenic": 1},
    "consequences": {"frameshift_variant": 1, "missense_variant": 1, "synonymous_variant": 1,
                     "intron_variant": 1, "intergenic_variant": 1},
    "impacts": {"HIGH": 1, "MODERATE": 1, "LOW": 1, "MODIFIER": 2},
    "chromosomes": {"1": 2, "2": 1, "20": 1, "MT": 1}, "warnings": [],
}


def result_vcf() -> str:
    """The fixture's annotated VCF text."""
    return HEADER + "".join(f"{c}\t{p}\t{i}\t{r}\t{a}\t50\tPASS\t{info}\n"
                            for c, p, i, r, a, info in ROWS)


def install(s3, settings, job: dict) -> dict:
    """Replace a COMPLETED test job's result and summary with the fixture's."""
    import json

    s3.put_object(Bucket=settings.results_bucket, Key=job["s3_key_result_file"],
                  Body=result_vcf())
    s3.put_object(Bucket=settings.results_bucket, Key=job["s3_key_summary_file"],
                  Body=json.dumps(SUMMARY))
    return job
