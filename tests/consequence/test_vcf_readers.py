"""GAS's CSQ is read by the tools that read VEP's: bcftools +split-vep here."""

from __future__ import annotations

import subprocess

from ann.engine.consequence import EXTRA_FIELDS, FIELDS, consequences, csq_header_line

from . import synthetic as S


def _vcf(tmp_path, genome) -> str:
    reference, seq = genome
    lines = ["##fileformat=VCFv4.2", "##contig=<ID=chr7,length=10000>",
             csq_header_line(source="synthetic genes"),
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    for pos in (S.cds_genomic(S.TXP, 10), 2050, 9000):
        ref = seq[pos - 1]
        alt = "T" if ref != "T" else "G"
        value = consequences("7", pos, ref, [alt], S.ALL, reference).value.decode()
        lines.append(f"chr7\t{pos}\t.\t{ref}\t{alt}\t.\t.\tCSQ={value}")
    path = tmp_path / "csq.vcf"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_split_vep_lists_the_fields_in_veps_order(tmp_path, genome):
    done = subprocess.run(["bcftools", "+split-vep", "-l", _vcf(tmp_path, genome)],
                          capture_output=True, text=True, check=True)
    fields = [line.split("\t")[1] for line in done.stdout.splitlines()]
    assert fields == list(FIELDS + EXTRA_FIELDS)


def test_split_vep_picks_the_worst_consequence_per_record(tmp_path, genome):
    done = subprocess.run(["bcftools", "+split-vep", "-s", "worst", "-f",
                           "%POS %Consequence %SYMBOL %IMPACT\n", _vcf(tmp_path, genome)],
                          capture_output=True, text=True, check=True)
    rows = [line.split(" ") for line in done.stdout.splitlines()]
    assert [r[1] for r in rows] == ["stop_gained", "non_coding_transcript_exon_variant",
                                    "intergenic_variant"]
    assert rows[0][2:] == ["GENEP", "HIGH"]


def test_header_description_ends_with_veps_format():
    line = csq_header_line()
    assert line.startswith("##INFO=<ID=CSQ,Number=.,Type=String,Description=\"")
    assert line.endswith("Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|"
                         "BIOTYPE|EXON|INTRON|HGVSc|HGVSp|cDNA_position|CDS_position|"
                         "Protein_position|Amino_acids|Codons|DISTANCE|STRAND|FLAGS|MANE\">")
