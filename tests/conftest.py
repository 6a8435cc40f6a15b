"""Shared fixtures: a real moto server over HTTP, and settings with fresh resources per test."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from devstack.net import free_port, wait_until_up
from gas import aws
from gas.config import load_settings
from gas.resources import ensure_resources

REPO = Path(__file__).resolve().parent.parent
MOTO_START_TIMEOUT_SECONDS = 20


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The local stack's emulator (moto server + outbox) on loopback for the whole session."""
    port = free_port()
    state_dir = tmp_path_factory.mktemp("emulator")
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack.emulator", "--host", "127.0.0.1",
         "--port", str(port), "--state-dir", str(state_dir), "--snapshot-seconds", "3600"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{endpoint}/moto-api/", MOTO_START_TIMEOUT_SECONDS)
        yield endpoint
    finally:
        proc.terminate()  # the emulator saves its state on the way out
        proc.wait(timeout=60)


@pytest.fixture
def gas_env(moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Environment of a GAS deployment with its own resource names on the shared emulator."""
    env = {
        "GAS_ENV": "dev",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "GAS_NAME": f"t{uuid.uuid4().hex[:10]}",
        "GAS_DATA_DIR": str(tmp_path / "gasdata"),
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'accounts.db'}",
        "FREE_USER_DATA_RETENTION": "300",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def settings(gas_env: dict):
    """Settings of a fresh deployment whose resources exist on the emulator."""
    aws.reset_clients()
    current = load_settings(os.environ)
    ensure_resources(current)
    return current
