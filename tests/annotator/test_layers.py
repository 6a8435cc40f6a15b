"""The annotation code imports one way: worker → job runner → engine (no cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ANN = Path(__file__).resolve().parents[2] / "ann"


def _ann_imports(path: Path) -> set[str]:
    """The ann.* modules a file imports (at any depth: a function-level import counts)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "ann" or name.startswith("ann.")}


def _layer(module: str) -> str:
    """Which layer an ann module belongs to."""
    for prefix, layer in (("ann.annotator", "worker"), ("ann.job_runner", "job runner"),
                          ("ann.engine", "engine"), ("ann.bundle", "bundle")):
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return "command"


# What each layer may import; `python -m ann` (the command) may reach any of them.
ALLOWED = {"worker": {"job runner"}, "job runner": {"engine"}, "engine": {"engine"},
           "bundle": {"bundle", "engine"}}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_run_one_way(layer):
    wrong = {}
    for path in sorted(ANN.rglob("*.py")):
        module = ".".join(path.relative_to(ANN.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        if _layer(module) != layer:
            continue
        bad = {name for name in _ann_imports(path) if _layer(name) not in ALLOWED[layer] | {layer}}
        if bad:
            wrong[module] = sorted(bad)
    assert wrong == {}
