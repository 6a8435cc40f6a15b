"""The README stays true: every module its tables name exists, every `gas` command is listed."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from gas.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


def _section(title: str) -> str:
    """The README's text from heading `title` to the next heading of its level."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def _commands(parser: argparse.ArgumentParser, prefix: str = "gas") -> list[str]:
    """Every leaf command of the parser, as typed ("gas dlq list")."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(_commands(sub, f"{prefix} {name}"))
    return found or [prefix]


def test_every_module_the_readme_names_exists():
    fit = _section("How it fits together")
    named = set(re.findall(r"`((?:gas|ann|util|web|devstack)/[\w/.]*)`", fit))
    named |= {f"gas/archive/{name}" for name in re.findall(r"`(\w+\.py)`", fit)}
    assert len(named) > 15
    assert sorted(path for path in named if not (REPO / path).exists()) == []


def test_every_gas_command_is_in_the_readme_table():
    table = _section("The command line")
    missing = [command for command in _commands(build_parser()) if f"`{command}" not in table]
    assert missing == []
