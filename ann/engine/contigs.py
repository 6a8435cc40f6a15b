"""Contig name aliases: 1/chr1, X/chrX, MT/chrM/M are the same contig for look-ups."""

from __future__ import annotations

from collections.abc import Iterable

_MITO = {"M", "MT"}


def normalise(name: str) -> str:
    """Return the alias-free key of a contig name: no chr prefix, M -> MT."""
    key = name[3:] if name[:3].lower() == "chr" else name
    return "MT" if key.upper() in _MITO else key


def alias_map(names: Iterable[str]) -> dict[str, str]:
    """Map each normalised key to the name a source file actually uses."""
    mapping: dict[str, str] = {}
    for name in names:
        mapping.setdefault(normalise(name), name)
    return mapping
