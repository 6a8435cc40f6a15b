"""A small genome built by hand: one coding transcript per strand and a non-coding one.

Both coding transcripts have the same layout in transcript order (so each expectation can be
read off the tables below for either strand): exon 1 = 30 bp 5' UTR + codons 1-10, intron 1
(140 bp, GT...AG), exon 2 = codons 11-30, intron 2 (140 bp), exon 3 = codons 31-40 (the last
is TAA) + 70 bp 3' UTR starting GGTTAAGTGA. cDNA: exon 1 is 1-60, exon 2 61-120, exon 3 121-220;
the CDS is cDNA 31-150, c.1 = cDNA 31.

Plus strand (TXP): exons 201-260, 401-460, 601-700; CDS 231-630.
Minus strand (TXM): exons 1641-1700 (exon 1), 1441-1500, 1201-1300; CDS 1271-1670.
Non-coding (TXN, plus): exons 2001-2100, 2201-2300. The contig is 10,000 bp, named chr7 in the
FASTA (the transcripts use the normalised key 7).
"""

from __future__ import annotations

import random
from pathlib import Path

import pysam

from ann.engine.consequence.sequence import revcomp
from ann.engine.transcript import Transcript

LENGTH = 10_000
CODONS = ("ATG AAA CTG CAG GAA AAG TGG GCT TCT GGC "  # exon 1: M K L Q E K W A S G
          "GAG GAG GAG CCT CGT ACC GTT ACC GTT ACC GTT ACC GTT ACC GTT ACC GTT ACC GTT ACC "
          "TTC ATC TAC CAC AAC GAC TGC ATG CGC TAA").split()  # exon 3: F I Y H N D C M R *
PROTEIN = "MKLQEKWASGEEEPRTVTVTVTVTVTVTVTFIYHNDCMR"
UTR5 = "GCGCTTCGCGTCCGGCTCGCTTCGCCGCAC"  # 30 bp, no ATG
UTR3 = "GGTTAAGTGA" + "GCCTCGGTCGCTCC" * 4 + "GCCT"  # 70 bp; TGA ends a -1 frameshift


def _intron(rng: random.Random) -> str:
    """140 bp: GT, filler, a pyrimidine tract, AG."""
    body = "".join(rng.choice("ACGT") for _ in range(120))
    return "GT" + body + "TTCTCTTCCCTTTTCC"[:16] + "AG"


def transcript_order_sequence(rng: random.Random) -> str:
    """Return the coding transcripts' pre-mRNA in transcript order (exon 1 to exon 3)."""
    cds = "".join(CODONS)
    return (UTR5 + cds[:30] + _intron(rng) + cds[30:90] + _intron(rng) + cds[90:] + UTR3)


def genome(rng: random.Random) -> str:
    """Return the contig: filler with the three transcripts written in."""
    seq = list("".join(rng.choice("ACGT") for _ in range(LENGTH)))
    plus = transcript_order_sequence(rng)
    seq[200:700] = plus
    seq[1200:1700] = revcomp(transcript_order_sequence(rng))
    return "".join(seq)


def write_reference(folder: Path, seed: int = 7) -> tuple[Path, str]:
    """Write the genome as BGZF FASTA (.fai, .gzi) named chr7; return (path, sequence)."""
    seq = genome(random.Random(seed))
    plain = folder / "genome.fa"
    plain.write_text(">chr7 synthetic\n" + "\n".join(seq[i:i + 60]
                                                   for i in range(0, len(seq), 60)) + "\n")
    gz = folder / "genome.fa.gz"
    pysam.tabix_compress(str(plain), str(gz), force=True)
    pysam.faidx(str(gz))
    return gz, seq


TXP = Transcript("TXP", "GENEP_ID", "GENEP", "protein_coding", "7", "+", 201, 700,
                 ((201, 260), (401, 460), (601, 700)), 231, 630, gene_type="protein_coding")
TXM = Transcript("TXM", "GENEM_ID", "GENEM", "protein_coding", "7", "-", 1201, 1700,
                 ((1201, 1300), (1441, 1500), (1641, 1700)), 1271, 1670,
                 gene_type="protein_coding")
TXN = Transcript("TXN", "GENEN_ID", "GENEN", "lincRNA", "7", "+", 2001, 2300,
                 ((2001, 2100), (2201, 2300)), gene_type="lincRNA")
ALL = (TXP, TXM, TXN)


def genomic(tx: Transcript, cdna: int) -> int:
    """Return the genomic position of a cDNA position of TXP or TXM (the shared layout)."""
    exons = tx.exons if tx.strand == "+" else tx.exons[::-1]
    for s, e in exons:
        length = e - s + 1
        if cdna <= length:
            return s + cdna - 1 if tx.strand == "+" else e - cdna + 1
        cdna -= length
    raise ValueError("past the transcript")


def cds_genomic(tx: Transcript, cds: int) -> int:
    """Return the genomic position of a CDS position (c.N) of TXP or TXM."""
    return genomic(tx, cds + 30)
