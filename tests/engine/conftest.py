"""Engine test fixtures: small VCF/BED/GTF sources written and tabix-indexed per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from .engine_fixtures import write_sources


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """The small sources TOML (known variants, BED, GTF) in a fresh folder."""
    return write_sources(tmp_path / "sources")


@pytest.fixture(autouse=True)
def engine_cache(tmp_path_factory, monkeypatch) -> Path:
    """Keep the parsed gene model cache out of the repository during tests."""
    folder = tmp_path_factory.mktemp("engine-cache")
    monkeypatch.setenv("GAS_ENGINE_CACHE", str(folder))
    return folder
