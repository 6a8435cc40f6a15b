"""Assembly words inside file names and paths, the course samples' headers, and lifting choices."""

from __future__ import annotations

import io

import pytest

from ann.engine import UnsupportedAssemblyError
from ann.engine.assembly import CHROMOSOME_LENGTHS, alias, choose, detect
from ann.engine.header import Header, read_header
from ann.engine.vcf_reader import VcfReader

from .engine_fixtures import CHROM_LINE

# premium_2.vcf's GATK command line, copied verbatim: the reference is named only here, and
# an hg19 interval file is named in it too.
UNIFIED_GENOTYPER = (
    '##UnifiedGenotyper="analysis_type=UnifiedGenotyper input_file=[T1_markdup.bam, '
    "T2_markdup.bam, T3_markdup.bam] sample_metadata=[] read_buffer_size=null "
    "phone_home=STANDARD read_filter=[] intervals=[/work/bio/resources/"
    "SureSelect_All_Exon_G3362_with_names_v2_hg19.nochr.bed] excludeIntervals=null "
    "reference_sequence=/work/bio/resources/human_g1k_v37.fasta rodBind=[] "
    "rodToIntervalTrackName=null BTI_merge_rule=UNION nonDeterministicRandomSeed=false "
    "DBSNP=/work/bio/resources/dbsnp_129_b37.rod downsampling_type=null "
    'genotype_likelihoods_model=SNP p_nonref_model=EXACT annotation=[]"'
)


def header(*meta: str) -> Header:
    """Parse a header made of these meta lines and the #CHROM line."""
    text = "##fileformat=VCFv4.0\n" + "".join(m + "\n" for m in meta) + CHROM_LINE + "\n"
    return read_header(VcfReader(io.BytesIO(text.encode())))


@pytest.mark.parametrize(("meta", "assembly", "evidence"), [
    # The course samples' own header lines (../shared/samples), copied here.
    ("##reference=human_b36_both.fasta", "NCBI36", "##reference"),  # premium_1, premium_3
    ("##reference=1000GenomesPilot-NCBI36 ", "NCBI36", "##reference"),  # free_2 (trailing space)
    (UNIFIED_GENOTYPER, "GRCh37", "reference file in ##UnifiedGenotyper"),  # premium_2
    ("##reference=rCRS", None, ""),  # test.vcf, free_1: the mitochondrion alone
    # Other names seen in the wild.
    ("##reference=file:///data/hs37d5.fa.gz", "GRCh37", "##reference"),
    ("##reference=/ref/Homo_sapiens_assembly38.fasta", "GRCh38", "##reference"),
    ("##reference=GRCh38_gencode_v37.fa", "GRCh38", "##reference"),
    ("##reference=human_b36_male.fa", "NCBI36", "##reference"),
    ('##source_20240101.1=bcftools mpileup -f /refs/ucsc.hg19.fasta in.bam', "GRCh37",
     "reference file in ##source_20240101.1"),
    ("##reference=GRCm38", None, ""),  # mouse: no human assembly word
    ("##reference=NCBIM37", None, ""),
])
def test_assembly_words_inside_names_and_paths(meta, assembly, evidence):
    assert detect(header(meta)) == (assembly, evidence)


def test_a_bed_named_in_a_command_line_is_not_a_reference():
    line = '##tool="run intervals=/res/exome_v2_hg19.bed"'
    assert detect(header(line)) == (None, "")


@pytest.mark.parametrize("text", ["xb36", "hg180", "phb37", "GRCh370", "sub36", "v37"])
def test_assembly_words_need_their_edges(text):
    assert alias(text) is None


def test_rcrs_reference_picks_the_default_without_a_warning():
    chosen = choose(header("##reference=rCRS"), None)
    assert (chosen.name, chosen.warnings, chosen.lifted) == ("GRCh37", (), False)
    assert chosen.detected_from.startswith("rCRS mitochondrion")


def test_ncbi36_is_lifted_to_grch37_when_liftover_is_on():
    chosen = choose(header("##reference=human_b36_both.fasta"), None, liftover=True)
    assert (chosen.name, chosen.lift_from, chosen.detected_from) == (
        "GRCh37", "NCBI36", "##reference")


def test_ncbi36_is_refused_when_liftover_is_off():
    with pytest.raises(UnsupportedAssemblyError, match="NCBI36.*lifting is switched off"):
        choose(header("##reference=human_b36_both.fasta"), None, liftover=False)


def test_forcing_grch37_on_an_ncbi36_file_annotates_it_unlifted_with_a_warning():
    chosen = choose(header("##reference=human_b36_both.fasta"), "GRCh37", liftover=True)
    assert (chosen.name, chosen.lifted) == ("GRCh37", False)
    assert "looks like NCBI36" in chosen.warnings[0]


def test_forcing_ncbi36_on_an_undetectable_file_lifts_it():
    chosen = choose(header(), "NCBI36", liftover=True)
    assert (chosen.name, chosen.lift_from, chosen.warnings) == ("GRCh37", "NCBI36", ())


@pytest.mark.parametrize(("meta", "lift_to", "name", "lift_from"), [
    ("##reference=GRCh37", "GRCh38", "GRCh38", "GRCh37"),
    ("##reference=GRCh38", "GRCh37", "GRCh37", "GRCh38"),
    ("##reference=GRCh38", "GRCh38", "GRCh38", None),  # already there: nothing to lift
])
def test_lift_on_request_between_grch37_and_grch38(meta, lift_to, name, lift_from):
    chosen = choose(header(meta), None, lift_to=lift_to)
    assert (chosen.name, chosen.lift_from) == (name, lift_from)


def test_unknown_lift_target_is_refused():
    with pytest.raises(ValueError, match="lift target"):
        choose(header(), None, lift_to="NCBI36")


def test_one_table_of_lengths_feeds_detection_and_the_bundle():
    from ann.bundle.contigs import CONTIGS
    assert CONTIGS["GRCh37"]["chr20"] == CHROMOSOME_LENGTHS["GRCh37"]["20"] == 63025520
    assert CONTIGS["GRCh38"]["chrM"] == CHROMOSOME_LENGTHS["GRCh38"]["MT"] == 16569
    assert "MT" not in CHROMOSOME_LENGTHS["NCBI36"]
    line = f"##contig=<ID=chr1,length={CHROMOSOME_LENGTHS['NCBI36']['1']}>"
    assert detect(header(line)) == ("NCBI36", "##contig lengths")
