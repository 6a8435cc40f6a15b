"""The supervisor restarts children that die and stops them all (in order) on request."""

from __future__ import annotations

import io
import logging
import os
import shlex
import signal
import sys
import time
from pathlib import Path

import pytest

from devstack.supervisor import Program, Supervisor
from tests.devstack.devstack_helpers import STOP_TIMEOUT_SECONDS, process_alive, wait_for

pytestmark = pytest.mark.integration

CHILD = """
import os, signal, sys, time, pathlib
name, folder, mode = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
(folder / f"{name}.pid").write_text(str(os.getpid()))
def on_term(*_):
    if mode == "ignore":
        return
    time.sleep(0.3 if mode == "slow" else 0)  # a worker finishing the job in hand
    (folder / f"{name}.stopped").write_text(repr(time.time()))
    sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
print(f"{name} ready", flush=True)
while True:
    time.sleep(0.05)
"""


@pytest.fixture
def child_script(tmp_path: Path) -> Path:
    """A child that records its pid and, on SIGTERM, when it stopped."""
    path = tmp_path / "child.py"
    path.write_text(CHILD)
    return path


def child(name: str, script: Path, mode: str = "normal", stop_last: bool = False) -> Program:
    """A Program running the child script."""
    argv = [sys.executable, str(script), name, str(script.parent), mode]
    return Program(name, argv, stop_last=stop_last)


def pid_of(folder: Path, name: str) -> int:
    """The pid the child last recorded (0 if none yet)."""
    path = folder / f"{name}.pid"
    return int(path.read_text()) if path.is_file() and path.read_text() else 0


def test_restarts_a_killed_child_and_stops_all_on_sigterm(spawn, child_script, tmp_path) -> None:
    folder = child_script.parent
    specs = [f"{name}={shlex.join(child(name, child_script).argv)}" for name in ("alpha", "beta")]
    supervisor = spawn("devstack.supervisor", "--stop-timeout", "5", *specs,
                       log_name="supervisor.log")
    wait_for(lambda: pid_of(folder, "alpha") and pid_of(folder, "beta"), 15, "both children")
    first = pid_of(folder, "alpha")
    signal_sent = time.monotonic()
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: pid_of(folder, "alpha") not in (0, first), 15, "alpha to be restarted")
    assert time.monotonic() - signal_sent < 5
    restarted = pid_of(folder, "alpha")
    assert process_alive(restarted)

    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
    for name in ("alpha", "beta"):
        assert (folder / f"{name}.stopped").is_file(), f"{name} was not stopped with SIGTERM"
        assert not process_alive(pid_of(folder, name))
    output = (tmp_path / "supervisor.log").read_text()
    assert "alpha    | alpha ready" in output
    assert "alpha exited with signal SIGKILL" in output


def test_gives_up_after_repeated_fast_crashes(caplog) -> None:
    supervisor = Supervisor(out=io.StringIO(), max_fast_crashes=3, backoff_seconds=0.05)
    crashing = Program("crasher", [sys.executable, "-c", "raise SystemExit(3)"])
    with caplog.at_level(logging.WARNING, logger="devstack.supervisor"):
        supervisor.add(crashing)
        supervisor.start()
        wait_for(lambda: supervisor.given_up() == ["crasher"], 20, "the supervisor to give up")
        supervisor.stop()
    assert "giving up on crasher: it exited 3 times in a row" in caplog.text
    assert caplog.text.count("crasher exited with code 3") == 2


def test_stops_stop_last_programs_after_the_others(child_script) -> None:
    folder = child_script.parent
    supervisor = Supervisor(out=io.StringIO(), stop_timeout=5)
    supervisor.add(child("emulator", child_script, stop_last=True))
    supervisor.add(child("worker", child_script, mode="slow"))
    supervisor.start()
    wait_for(lambda: pid_of(folder, "emulator") and pid_of(folder, "worker"), 15, "children")
    supervisor.stop()
    worker_stopped = float((folder / "worker.stopped").read_text())
    emulator_stopped = float((folder / "emulator.stopped").read_text())
    assert emulator_stopped > worker_stopped


def test_kills_a_child_that_ignores_sigterm(child_script) -> None:
    folder = child_script.parent
    supervisor = Supervisor(out=io.StringIO(), stop_timeout=0.5)
    supervisor.add(child("stubborn", child_script, mode="ignore"))
    supervisor.start()
    wait_for(lambda: pid_of(folder, "stubborn"), 15, "the child")
    started = time.monotonic()
    supervisor.stop()
    assert time.monotonic() - started < 5
    assert not process_alive(pid_of(folder, "stubborn"))
    assert not (folder / "stubborn.stopped").exists()


def test_a_child_ignoring_sigterm_dies_soon_after_a_killed_supervisor(spawn, child_script,
                                                                      tmp_path) -> None:
    # The kernel's parent-death signal is a SIGTERM; a child that ignores it is killed by the
    # guard's watcher once the grace (the supervisor's stop timeout) has passed.
    folder = child_script.parent
    spec = f"stubborn={shlex.join(child('stubborn', child_script, mode='ignore').argv)}"
    supervisor = spawn("devstack.supervisor", "--stop-timeout", "1", spec,
                       log_name="supervisor.log")
    wait_for(lambda: pid_of(folder, "stubborn"), 15, "the child")
    stubborn = pid_of(folder, "stubborn")
    os.kill(supervisor.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: not process_alive(stubborn), 15, "the orphaned child to be killed")
    assert time.monotonic() - killed_at >= 0.9  # it was given its grace first
    assert not (folder / "stubborn.stopped").exists()
