"""`gas` without a reachable stack or AWS account: one line, no traceback, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
JOB = "0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99"
COMMANDS = [
    ["submit", "sample.vcf", "--user", "ada@example.org"],
    ["status", JOB],
    ["jobs"],
    ["jobs", "--user", "ada@example.org"],
    ["download", JOB],
    ["user", "role", "ada@example.org", "premium"],
    ["dlq", "list", "notify"],
    ["dlq", "redrive", "notify"],
    ["init"],
]


def run_gas(args: list[str], cwd: Path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m gas ARGS` in `cwd` with no AWS credentials anywhere it could find them."""
    environ = {"PATH": os.environ["PATH"], "HOME": str(cwd), "LANG": "C.UTF-8",
               "PYTHONPATH": str(REPO), "AWS_CONFIG_FILE": str(cwd / "none"),
               "AWS_SHARED_CREDENTIALS_FILE": str(cwd / "none"),
               "AWS_EC2_METADATA_DISABLED": "true", **extra}
    return subprocess.run([sys.executable, "-m", "gas", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=120)


def tree(folder: Path) -> list[str]:
    """Every path under `folder`."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_without_a_stack_or_credentials_one_line_and_nothing_written(tmp_path, args):
    (tmp_path / "sample.vcf").write_text("##fileformat=VCFv4.2\n")
    before = tree(tmp_path)
    ran = run_gas(args, tmp_path, {})
    assert ran.returncode == 1, ran.stderr
    assert "Traceback" not in ran.stderr and len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert ran.stderr.startswith("gas: ")
    assert "make run" in ran.stderr or "gas init" in ran.stderr  # says what to do next
    assert tree(tmp_path) == before  # no .gas/accounts.db, no partial download


def test_a_stopped_stack_is_named_in_one_line(tmp_path):
    data = tmp_path / "gasdata"
    data.mkdir()
    # What a stopped `make run` leaves: its endpoints, with nothing listening any more.
    (data / "stack.env").write_text("AWS_ENDPOINT_URL=http://127.0.0.1:9\n"
                                    "AWS_ACCESS_KEY_ID=local\nAWS_SECRET_ACCESS_KEY=local\n")
    ran = run_gas(["status", JOB], tmp_path, {"GAS_DATA_DIR": str(data)})
    assert ran.returncode == 1 and "Traceback" not in ran.stderr
    assert ran.stderr.strip() == (
        'gas: cannot reach http://127.0.0.1:9: Could not connect to the endpoint URL: '
        '"http://127.0.0.1:9/" (is the local stack running? `make run`)')
