"""The GAS version recorded in outputs."""

from __future__ import annotations


def gas_version() -> str:
    """Return the GAS version (gas.__version__; importlib.metadata costs 25 ms of start-up)."""
    from gas import __version__

    return __version__
