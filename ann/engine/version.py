"""The GAS version recorded in outputs."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def gas_version() -> str:
    """Return the installed GAS version (the project's own version when run from the tree)."""
    try:
        return version("gas")
    except PackageNotFoundError:
        return "0.1.0"
