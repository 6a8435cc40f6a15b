"""`python -m ann add-source FILE`: add a lab's own VCF or BED to an assembly's bundle.

The file (full dbSNP, gnomAD, ClinVar, a CADD-style BED...) is streamed into
`<bundle>/<assembly>/added/<label>.{vcf,bed}.gz` (contig names normalised, multi-allelic
records split, sort order checked, tabix index), prepared for the engine, recorded with row
counts and checksums in the manifest, and given an [[annotation]] entry in the assembly's
sources.toml. Running it again with the same file and options changes nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path

from ann.bundle.added import ADDED
from ann.bundle.assemblies import ASSEMBLIES
from ann.bundle.bundle import MANIFEST, default_bundle_dir, read_manifest
from ann.bundle.errors import BundleError
from ann.bundle.normalise import Progress, normalise_bed, normalise_vcf
from ann.engine.checksum import sha256_file
from ann.engine.config import load_config
from ann.engine.errors import ConfigError
from ann.engine.ops import OPS
from ann.engine.store.files import read_meta
from ann.engine.store.known import info_meta
from ann.engine.store.locate import beside_path, build_store
from ann.engine.store.text import header_lines

_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ann add-source", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="VCF or BED (plain, gzip or bgzip)")
    parser.add_argument("--assembly", choices=list(ASSEMBLIES), required=True)
    parser.add_argument("--label", help="short name (default: the file's stem)")
    parser.add_argument("--fields", default="",
                        help="VCF: comma-separated INFO keys to copy (ID: the ID column)")
    parser.add_argument("--columns", default="4", help="BED: comma-separated 1-based columns")
    parser.add_argument("--names", help="output INFO names (default LABEL_FIELD upper-cased)")
    parser.add_argument("--ops", help="vcfanno ops (default self for Number=A, else first)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"bundle folder (default {default_bundle_dir()})")
    return parser


def main(argv: list[str]) -> int:
    """Run the command; 0 on success, 1 with a message when the file or options are wrong."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        entry = add_source(args.file, args.assembly, label=args.label, fields=args.fields,
                           columns=args.columns, names=args.names, ops=args.ops,
                           data_dir=args.data_dir)
    except (BundleError, ConfigError, OSError) as exc:
        print(f"add-source: {exc}", file=sys.stderr)
        return 1
    print(f"{entry['label']}: {entry['records_out']:,} records "
          f"({entry['split']:,} multi-allelic split) in {entry['file']}; "
          f"names {', '.join(entry['names'])}")
    return 0


def add_source(path: Path, assembly: str, *, label: str | None = None, fields: str = "",
               columns: str = "4", names: str | None = None, ops: str | None = None,
               data_dir: Path | None = None) -> dict:
    """Add one file to an assembly's bundle; return its manifest entry."""
    bundle = data_dir or default_bundle_dir()
    folder = bundle / assembly
    if not (folder / "sources.toml").is_file():
        raise BundleError(f"no bundle for {assembly} in {bundle} (run python -m ann build-data)")
    if not path.is_file():
        raise BundleError(f"{path} does not exist")
    kind = _kind(path)
    label = label or re.sub(r"\.(vcf|bed)(\.b?gz)?$|\.b?gz$", "", path.name, flags=re.I)
    if not _LABEL.match(label):
        raise BundleError(f"label {label!r}: use letters, digits, '_', '.', '-' (64 at most)")
    table = _table(path, kind, label, fields, columns, names, ops)
    dest = folder / ADDED / f"{label}.{kind}.gz"
    source_sha = sha256_file(path)
    manifest = read_manifest(bundle) or {}
    old = manifest.get("assemblies", {}).get(assembly, {}).get("added", {}).get(label)
    if old and old["input_sha256"] == source_sha and old["table"] == table and dest.is_file() \
            and old["sha256"] == sha256_file(dest):
        logging.getLogger(__name__).info("%s is already added and current", label)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        progress = Progress(path.name)
        counts = (normalise_vcf if kind == "vcf" else normalise_bed)(path, dest, progress)
        progress.done()
        old = {"label": label, "input": path.name, "input_sha256": source_sha,
               "file": f"{ADDED}/{dest.name}", "sha256": sha256_file(dest), "table": table,
               "names": table["names"], **counts}
    _write_entry(folder, label, table)
    spec = next(s for s in load_config(folder / "sources.toml")
                if Path(s.path).resolve() == dest.resolve())
    meta = read_meta(beside_path(spec))
    if not (meta and meta["source"]["size"] == dest.stat().st_size):
        build_store(spec, beside_path(spec))
    old["store"] = beside_path(spec).name
    _record(bundle, assembly, label, old)
    return old


def _kind(path: Path) -> str:
    name = path.name.lower()
    if re.search(r"\.vcf(\.b?gz)?$", name):
        return "vcf"
    if re.search(r"\.bed(\.b?gz)?$", name):
        return "bed"
    raise BundleError(f"{path.name}: add-source takes a .vcf[.gz] or a .bed[.gz] file")


def _table(path: Path, kind: str, label: str, fields: str, columns: str,
           names: str | None, ops: str | None) -> dict:
    """Return the [[annotation]] entry's lists, checked against the file's header."""
    prefix = re.sub(r"\W", "_", label).upper()
    if kind == "vcf":
        chosen = [f for f in fields.split(",") if f] or ["ID"]
        meta = info_meta(header_lines(str(path)))
        missing = [f for f in chosen if f != "ID" and f not in meta]
        if missing:
            raise BundleError(f"{path.name} declares no INFO field {', '.join(missing)}")
        default_ops = ["first" if f == "ID" or meta[f][0] != "A" else "self" for f in chosen]
        default_names = ["ID" if f == "ID" else f"{prefix}_{f.upper()}" for f in chosen]
        raw: list = chosen
    else:
        raw = [int(c) for c in columns.split(",") if c]
        default_ops = ["uniq"] * len(raw)
        default_names = [f"{prefix}" if len(raw) == 1 else f"{prefix}_{c}" for c in raw]
    out_names = names.split(",") if names else default_names
    out_ops = ops.split(",") if ops else default_ops
    if not len(out_names) == len(out_ops) == len(raw):
        raise BundleError("--names and --ops need one entry per field or column")
    bad = [o for o in out_ops if o not in OPS]
    if bad:
        raise BundleError(f"op {bad[0]!r} is not supported ({', '.join(OPS)})")
    key = "fields" if kind == "vcf" else "columns"
    descriptions = [f"{'ID' if r == 'ID' else r} from {path.name} (added by add-source)"
                    for r in raw]
    return {key: raw, "names": out_names, "ops": out_ops, "descriptions": descriptions}


def _write_entry(folder: Path, label: str, table: dict) -> None:
    """Put the entry between markers in sources.toml, replacing an earlier one of the label."""
    path = folder / "sources.toml"
    text = path.read_text()
    start, end = f"# >>> add-source {label}\n", f"# <<< add-source {label}\n"
    if start in text:
        text = text[:text.index(start)] + text[text.index(end) + len(end):]
    kind = "fields" if "fields" in table else "columns"
    file = f"{ADDED}/{label}.{'vcf' if kind == 'fields' else 'bed'}.gz"
    block = [start, "[[annotation]]\n", f"file = {json.dumps(file)}\n"]
    for key in (kind, "names", "ops", "descriptions"):
        block.append(f"{key} = {json.dumps(table[key])}\n")
    block.append(end)
    text = text.rstrip("\n") + "\n\n" + "".join(block)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def _record(bundle: Path, assembly: str, label: str, entry: dict) -> None:
    """Record the added source in the manifest (atomically)."""
    manifest = read_manifest(bundle) or {}
    asm = manifest.setdefault("assemblies", {}).setdefault(assembly, {})
    asm.setdefault("added", {})[label] = entry
    asm.setdefault("files", {})["sources.toml"] = {
        "sha256": sha256_file(bundle / assembly / "sources.toml")}
    tmp = bundle / f".{MANIFEST}.add-source"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(bundle / MANIFEST)
