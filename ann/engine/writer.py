"""The output VCF header: input lines (VCF 3.3 converted), added INFO keys, contigs, GAS lines."""

from __future__ import annotations

from dataclasses import dataclass

from .config import SourceSpec
from .contigs import normalise
from .header import Header, parse_structured, v33_structured
from .ops import declaration

OUTPUT_VERSION = "VCFv4.2"  # what a VCF 3.3 input's header is converted to


@dataclass(frozen=True)
class SourceInfo:
    """A source file as recorded in the output header and the summary."""

    file: str
    sha256: str
    names: tuple[str, ...]


def source_info(spec: SourceSpec, store_meta: dict) -> SourceInfo:
    """Describe a source for provenance (its sha256 was taken when it was prepared)."""
    return SourceInfo(spec.label, store_meta["source"]["sha256"],
                      tuple(f.name for f in spec.fields))


def added_declarations(specs: list[SourceSpec], metas: list[dict]) -> list[str]:
    """Return the ##INFO lines for every key the sources add (the ID column needs none)."""
    lines = []
    for spec, meta in zip(specs, metas, strict=True):
        info = meta.get("info_meta", {})
        for f in spec.fields:
            if f.to_id_column:
                continue
            if f.source_field == "consequence":
                lines.append(_csq_declaration(f, spec))
                continue
            where = f"column {f.column}" if spec.kind == "bed" else f"field {f.source_field}"
            number, typ = info.get(f.source_field, ("1", "String"))
            if spec.kind == "bed" and f.op == "self":
                number = "."
            desc = f.description or f"{f.op} of {where} from {spec.label} (GAS)"
            lines.append(declaration(f.name, f.op, desc, number, typ, f.type_hint))
    return lines


def _csq_declaration(f, spec: SourceSpec) -> str:
    from .consequence import csq_header_line

    return csq_header_line(source=f.description or spec.label).replace("ID=CSQ,",
                                                                        f"ID={f.name},", 1)


def contig_lines(header: Header, contigs: list[str], lengths: dict[str, int],
                 assembly: str) -> list[bytes]:
    """Return ##contig lines for the contigs the body holds that the input did not declare."""
    declared = header.contig_ids
    out = []
    for name in contigs:
        if name in declared:
            continue
        length = lengths.get(normalise(name))
        extra = f",length={length},assembly={assembly}" if length else ""
        out.append(f"##contig=<ID={name}{extra}>".encode())
    return out


def output_header(header: Header, declarations: list[str], version: str, command: str,
                  sources: list[SourceInfo], contigs: list[bytes] = ()) -> bytes:
    """Return the complete output header, ending with the #CHROM line and a newline."""
    added = {parse_structured(d[len("##INFO="):])["ID"] for d in declarations}
    kept = []
    for line in header.meta_lines:
        if header.version.startswith("3"):
            line = _v42_line(line)
        if line.startswith(b"##INFO=") and \
                parse_structured(line[7:].decode("utf-8", "replace")).get("ID") in added:
            continue
        kept.append(line)
    last_contig = max((i for i, x in enumerate(kept) if x.startswith(b"##contig=")), default=None)
    if last_contig is None:
        kept += list(contigs)
    else:
        kept[last_contig + 1:last_contig + 1] = list(contigs)
    extra = [*declarations, f"##GAS_version={version}", f"##GAS_command={_one_line(command)}"]
    extra += [
        f'##GAS_source=<ID={s.file},file="{s.file}",sha256="{s.sha256}",names="{",".join(s.names)}">'
        for s in sources
    ]
    body = kept + [x.encode() for x in extra] + [header.chrom_line]
    return b"\n".join(body) + b"\n"


def _v42_line(line: bytes) -> bytes:
    """Convert a VCF 3.3 header line to VCF 4.2 (file format; INFO/FORMAT/FILTER syntax)."""
    text = line.decode("utf-8", "replace")
    if text.startswith("##fileformat="):
        return f"##fileformat={OUTPUT_VERSION}".encode()
    key, _, value = text[2:].partition("=")
    fields = v33_structured(key, value)
    if fields is None:
        return line
    desc = fields.pop("Description", "").replace("\\", "\\\\").replace('"', '\\"')
    inner = ",".join(f"{k}={v}" for k, v in fields.items())
    return f'##{key}=<{inner},Description="{desc}">'.encode()


def _one_line(text: str) -> str:
    return " ".join(text.split())
