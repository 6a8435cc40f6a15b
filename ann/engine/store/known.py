"""Prepare a known-variant VCF: per contig, blocks of sites with only the values asked for.

Each record becomes one entry keyed by POS with the payload
`REF \\t ALTs \\t IDs for the ID column \\t INFO fragment \\t value 1 \\t ... value k`:
the fragment is what an exact single match gives (the common case, built once here), the
values (already printed as vcfanno prints them; ABSENT when the record lacks the field) serve
every other case. Records stay as they are in the file (no split), so values equal vcfanno's.
"""

from __future__ import annotations

from ..config import SourceSpec
from ..errors import ConfigError
from ..header import parse_structured
from ..numbers import formatter
from .files import StoreWriter
from .text import contig_runs, header_lines

ABSENT = b"\x01"  # a field the record does not carry (b"" is a set flag)
SITES = "sites"


def info_meta(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Return {INFO key: (Number, Type)} from VCF header lines."""
    meta = {}
    for line in lines:
        if line.startswith("##INFO="):
            attrs = parse_structured(line[len("##INFO="):])
            if "ID" in attrs:
                meta[attrs["ID"]] = (attrs.get("Number", "."), attrs.get("Type", "String"))
    return meta


def field_plan(spec: SourceSpec, meta: dict[str, tuple[str, str]]) -> list[tuple]:
    """Per field: (spec, output name, INFO key, per-allele self, flag, formatter)."""
    plan = []
    for f in spec.fields:
        number, typ = meta.get(f.source_field, ("1", "String"))
        per_allele = f.op == "self" and number == "A"
        flag = typ == "Flag" or f.op == "flag"
        fmt = None if flag or f.source_field == "ID" else formatter(typ)
        plan.append((f, f.name.encode(), f.source_field.encode(), per_allele, flag, fmt))
    return plan


def info_value(info: bytes, key: bytes) -> bytes | None:
    """Return the value of KEY in an INFO string, b'' for a flag, None when absent."""
    start = 0
    n = len(key)
    while True:
        i = info.find(key, start)
        if i < 0:
            return None
        end = i + n
        if i == 0 or info[i - 1] == 59:  # ';'
            nxt = info[end:end + 1]
            if nxt == b"=":
                stop = info.find(b";", end)
                return info[end + 1:] if stop < 0 else info[end + 1:stop]
            if nxt in (b";", b""):
                return b""
        start = end


def record_values(plan: list[tuple], ident: bytes, info: bytes) -> list[bytes]:
    """Return the stored value of every field for one record (ABSENT where it has none)."""
    out = []
    for _, _, key, _, flag, fmt in plan:
        if key == b"ID":
            value = None if ident in (b".", b"") else ident
        else:
            value = info_value(info, key)
            if value is not None and flag:
                value = b""
            elif value is not None and fmt is not None:
                value = fmt(value)
        out.append(ABSENT if value is None else value)
    return out


def single_match(plan: list[tuple], values: list[bytes]) -> tuple[bytes, bytes]:
    """(IDs, INFO fragment) when this record alone matches a query with the same one ALT."""
    return _single_matcher(plan)(values)


def _single_matcher(plan: list[tuple]):
    """Return a fast values -> (IDs, fragment) function for one plan (the prepare hot path)."""
    steps = []
    for spec, name, _, _, flag, _ in plan:
        op = "flag" if flag else spec.op
        mode = "id" if spec.to_id_column else op if op in ("flag", "count") else "value"
        steps.append((mode, b";" + name))

    def match(values: list[bytes]) -> tuple[bytes, bytes]:
        ids = frag = b""
        for (mode, prefix), value in zip(steps, values):  # noqa: B905 - same length by design
            if value == ABSENT:
                continue
            if mode == "value":
                frag += prefix + b"=" + value
            elif mode == "id":
                ids = value if not ids or ids == value else ids + b";" + value
            elif mode == "flag":
                frag += prefix
            else:
                frag += prefix + b"=1"
        return ids, frag

    return match


def prepare_known(spec: SourceSpec, writer: StoreWriter) -> dict:
    """Write every contig's sites table; return counts for the metadata."""
    meta = info_meta(header_lines(spec.path))
    plan = field_plan(spec, meta)
    writer.meta["info_meta"] = {k: list(v) for k, v in meta.items()}
    match = _single_matcher(plan)
    records = 0
    for key, name, rows in contig_runs(spec.path, 1):
        writer.contig(key, name)
        add = writer.table(key, SITES).add
        for line_no, f in rows:
            if len(f) < 8:
                raise ConfigError(f"source {spec.path} line {line_no}: a VCF record needs 8 "
                                  f"columns, this one has {len(f)}")
            values = record_values(plan, f[2], f[7])
            ids, frag = match(values)
            add(int(f[1]), b"\t".join([f[3], f[4], ids, frag, *values]))
            records += 1
    return {"records": records}
