"""Broken sources configurations are operator errors (ConfigError, exit status 1)."""

from __future__ import annotations

import pytest

from ann.engine import ConfigError, annotate_file

from .engine_fixtures import run_cli, vcf_text, write_sources


@pytest.mark.parametrize(("toml", "words"), [
    ("not toml [[", "cannot be read"),
    ("", "no [[annotation]]"),
    ('[[annotation]]\nfile = "missing.vcf.gz"\nfields=["ID"]\nnames=["ID"]\nops=["first"]\n',
     "does not exist"),
    ('[[annotation]]\nfile = "known.txt"\nfields=["ID"]\nnames=["ID"]\nops=["first"]\n',
     "is not .vcf.gz"),
    ('[[annotation]]\nfile = "known.vcf.gz"\nfields=["AF"]\nnames=["X"]\nops=["median"]\n',
     "not supported"),
    ('[[annotation]]\nfile = "known.vcf.gz"\nfields=["AF", "ID"]\nnames=["X"]\nops=["first"]\n',
     "differ in length"),
    ('[[annotation]]\nfile = "regions.bed.gz"\ncolumns=[0]\nnames=["X"]\nops=["first"]\n',
     "1-based"),
    ('[[annotation]]\nfile = "genes.gtf.gz"\nfields=["exon_number"]\nnames=["X"]\nops=["uniq"]\n',
     "gene model fields"),
    ('[[annotation]]\nfile = "regions.bed.gz"\ncolumns=[4]\nnames=["ID"]\nops=["first"]\n',
     "ID column"),
    ('[[postannotation]]\nfields=["a"]\nop="sum"\nname="b"\n', "postannotation"),
])
def test_broken_config(tmp_path, toml, words):
    config = write_sources(tmp_path / "src", toml)
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 100 . A G . . ."]))
    with pytest.raises(ConfigError) as caught:
        annotate_file(path, tmp_path / "o.vcf", config_path=config)
    assert words in str(caught.value)
    result = run_cli("annotate", str(path), "--config", str(config))
    assert result.returncode == 1 and words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "in.annot.vcf").exists()


def test_vcfanno_name_suffixes_set_the_type(tmp_path):
    config = write_sources(tmp_path / "src", (
        '[[annotation]]\nfile = "known.vcf.gz"\nfields=["AF", "AF"]\n'
        'names=["KAF_float", "HAS_AF_flag"]\nops=["first", "flag"]\n'))
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 100 . A G . . ."]))
    annotate_file(path, tmp_path / "o.vcf", config_path=config)
    text = (tmp_path / "o.vcf").read_text()
    assert "##INFO=<ID=KAF,Number=.,Type=Float" in text and "##INFO=<ID=HAS_AF,Number=0" in text
    assert text.rstrip().endswith("KAF=0.1;HAS_AF")
