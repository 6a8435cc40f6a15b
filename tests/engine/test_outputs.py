"""What a user sees in the outputs: VCF 3.3 converted, ##contig lines, file names, modes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from ann.engine import annotate_file

from .engine_fixtures import CHROM_LINE, info_of, read_records, run_cli, vcf_text

V33 = """\
##fileformat=VCFv3.3
##INFO=AA,1,String,"Ancestral Allele, ftp://example/README"
##INFO=DP,1,Integer,"Total Depth"
##INFO=HM2,0,Flag,"HapMap2 membership"
##FORMAT=GT,1,String,"Genotype"
##reference=GRCh37
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA1
chr1\t100\t.\tA\tG\t-1\t0\tAA=g;DP=12;HM2\tGT\t0/1
chr1\t1060\trs5\tA\tC\t30\t0\tAA=c;DP=3\tGT\t1/1
"""


def test_vcf33_is_written_as_vcf42_without_false_warnings(tmp_path, sources):
    path = tmp_path / "old.vcf"
    path.write_text(V33)
    summary = annotate_file(path, tmp_path / "out.vcf", config_path=sources)
    text = (tmp_path / "out.vcf").read_text()
    assert text.startswith("##fileformat=VCFv4.2\n")
    assert '##INFO=<ID=AA,Number=1,Type=String,Description="Ancestral Allele, ftp://example/' \
           'README">' in text
    assert '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">' in text
    assert "##INFO=AA," not in text
    assert not any("not declared" in w for w in summary["warnings"])
    recs = read_records(tmp_path / "out.vcf")
    assert [r[5:7] for r in recs] == [[".", "PASS"], ["30", "PASS"]]


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools is not installed")
def test_bcftools_reads_converted_vcf33_and_declared_contigs_without_warnings(tmp_path, sources):
    path = tmp_path / "old.vcf"
    path.write_text(V33.replace("chr1\t1060", "chrM\t1060").replace("chr1\t100", "chr1\t100"))
    annotate_file(path, tmp_path / "out.vcf", config_path=sources)
    result = subprocess.run(["bcftools", "view", str(tmp_path / "out.vcf")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "[W::" not in result.stderr, result.stderr


def test_contig_lines_are_declared_for_the_contigs_the_output_holds(tmp_path, sources):
    path = tmp_path / "in.vcf"
    path.write_text("##fileformat=VCFv4.2\n##reference=GRCh37\n" + CHROM_LINE +
                    "\nchr1\t100\t.\tA\tG\t.\t.\t.\nchr2\t50\t.\tT\tC\t.\t.\t.\n")
    annotate_file(path, tmp_path / "out.vcf", config_path=sources)
    contigs = [x for x in (tmp_path / "out.vcf").read_text().splitlines()
               if x.startswith("##contig")]
    assert contigs == ["##contig=<ID=chr1,length=249250621,assembly=GRCh37>",
                       "##contig=<ID=chr2,length=243199373,assembly=GRCh37>"]


def test_outputs_follow_the_umask(tmp_path, sources):
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 100 . A G . . ."]))
    old = os.umask(0o022)
    try:
        annotate_file(path, tmp_path / "out.vcf", config_path=sources,
                      log_path=tmp_path / "out.log", summary_path=tmp_path / "out.json")
    finally:
        os.umask(old)
    for name in ("out.vcf", "out.log", "out.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644, name


def test_the_users_file_name_replaces_the_temporary_path(tmp_path, sources):
    work = tmp_path / "gas-job-x1"
    work.mkdir()
    (work / "input.vcf").write_text(vcf_text(["chr1 100 . A G . . ."]))
    result = run_cli("annotate", str(work / "input.vcf"), "--config", str(sources),
                     "--input-name", "my sample.vcf")
    assert result.returncode == 0, result.stderr
    header = (work / "input.annot.vcf").read_text()
    command = next(x for x in header.splitlines() if x.startswith("##GAS_command="))
    assert "'my sample.vcf'" in command and "gas-job-x1" not in command
    assert (work / "input.vcf.count.log").read_text().startswith("GAS annotation of my sample.vcf")
    assert json.loads((work / "input.summary.json").read_text())["input_name"] == "my sample.vcf"
    summary = annotate_file(work / "input.vcf", work / "lib.vcf", config_path=sources,
                            input_name="my sample.vcf")
    assert summary["input_name"] == "my sample.vcf"
    lib = next(x for x in (work / "lib.vcf").read_text().splitlines() if "GAS_command" in x)
    assert "annotate_file('my sample.vcf', 'lib.vcf'" in lib and str(work) not in lib


GTF = """\
chr1\tT\tgene\t1000\t2000\t.\t+\t.\tgene_id "ENSGA"; gene_name "GA"; gene_type "protein_coding";
chr1\tT\ttranscript\t1000\t2000\t.\t+\t.\tgene_id "ENSGA"; transcript_id "ENSTA"; \
transcript_type "protein_coding"; tag "basic"; tag "MANE_Select";
chr1\tT\texon\t1000\t2000\t.\t+\t.\tgene_id "ENSGA"; transcript_id "ENSTA";
chr1\tT\tCDS\t1100\t1897\t.\t+\t0\tgene_id "ENSGA"; transcript_id "ENSTA";
chr1\tT\tstop_codon\t1898\t1900\t.\t+\t0\tgene_id "ENSGA"; transcript_id "ENSTA";
chr1\tT\tgene\t2200\t2400\t.\t+\t.\tgene_id "ENSGC"; gene_name "GC"; gene_type "lncRNA";
chr1\tT\ttranscript\t2200\t2400\t.\t+\t.\tgene_id "ENSGC"; transcript_id "ENSTC";
chr1\tT\texon\t2200\t2400\t.\t+\t.\tgene_id "ENSGC"; transcript_id "ENSTC";
chr1\tT\tgene\t2500\t3000\t.\t-\t.\tgene_id "ENSGB"; gene_name "GB"; gene_type "lncRNA";
chr1\tT\ttranscript\t2500\t3000\t.\t-\t.\tgene_id "ENSGB"; transcript_id "ENSTB"; \
transcript_type "lncRNA";
chr1\tT\texon\t2500\t3000\t.\t-\t.\tgene_id "ENSGB"; transcript_id "ENSTB";
chrM\tT\tgene\t1\t500\t.\t+\t.\tgene_id "ENSGM"; gene_name "MT-A"; gene_type "Mt_rRNA";
chrM\tT\ttranscript\t1\t500\t.\t+\t.\tgene_id "ENSGM"; transcript_id "ENSTM";
chrM\tT\texon\t1\t500\t.\t+\t.\tgene_id "ENSGM"; transcript_id "ENSTM";
chrM\tT\tgene\t800\t900\t.\t+\t.\tgene_id "ENSGN"; gene_name "MT-B"; gene_type "Mt_tRNA";
chrM\tT\ttranscript\t800\t900\t.\t+\t.\tgene_id "ENSGN"; transcript_id "ENSTN";
chrM\tT\texon\t800\t900\t.\t+\t.\tgene_id "ENSGN"; transcript_id "ENSTN";
"""
GENES_TOML = """\
[[annotation]]
file = "g.gtf.gz"
fields = ["gene_name", "region"]
names = ["GENE", "REGION"]
ops = ["uniq", "uniq"]
descriptions = ["gene name, GENCODE via a test", "region class by severity"]
promoter_window = 1000
"""


@pytest.fixture
def gene_config(tmp_path):
    from .engine_fixtures import tabix_source

    folder = tmp_path / "g"
    folder.mkdir()
    tabix_source(folder, "g.gtf", GTF, "gff")
    (folder / "g.toml").write_text(GENES_TOML)
    return folder / "g.toml"


def test_region_classes_in_severity_order_and_no_promoter_on_mt(tmp_path, gene_config):
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 1500 . A G . . .",  # CDS of GA, promoter of GC
                              "chr1 3500 . A G . . .",  # promoter of GB only
                              "chrM 700 . A G . . ."]))  # would be MT-B's promoter: none on MT
    summary = annotate_file(path, tmp_path / "o.vcf", config_path=gene_config)
    recs = read_records(tmp_path / "o.vcf")
    assert info_of(recs[0]) == {"GENE": "GA", "REGION": "CDS,promoter"}
    assert info_of(recs[1]) == {"GENE": "GB", "REGION": "promoter"}
    assert info_of(recs[2]) == {"REGION": "intergenic"}
    assert summary["region_classes"] == {"CDS": 1, "promoter": 1, "intergenic": 1}
    text = (tmp_path / "o.vcf").read_text()
    assert 'Description="gene name, GENCODE via a test"' in text


def test_transcript_store_yields_transcript_records(tmp_path, gene_config):
    from ann.engine.config import load_config
    from ann.engine.sources.transcripts import TranscriptStore
    from ann.engine.store.locate import open_store

    spec = load_config(gene_config)[0]
    store = TranscriptStore(open_store(spec))
    near = store.transcripts_overlapping("1", 1500, 1500)
    assert [t.transcript_id for t in near] == ["ENSTA", "ENSTC", "ENSTB"]  # all within 5 kb
    ta = near[0]
    assert (ta.gene_id, ta.gene_name, ta.biotype, ta.strand) == ("ENSGA", "GA",
                                                                 "protein_coding", "+")
    assert (ta.cds_start, ta.cds_end, ta.exons) == (1100, 1900, ((1000, 2000),))  # stop included
    assert ta.tags == ("basic", "MANE_Select") and ta.coding
    assert store.transcripts_overlapping("1", 9000, 9000) == []  # 7 kb from GB's end
    assert store.transcripts_overlapping("1", 7900, 8100)[0].transcript_id == "ENSTB"
    assert store.transcripts_overlapping("22", 1, 10) == []


def test_a_per_record_source_plugs_into_the_chunk_pipeline(tmp_path, gene_config, monkeypatch):
    from ann.engine.sources import build
    from ann.engine.sources.per_record import PerRecordSource
    from ann.engine.sources.transcripts import TranscriptStore

    class NearestTranscript(PerRecordSource):
        """A toy consequence source: the transcripts near each record."""

        name = b"NEAR"
        label_names = ("impacts",)

        def __init__(self, store):
            self.transcripts = TranscriptStore(store)

        def value(self, contig, pos, end, ref, alts):
            near = self.transcripts.transcripts_overlapping(contig, pos, end)
            return b"|".join(t.transcript_id.encode() for t in near) or None

        def labels(self, value):
            return ("MODIFIER",)

    opened = build.open_sources

    def with_toy(plan):
        from ann.engine.store.files import Store, read_meta

        return [*opened(plan), NearestTranscript(Store(plan.stores[0],
                                                        read_meta(plan.stores[0])))]

    monkeypatch.setattr(build, "open_sources", with_toy)
    monkeypatch.setattr("ann.engine.records.open_sources", with_toy)
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 1500 . A G . . .", "chr1 20000 . A G . . ."]))
    summary = annotate_file(path, tmp_path / "o.vcf", config_path=gene_config)
    recs = read_records(tmp_path / "o.vcf")
    assert info_of(recs[0])["NEAR"] == "ENSTA|ENSTC|ENSTB" and "NEAR" not in info_of(recs[1])
    assert summary["impacts"] == {"MODIFIER": 1}
