"""Data files from a pinned Debian package: the installed copy, or `apt-get download` + unpack.

No root is needed: `apt-get download` writes the .deb into the package cache and its members
are read from `dpkg-deb --fsys-tarfile`. When the package is installed and its files carry the
pinned checksums, they are read from the file system instead.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ann.bundle.errors import BundleError
from ann.engine.checksum import sha256_file

log = logging.getLogger(__name__)

APT_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class DebianSpec:
    """One pinned Debian package and the data members the bundle reads from it."""

    name: str
    version: str
    sha256: str  # of the .deb
    licence: str  # from debian/copyright (a .deb carries no machine-readable licence field)
    members: tuple[tuple[str, str], ...]  # (absolute path in the package, sha256)

    @property
    def filename(self) -> str:
        """The .deb's name as apt-get download writes it (epoch-free versions only)."""
        return f"{self.name}_{self.version}_all.deb"


VT_EXAMPLES = DebianSpec(
    "vt-examples", "0.57721+ds-3",
    "277c0ef50f4cda40f2dd837f90b6d837155ecd5b8889797683fe63375b017b56", "MIT",
    (("/usr/share/doc/vt/examples/ref/20.fa.gz",
      "83c80b3fb23822ff0a66f26306e46f5db3c83d48fcff68bcddc353a3d8ef581b"),
     ("/usr/share/doc/vt/examples/ref/20.fa.gz.fai",
      "9d25ad9f68b9deeff4a681d2315930ed3ac8a788d873e6fcf9e91c1c1755cabd"),
     ("/usr/share/doc/vt/examples/ref/20.fa.gz.gzi.gz",
      "6ca284e4a1d18141d0a1e83e8ba06070abeed8a1478c516d7204a585e9fb65dd")),
)


INSTALLED = Path("/")


def locate(spec: DebianSpec, cache_dir: Path) -> Path:
    """Return / when the package is installed with the pinned files, else the cached .deb."""
    if all(_installed_ok(path, digest) for path, digest in spec.members):
        return INSTALLED
    return _fetch_deb(spec, cache_dir)


def extract(spec: DebianSpec, located: Path, out: Path) -> dict[str, str | None]:
    """Copy the data members (from `locate`) into `out` by base name; say where from."""
    out.mkdir(parents=True, exist_ok=True)
    if located == INSTALLED:
        for path, digest in spec.members:
            _copy(Path(path), out / Path(path).name)
            if sha256_file(out / Path(path).name) != digest:
                raise BundleError(f"{path} changed while it was copied")
        return {"from": "installed package", "deb": None}
    _unpack(spec, located, out)
    return {"from": "apt-get download", "deb": located.name}


def _installed_ok(path: str, digest: str) -> bool:
    """Whether an installed file exists with the pinned checksum."""
    return Path(path).is_file() and sha256_file(Path(path)) == digest


def _copy(src: Path, dst: Path) -> None:
    """Copy a file in 1 MiB blocks."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for block in iter(lambda: fin.read(1 << 20), b""):
            fout.write(block)


def _fetch_deb(spec: DebianSpec, cache_dir: Path) -> Path:
    """Return the cached .deb, downloading it with apt-get unless cached intact."""
    target = cache_dir / spec.filename
    if target.is_file() and sha256_file(target) == spec.sha256:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("downloading %s=%s with apt-get into %s", spec.name, spec.version, cache_dir)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        result = _apt_download(spec, tmp)
        if result.returncode != 0 and os.geteuid() == 0:
            # A fresh machine may have no package lists yet; root can fetch them once.
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True,
                           timeout=APT_TIMEOUT_SECONDS, check=False)
            result = _apt_download(spec, tmp)
        downloaded = Path(tmp) / spec.filename
        if result.returncode != 0 or not downloaded.is_file():
            raise BundleError(f"apt-get download {spec.name}={spec.version} failed "
                              f"({result.stderr.strip()[-300:]}); run `apt-get update` first")
        if sha256_file(downloaded) != spec.sha256:
            raise BundleError(f"apt-get delivered {spec.filename} without sha256 {spec.sha256}")
        downloaded.replace(target)
    return target


def _apt_download(spec: DebianSpec, folder: str) -> subprocess.CompletedProcess:
    """Run apt-get download for the pinned version in `folder`."""
    try:
        return subprocess.run(["apt-get", "download", f"{spec.name}={spec.version}"],
                              cwd=folder, capture_output=True, text=True,
                              timeout=APT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BundleError(f"apt-get download {spec.name} could not run: {exc}") from exc


def _unpack(spec: DebianSpec, deb: Path, out: Path) -> None:
    """Stream the .deb's file system tar and write the wanted members, checking each."""
    wanted = {f".{path}": (Path(path).name, digest) for path, digest in spec.members}
    try:
        proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise BundleError(f"dpkg-deb could not run: {exc}") from exc
    found = set()
    with proc, tarfile.open(fileobj=proc.stdout, mode="r|") as tf:
        for info in tf:
            if info.name in wanted and info.isfile():
                name, _ = wanted[info.name]
                with open(out / name, "wb") as fout:
                    fout.write(tf.extractfile(info).read())
                found.add(info.name)
        proc.stdout.read()  # drain the archive's tail so dpkg-deb is not cut off mid-write
    if proc.returncode != 0:
        raise BundleError(f"dpkg-deb --fsys-tarfile {deb.name} failed")
    for member, (name, digest) in wanted.items():
        if member not in found:
            raise BundleError(f"{deb.name} lacks {member[1:]}")
        if sha256_file(out / name) != digest:
            raise BundleError(f"{deb.name}: {member[1:]} does not have sha256 {digest}")
