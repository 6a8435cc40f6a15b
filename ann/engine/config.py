"""Read a vcfanno-compatible sources TOML file into source specifications."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .ops import OPS

GENE_FIELDS = ("gene_name", "gene_id", "gene_type", "region", "consequence")
DEFAULT_PROMOTER_WINDOW = 2000
_KIND_BY_SUFFIX = {
    ".vcf.gz": "vcf", ".bed.gz": "bed", ".gtf.gz": "genes", ".gff3.gz": "genes", ".gff.gz": "genes",
}
# vcfanno reads these name suffixes as a type request and drops them from the name.
_SUFFIX_TYPES = {"_flag": "Flag", "_int": "Integer", "_float": "Float"}


@dataclass(frozen=True)
class FieldSpec:
    """One value taken from a source: where it comes from, its output name and its op."""

    source_field: str  # INFO key or "ID" (vcf), gene field (genes), "" (bed)
    column: int  # 1-based BED column (bed only, else 0)
    name: str  # output INFO key, or "ID" for the VCF ID column
    op: str
    type_hint: str | None = None  # from a vcfanno _flag/_int/_float name suffix
    description: str | None = None  # GAS extension: what the value is and where it is from

    @property
    def to_id_column(self) -> bool:
        return self.name == "ID"


@dataclass(frozen=True)
class SourceSpec:
    """One [[annotation]] table: a tabix-indexed file and the values it gives."""

    index: int
    kind: str  # "vcf" | "bed" | "genes"
    path: str
    fields: tuple[FieldSpec, ...]
    promoter_window: int = DEFAULT_PROMOTER_WINDOW
    reference: str | None = None  # the TOML's top-level reference FASTA (GAS extension)

    @property
    def label(self) -> str:
        return Path(self.path).name


def source_kind(path: str) -> str | None:
    """Return the source kind implied by a file name, or None if it is not a known type."""
    for suffix, kind in _KIND_BY_SUFFIX.items():
        if path.lower().endswith(suffix):
            return kind
    return None


def load_config(path: Path) -> list[SourceSpec]:
    """Parse the TOML file; relative file paths resolve against its folder.

    GAS extensions: per table `descriptions` (one ##INFO Description per name) and
    `promoter_window`; a top-level `reference` FASTA (BGZF with .fai/.gzi) for consequences.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"sources file {path} cannot be read: {exc}") from exc
    if data.get("postannotation"):
        raise ConfigError(f"{path}: [[postannotation]] tables are not supported")
    tables = data.get("annotation")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: no [[annotation]] tables")
    reference = _reference(data.get("reference"), Path(path))
    specs = [_spec(i, t, Path(path).parent, path, reference) for i, t in enumerate(tables)]
    _check_unique_names(specs, path)
    return specs


def _reference(value: object, cfg: Path) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{cfg}: reference must be the path of a FASTA file")
    full = Path(value) if Path(value).is_absolute() else cfg.parent / value
    return check_reference(full, f"{cfg}: ")


def check_reference(path: str | Path, where: str = "") -> str:
    """Return the FASTA's path if it and its .fai index exist, else raise ConfigError."""
    full = Path(path)
    if not full.is_file() or not Path(f"{full}.fai").is_file():
        raise ConfigError(f"{where}reference {full} or its index {full}.fai does not exist "
                          "(index a BGZF FASTA with `samtools faidx`)")
    return str(full)


def _spec(index: int, table: dict, folder: Path, cfg: Path,
          reference: str | None = None) -> SourceSpec:
    where = f"{cfg}: [[annotation]] #{index + 1}"
    file = table.get("file")
    if not isinstance(file, str) or not file:
        raise ConfigError(f"{where} has no file")
    full = Path(file) if Path(file).is_absolute() else folder / file
    kind = source_kind(file)
    if kind is None:
        raise ConfigError(f"{where}: {file} is not .vcf.gz, .bed.gz, .gtf.gz, .gff3.gz or .gff.gz")
    if not full.is_file():
        raise ConfigError(f"{where}: {full} does not exist")
    names, ops = table.get("names"), table.get("ops")
    raw = table.get("columns") if kind == "bed" else table.get("fields")
    if not (isinstance(names, list) and isinstance(ops, list) and isinstance(raw, list)):
        key = "columns" if kind == "bed" else "fields"
        raise ConfigError(f"{where} needs lists {key}, names and ops")
    if not len(names) == len(ops) == len(raw):
        raise ConfigError(f"{where}: names, ops and fields/columns differ in length")
    descriptions = table.get("descriptions", [None] * len(names))
    if not isinstance(descriptions, list) or len(descriptions) != len(names) or not all(
            d is None or isinstance(d, str) for d in descriptions):
        raise ConfigError(f"{where}: descriptions must be a list of strings, one per name")
    fields = tuple(_field(kind, f, n, o, where, d)
                   for f, n, o, d in zip(raw, names, ops, descriptions, strict=True))
    window = table.get("promoter_window", DEFAULT_PROMOTER_WINDOW)
    if not isinstance(window, int) or window < 0:
        raise ConfigError(f"{where}: promoter_window must be a whole number >= 0")
    return SourceSpec(index, kind, str(full), fields, window, reference)


def _field(kind: str, raw: object, name: object, op: object, where: str,
           description: str | None = None) -> FieldSpec:
    if not isinstance(name, str) or not name or not isinstance(op, str):
        raise ConfigError(f"{where}: names and ops must be non-empty strings")
    if op not in OPS:
        raise ConfigError(f"{where}: op {op!r} is not supported (supported: {', '.join(OPS)})")
    type_hint = None
    for suffix, typ in _SUFFIX_TYPES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            name, type_hint = name[: -len(suffix)], typ
    if name == "ID" and kind != "vcf":
        raise ConfigError(f"{where}: only a known-variant VCF can write the ID column")
    if kind == "bed":
        if not isinstance(raw, int) or raw < 1:
            raise ConfigError(f"{where}: BED columns are 1-based whole numbers, not {raw!r}")
        return FieldSpec("", raw, name, op, type_hint, description)
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"{where}: fields must be non-empty strings")
    if kind == "genes" and raw not in GENE_FIELDS:
        raise ConfigError(f"{where}: gene model fields are {', '.join(GENE_FIELDS)}, not {raw!r}")
    return FieldSpec(raw, 0, name, op, type_hint, description)


def _check_unique_names(specs: list[SourceSpec], cfg: Path) -> None:
    seen: set[str] = set()
    for spec in specs:
        for f in spec.fields:
            if f.name in seen and f.name != "ID":
                raise ConfigError(f"{cfg}: the name {f.name!r} is used twice")
            seen.add(f.name)
