"""Production hosts install requirements.txt only: the local stack and its emulator stay out."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCTION_PACKAGES = ("gas", "ann", "util", "web")
DEV_ONLY_MODULES = ("moto", "devstack")


def _imported_roots(path: Path) -> set[str]:
    """Top-level module names a Python file imports."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_runtime_requirements_leave_out_the_emulator() -> None:
    lines = (REPO / "requirements.txt").read_text().lower().splitlines()
    assert not [line for line in lines if line.strip().startswith("moto")]
    assert "moto[server]" in (REPO / "requirements-devstack.txt").read_text()


@pytest.mark.parametrize("package", PRODUCTION_PACKAGES)
def test_production_code_never_imports_the_local_stack(package: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(_imported_roots(path) & set(DEV_ONLY_MODULES))
        for path in (REPO / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
