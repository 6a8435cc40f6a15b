"""Fixtures for the local stack's tests: child processes that never outlive a test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.devstack.devstack_helpers import REPO, STOP_TIMEOUT_SECONDS


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start `python -m MODULE ARGS` in its own session; kill its whole group after the test."""
    started: list[subprocess.Popen] = []

    def start(module: str, *args: str, env: dict[str, str] | None = None,
              log_name: str | None = None) -> subprocess.Popen:
        log = open(tmp_path / (log_name or f"{module}.log"), "ab")
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args], cwd=REPO, stdout=log,
            stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, start_new_session=True,
        )
        log.close()
        started.append(process)
        return process

    yield start
    for process in started:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


@pytest.fixture
def idp_env() -> dict[str, str]:
    """The client the identity provider accepts."""
    return {"GAS_ENV": "dev", "GLOBUS_CLIENT_ID": "test-client-id",
            "GLOBUS_CLIENT_SECRET": "test-client-secret"}
