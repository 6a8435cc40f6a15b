"""The output VCF header: the input's lines, the added INFO keys, and GAS provenance lines."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from .config import SourceSpec
from .header import Header, parse_structured
from .ops import declaration
from .sources.tabix import info_meta

_DIGESTS: dict[tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class SourceInfo:
    """A source file as recorded in the output header and the summary."""

    file: str
    sha256: str
    names: tuple[str, ...]


def sha256_of(path: str) -> str:
    """Return the file's SHA-256 (cached per path, size and modification time)."""
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        with open(path, "rb") as handle:
            _DIGESTS[key] = hashlib.file_digest(handle, "sha256").hexdigest()
    return _DIGESTS[key]


def source_info(spec: SourceSpec) -> SourceInfo:
    """Describe a source for provenance."""
    return SourceInfo(spec.label, sha256_of(spec.path), tuple(f.name for f in spec.fields))


def added_declarations(specs: list[SourceSpec]) -> list[str]:
    """Return the ##INFO lines for every key the sources add (the ID column needs none)."""
    lines = []
    for spec in specs:
        meta = info_meta(spec.path) if spec.kind == "vcf" else {}
        for f in spec.fields:
            if f.to_id_column:
                continue
            where = f"column {f.column}" if spec.kind == "bed" else f"field {f.source_field}"
            number, typ = meta.get(f.source_field, ("1", "String"))
            if spec.kind == "bed" and f.op == "self":
                number = "."
            desc = f"{f.op} of {where} from {spec.label} (GAS)"
            lines.append(declaration(f.name, f.op, desc, number, typ, f.type_hint))
    return lines


def output_header(header: Header, declarations: list[str], version: str, command: str,
                  sources: list[SourceInfo]) -> bytes:
    """Return the complete output header, ending with the #CHROM line and a newline."""
    added = {parse_structured(d[len("##INFO="):])["ID"] for d in declarations}
    kept = [
        line for line in header.meta_lines
        if not (line.startswith(b"##INFO=") and
                parse_structured(line[7:].decode("utf-8", "replace")).get("ID") in added)
    ]
    extra = [*declarations, f"##GAS_version={version}", f"##GAS_command={_one_line(command)}"]
    extra += [
        f'##GAS_source=<ID={s.file},file="{s.file}",sha256="{s.sha256}",names="{",".join(s.names)}">'
        for s in sources
    ]
    body = kept + [x.encode() for x in extra] + [header.chrom_line]
    return b"\n".join(body) + b"\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
