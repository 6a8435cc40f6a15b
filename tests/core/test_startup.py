"""Start-up: settings come only through `Settings`, gunicorn binds to loopback unless told,
and a starting process shows its own lines, not its libraries' INFO chatter."""

from __future__ import annotations

import ast
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OWN_LOGGERS = ("gas", "web", "ann", "util", "root")


def _environment_reads(path: Path) -> list[int]:
    """Lines of a Python file that read the process environment (os.environ, os.getenv)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if {alias.name for alias in node.names} & {"environ", "getenv"}:
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", ["gas", "util"])
def test_only_gas_config_reads_the_environment(package):
    readers = {
        str(path.relative_to(REPO)): lines
        for path in sorted((REPO / package).rglob("*.py"))
        if (lines := _environment_reads(path)) and path != REPO / "gas" / "config.py"
    }
    assert readers == {}


@pytest.mark.parametrize(("environ", "host"), [({}, "127.0.0.1"),
                                                ({"GAS_BIND": "0.0.0.0"}, "0.0.0.0")])
def test_gunicorn_binds_to_loopback_unless_told(monkeypatch, environ, host):
    monkeypatch.delenv("GAS_BIND", raising=False)
    monkeypatch.setenv("PORT", "5123")
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    config = runpy.run_path(str(REPO / "web" / "gunicorn.conf.py"))
    assert config["bind"] == f"{host}:5123"


def test_web_start_up_shows_no_library_info_lines(tmp_path):
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environ |= {"GAS_ENV": "dev", "GAS_DATA_DIR": str(tmp_path), "GAS_LOG_LEVEL": "INFO",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'accounts.db'}"}
    started = subprocess.run([sys.executable, "-c", "import web.wsgi"], cwd=REPO, env=environ,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "accounts.db").is_file()  # the start-up did migrate the schema
    # LOG_FORMAT: "date time LEVEL logger [job=-] message"
    chatter = [line for line in started.stderr.splitlines()
               if line.split()[2:3] == ["INFO"]
               and line.split()[3].split(".")[0] not in OWN_LOGGERS]
    assert chatter == []
