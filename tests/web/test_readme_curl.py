"""The README's curl walk-through, run as written against the app (served from a thread) and
the emulator's S3: a script uploads and submits with a personal token alone."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gas.api_tokens import ApiTokens
from gas.jobs import PENDING
from tests.web.conftest import ServedApp

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough() -> str:
    """The shell block after "Submitting from a script", without its `export` line."""
    text = README.read_text().split("**Submitting from a script**", 1)[1]
    block = re.search(r"```\n(.*?)```", text, re.S).group(1)
    return "\n".join(line for line in block.splitlines() if not line.startswith("export "))


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl, jq")
def test_the_readme_walkthrough_submits_a_job(app, auth, accounts, tmp_path):
    user = auth.login("script@example.org")
    _, token = ApiTokens(accounts).create(user, "readme")
    (tmp_path / "my sample.vcf").write_bytes(
        b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        b"1\t5\t.\tA\tG\t.\t.\t.\n")
    served = ServedApp(app)
    try:
        ran = subprocess.run(["bash", "-euo", "pipefail", "-c", walkthrough()], cwd=tmp_path,
                             env={"PATH": "/usr/bin:/bin", "GAS": served.url,
                                  "GAS_TOKEN": token},
                             capture_output=True, text=True, timeout=120)
    finally:
        served.stop()
    assert ran.returncode == 0, ran.stderr
    answers = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
    submitted, polled = answers[-2], answers[-1]
    assert submitted["status"] == PENDING and submitted["input_file_name"] == "my sample.vcf"
    assert polled["job_id"] == submitted["job_id"] == json.loads(
        (tmp_path / "form.json").read_text())["job_id"]
