"""Data files from a pinned Debian package: cached .deb unpacked, checksums enforced."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from ann.bundle.debian import DebianSpec, extract, locate
from ann.bundle.errors import BundleError
from ann.engine.checksum import sha256_file

MEMBER = "/usr/share/doc/gas-fixture/ref/20.fa.gz"


@pytest.fixture
def deb(tmp_path):
    """Build a small real .deb with dpkg-deb; return (spec, cache folder)."""
    root = tmp_path / "pkg"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(
        "Package: gas-fixture\nVersion: 1.0-1\nArchitecture: all\nMaintainer: GAS <gas@x>\n"
        "Description: fixture\n")
    data = root / MEMBER.lstrip("/")
    data.parent.mkdir(parents=True)
    data.write_bytes(b">20\nACGT\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    subprocess.run(["dpkg-deb", "-b", str(root), str(cache / "gas-fixture_1.0-1_all.deb")],
                   check=True, capture_output=True)
    spec = DebianSpec("gas-fixture", "1.0-1", sha256_file(cache / "gas-fixture_1.0-1_all.deb"),
                      "MIT", ((MEMBER, sha256_file(data)),))
    return spec, cache


def test_cached_deb_is_unpacked_and_its_members_checked(deb, tmp_path):
    spec, cache = deb
    located = locate(spec, cache)
    assert located == cache / spec.filename  # not installed here: the cached .deb
    how = extract(spec, located, tmp_path / "out")
    assert (tmp_path / "out" / "20.fa.gz").read_bytes() == b">20\nACGT\n"
    assert how == {"from": "apt-get download", "deb": spec.filename}


def test_member_with_another_checksum_is_refused(deb, tmp_path):
    spec, cache = deb
    wrong = dataclasses.replace(spec, members=((MEMBER, "0" * 64),))
    with pytest.raises(BundleError, match="does not have sha256"):
        extract(wrong, locate(wrong, cache), tmp_path / "out")


def test_missing_member_is_named(deb, tmp_path):
    spec, cache = deb
    missing = dataclasses.replace(spec, members=(("/usr/share/none", "0" * 64),))
    with pytest.raises(BundleError, match="lacks /usr/share/none"):
        extract(missing, locate(missing, cache), tmp_path / "out")
