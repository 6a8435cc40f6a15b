"""Sources a lab added with add-source: kept across bundle rebuilds."""

from __future__ import annotations

import re
from pathlib import Path

ADDED = "added"  # the folder of an assembly that holds added sources and their stores
_BLOCK = re.compile(r"# >>> add-source (\S+)\n.*?# <<< add-source \1\n", re.S)


def added_blocks(sources_toml: str) -> list[str]:
    """Return the add-source entries of a sources.toml text, markers included."""
    return [m.group(0) for m in _BLOCK.finditer(sources_toml)]


def carry_added(old: Path, new: Path) -> None:
    """Move old/added into a freshly built folder and re-append its sources.toml entries."""
    if not (old / ADDED).is_dir():
        return
    (old / ADDED).rename(new / ADDED)
    blocks = added_blocks((old / "sources.toml").read_text())
    if blocks:
        toml = new / "sources.toml"
        toml.write_text(toml.read_text().rstrip("\n") + "\n\n" + "\n".join(blocks))
