"""The vcfanno-style sources.toml written next to each assembly's files.

GAS extensions (see the README): `descriptions` per [[annotation]] (the ##INFO Description of
each name: what the value is and where it is from, with the data release), a top-level
`reference` (the BGZF FASTA consequences read) and a `[liftover]` table (source assembly ->
chain arrays that lift its records into this assembly).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PROMOTER_WINDOW_BP = 2000  # upstream of the TSS that counts as promoter (contract default)


@dataclass(frozen=True)
class Annotation:
    """One [[annotation]] table: a file, what it gives, and a description of each name."""

    file: str
    names: tuple[str, ...]
    ops: tuple[str, ...]
    descriptions: tuple[str, ...]
    fields: tuple[str, ...] = ()  # VCF INFO keys / ID, or gene-model fields
    columns: tuple[int, ...] = ()  # BED columns
    extra: dict[str, int] = field(default_factory=dict)  # e.g. promoter_window

    def lines(self) -> list[str]:
        """Return the table's TOML lines."""
        out = ["[[annotation]]", f"file = {json.dumps(self.file)}"]
        if self.columns:
            out.append(f"columns = {json.dumps(list(self.columns))}")
        else:
            out.append(f"fields = {json.dumps(list(self.fields))}")
        out += [f"names = {json.dumps(list(self.names))}", f"ops = {json.dumps(list(self.ops))}"]
        out += [f"{k} = {v}" for k, v in self.extra.items()]
        out.append("descriptions = [")
        out += [f"    {json.dumps(d)}," for d in self.descriptions]
        out.append("]")
        return out


def sources_toml(assembly: str, annotations: list[Annotation], reference: str | None = None,
                 liftover: dict[str, str] | None = None) -> str:
    """Return the sources.toml text for one assembly's bundle folder."""
    parts = [f"# GAS default annotation sources for {assembly} "
             "(written by `python -m ann build-data`)", ""]
    if reference:
        # Top-level keys come before any table.
        parts += ["# BGZF FASTA (with .fai and .gzi) that sequence-level consequences read",
                  f"reference = {json.dumps(reference)}", ""]
    if liftover:
        parts += [f"# Chains that lift records of another assembly into {assembly}",
                  "[liftover]"]
        parts += [f"{asm} = {json.dumps(path)}" for asm, path in liftover.items()]
        parts.append("")
    for annotation in annotations:
        parts += [*annotation.lines(), ""]
    return "\n".join(parts)
