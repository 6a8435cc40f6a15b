"""Parse and check a VCF header: file format, INFO and contig declarations, the #CHROM line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import InvalidInputError
from .vcf_reader import VcfReader

FIXED_COLUMNS = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")
_ATTR = re.compile(r'([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|[^,>]*)')


@dataclass
class Header:
    """What the engine needs to know about an input's header."""

    meta_lines: list[bytes]
    chrom_line: bytes
    columns: int
    version: str
    info_ids: set[str] = field(default_factory=set)
    contigs: list[dict[str, str]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def contig_ids(self) -> set[str]:
        return {c["ID"] for c in self.contigs if "ID" in c}


def parse_structured(value: str) -> dict[str, str]:
    """Parse the <KEY=value,...> part of a structured header line into a dict."""
    inner = value.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    return {k: v[1:-1] if v.startswith('"') else v for k, v in _ATTR.findall(inner)}


def v33_structured(key: str, value: str) -> dict[str, str] | None:
    """Parse a VCF 3.3 `##INFO=AA,1,String,"..."` (or FORMAT/FILTER) value; None if not one.

    VCF 3.3 wrote a Number of -1 for "varies", which VCF 4 spells '.'.
    """
    if key not in ("INFO", "FORMAT", "FILTER") or value.startswith("<"):
        return None
    head, quote, rest = value.partition('"')
    parts = [p.strip() for p in head.split(",")]
    desc = rest[:-1] if rest.endswith('"') else rest
    if key == "FILTER":
        return {"ID": parts[0], "Description": desc} if parts and parts[0] else None
    if len(parts) < 3 or not parts[0]:
        return None
    number = "." if parts[1] in ("-1", "") else parts[1]
    return {"ID": parts[0], "Number": number, "Type": parts[2], "Description": desc}


def read_header(reader: VcfReader) -> Header:
    """Read header lines from the reader and check them; raise InvalidInputError if broken."""
    meta: list[bytes] = []
    chrom_line = None
    for line in reader.header_lines():
        if line.startswith(b"#CHROM"):
            chrom_line = line
        elif line.startswith(b"##") or (line.startswith(b"#") and meta):
            meta.append(line)
        elif not meta:
            raise _not_vcf(reader.line_no)
        else:
            raise InvalidInputError(
                "a record appears before the #CHROM header line; the header has no #CHROM line",
                reader.line_no,
            )
    if not meta:
        raise _not_vcf(None if reader.line_no == 0 else 1, empty=reader.line_no == 0)
    version = _file_format(meta[0])
    if chrom_line is None:
        raise InvalidInputError(
            "the file ends before the #CHROM header line; the header has no #CHROM line",
            reader.line_no,
        )
    header = Header(meta, chrom_line, _check_columns(chrom_line, reader.line_no), version)
    _read_meta(header)
    return header


def _not_vcf(line: int | None, empty: bool = False) -> InvalidInputError:
    if empty:
        return InvalidInputError("the file is empty; it is not a VCF file", 1)
    return InvalidInputError(
        "the file does not start with a ##fileformat=VCFv4.x line; it is not a VCF file",
        line or 1,
    )


def _file_format(first: bytes) -> str:
    text = first.decode("utf-8", "replace")
    if not text.startswith("##fileformat=VCFv"):
        raise _not_vcf(1)
    return text.split("=", 1)[1].strip()[4:]


def _check_columns(chrom_line: bytes, line_no: int) -> int:
    """Check the #CHROM line names the fixed columns; return the number of columns."""
    cols = chrom_line.decode("utf-8", "replace").split("\t")
    if len(cols) < len(FIXED_COLUMNS):
        raise InvalidInputError(
            f"the #CHROM header line has {len(cols)} tab-separated columns; a VCF needs at least "
            "8 (#CHROM POS ID REF ALT QUAL FILTER INFO)",
            line_no,
        )
    for want, got in zip(FIXED_COLUMNS, cols, strict=False):
        if want != got:
            raise InvalidInputError(
                f"the #CHROM header line has column '{got}' where '{want}' belongs", line_no
            )
    if len(cols) > 8 and cols[8] != "FORMAT":
        raise InvalidInputError(
            f"the #CHROM header line has column '{cols[8]}' where 'FORMAT' belongs", line_no
        )
    return len(cols)


def _read_meta(header: Header) -> None:
    """Collect INFO ids, contigs and references; note the warnings the header deserves."""
    for raw in header.meta_lines:
        text = raw.decode("utf-8", "replace")
        key, _, value = text[2:].partition("=")
        if key == "INFO":
            old = v33_structured(key, value) if header.version.startswith("3") else None
            ident = (old or parse_structured(value)).get("ID")
            if ident:
                header.info_ids.add(ident)
        elif key == "contig":
            header.contigs.append(parse_structured(value))
        elif key in ("reference", "assembly"):
            header.references.append(value)
    if header.version.startswith("3"):
        header.warnings.append(
            f"the file declares VCF {header.version}; it was read with the VCF 4 rules and "
            "written as VCF 4.2 (header converted, QUAL -1 as '.', FILTER 0 as PASS)"
        )
    if not header.contigs:
        header.warnings.append("the header has no ##contig lines")
