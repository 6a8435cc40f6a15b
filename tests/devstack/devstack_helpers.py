"""Helpers for the local stack's tests (processes, polling, emulator clients)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest

from devstack.net import free_port, wait_until_up

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 15.0


def process_alive(pid: int) -> bool:
    """True if a process with this pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `predicate` until true, or fail the test naming `what`."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def start_emulator(spawn, state_dir: Path, port: int | None = None,
                   snapshot_seconds: float = 0) -> tuple[subprocess.Popen, str]:
    """Start the emulator on loopback and wait until it answers; return it and its URL."""
    port = port or free_port()
    process = spawn("devstack.emulator", "--host", "127.0.0.1", "--port", str(port),
                    "--state-dir", str(state_dir), "--snapshot-seconds", str(snapshot_seconds),
                    "--log-level", "DEBUG",
                    log_name="emulator.log")
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/moto-api/", timeout=START_TIMEOUT_SECONDS)
    return process, url


def aws_client(service: str, endpoint: str):
    """A boto3 client for the emulator at `endpoint`."""
    return boto3.session.Session().client(
        service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
