"""GTF in, Transcript records out; Transcripts out as the GFF3 bcftools csq reads."""

from __future__ import annotations

import gzip
import io
import subprocess

from ann.engine.consequence.gff3 import write_gff3
from ann.engine.consequence.gtf import read_gtf

from . import synthetic as S

_ATTRS = 'gene_id "G1.1"; transcript_id "{tid}"; gene_type "protein_coding"; ' \
    'gene_name "GENEP"; transcript_type "{biotype}";{tags}'
_LINES = [  # (feature, start, end, phase, transcript, its type, tags): GENCODE's layout
    ("transcript", 201, 700, ".", "T1.1", "protein_coding", ' tag "MANE_Select"; tag "basic";'),
    ("exon", 201, 260, ".", "T1.1", "protein_coding", ' tag "MANE_Select"; tag "basic";'),
    ("CDS", 231, 260, "0", "T1.1", "protein_coding", ""),
    ("exon", 401, 460, ".", "T1.1", "protein_coding", ""),
    ("CDS", 401, 460, "0", "T1.1", "protein_coding", ""),
    ("exon", 601, 700, ".", "T1.1", "protein_coding", ""),
    ("CDS", 601, 627, "0", "T1.1", "protein_coding", ""),
    ("stop_codon", 628, 630, "0", "T1.1", "protein_coding", ""),
    ("exon", 2001, 2100, ".", "T2.1", "retained_intron", ""),
]
GENCODE_STYLE = "".join(
    f"chr7\tHAVANA\t{f}\t{s}\t{e}\t.\t+\t{p}\t"
    f"{_ATTRS.format(tid=t, biotype=b, tags=tags)}\n" for f, s, e, p, t, b, tags in _LINES)


def test_gtf_transcripts_include_the_stop_codon_and_tags(tmp_path):
    path = tmp_path / "genes.gtf.gz"
    with gzip.open(path, "wt") as out:
        out.write(GENCODE_STYLE)
    t1, t2 = read_gtf(path)
    assert (t1.transcript_id, t1.contig, t1.strand) == ("T1.1", "7", "+")
    assert t1.exons == ((201, 260), (401, 460), (601, 700))
    assert (t1.cds_start, t1.cds_end, t1.cds_phase) == (231, 630, 0)  # stop_codon added
    assert t1.tags == ("MANE_Select", "basic")
    assert (t1.biotype, t1.gene_type, t1.gene_name) == ("protein_coding", "protein_coding",
                                                        "GENEP")
    assert (t2.biotype, t2.coding) == ("retained_intron", False)
    assert read_gtf(path, ["chr1"]) == []


def test_gff3_gives_repeated_gene_ids_one_per_locus():
    far = S.TXN.__class__(**{**{f: getattr(S.TXN, f) for f in S.TXN.__slots__},
                             "transcript_id": "TXN2", "start": 8001, "end": 8100,
                             "exons": ((8001, 8100),)})
    coding_less = S.TXP.__class__(**{**{f: getattr(S.TXP, f) for f in S.TXP.__slots__},
                                     "transcript_id": "TXP_NC", "cds_start": 0, "cds_end": 0})
    out = io.StringIO()
    assert write_gff3([S.TXN, far, S.TXP, coding_less], out) == 3
    lines = out.getvalue().splitlines()
    genes = [line.split("\t")[8] for line in lines if "\tgene\t" in line]
    assert [g.split(";")[0] for g in genes] == ["ID=gene:GENEP_ID", "ID=gene:GENEN_ID",
                                               "ID=gene:GENEN_ID_2"]
    assert any("ID=transcript:TXP_NC;" in line and "biotype=processed_transcript" in line
               for line in lines)
    cds = [line.split("\t") for line in lines if "\tCDS\t" in line]
    assert [(c[3], c[4], c[7]) for c in cds] == [("231", "260", "0"), ("401", "460", "0"),
                                                 ("601", "630", "0")]


def test_bcftools_csq_reads_the_gff3(genome, tmp_path):
    reference, seq = genome
    gff = tmp_path / "genes.gff3"
    with open(gff, "w") as out:
        write_gff3(S.ALL, out, names={"7": "chr7"}, reference=reference)
    vcf = tmp_path / "in.vcf"
    plus, minus = S.cds_genomic(S.TXP, 4), S.cds_genomic(S.TXM, 4)
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr7,length=10000>\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   f"chr7\t{plus}\t.\t{seq[plus - 1]}\tG\t.\t.\t.\n"
                   f"chr7\t{minus}\t.\t{seq[minus - 1]}\tC\t.\t.\t.\n")
    done = subprocess.run(["bcftools", "csq", "-l", "-f", reference.path, "-g", str(gff),
                           str(vcf)], capture_output=True, text=True, check=True)
    calls = [line.split("\t")[7] for line in done.stdout.splitlines() if line[0] != "#"]
    assert calls == ["BCSQ=missense|GENEP|TXP|protein_coding|+|2K>2E|" + f"{plus}A>G",
                     "BCSQ=missense|GENEM|TXM|protein_coding|-|2K>2E|" + f"{minus}T>C"]
