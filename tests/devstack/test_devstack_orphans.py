"""Issue 11 finding 5: the supervisor never leaves its children behind, and one data dir runs one
stack. Real processes: `python -m devstack` (under real GNU make for the double SIGTERM)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devstack.emulator_state import STATE_FILE_NAME
from devstack.net import free_port
from tests.devstack.devstack_helpers import REPO, aws_client, process_alive, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROGRAMS = "web,notify"  # gunicorn (a master and its workers) and a queue worker
START_TIMEOUT_SECONDS = 90
GONE_TIMEOUT_SECONDS = 40  # a worker's long poll (5 s) and gunicorn's graceful stop, with slack
STOP_TIMEOUT = "3"


class Stack:
    """One `python -m devstack` (or `make run`) in its own session, its output in a file."""

    def __init__(self, tmp: Path, data_dir: Path, name: str, command: list[str] | None = None):
        self.ports = {"PORT": free_port(), "GAS_EMULATOR_PORT": free_port(),
                      "GAS_IDP_PORT": free_port()}
        self.gas_name = f"orph{os.getpid()}"
        self.emulator_url = f"http://127.0.0.1:{self.ports['GAS_EMULATOR_PORT']}"
        env = {**os.environ, "GAS_DATA_DIR": str(data_dir), "GAS_STACK_PROGRAMS": PROGRAMS,
               "GAS_NAME": self.gas_name, "GUNICORN_WORKERS": "2",
               **{key: str(value) for key, value in self.ports.items()}}
        self.log = tmp / f"{name}.out"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command or [sys.executable, "-m", "devstack"], cwd=REPO, env=env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        """What the stack printed so far."""
        return self.log.read_text(errors="replace")

    def wait_running(self) -> None:
        """Wait for `make run`'s announcement."""
        wait_for(lambda: "GAS is running at" in self.output()
                 or self.process.poll() is not None, START_TIMEOUT_SECONDS, "the stack to start")
        assert "GAS is running at" in self.output(), self.output()[-3000:]

    def supervisor_pid(self) -> int:
        """The devstack supervisor's pid (under make: make's python child)."""
        if Path(self.process.args[0]).name != "make":
            return self.process.pid
        return next(pid for pid in descendants(self.process.pid) if "devstack" in cmdline(pid))

    def kill_all(self) -> None:
        """Clean-up: every process this test started, whatever state it is in."""
        for pid in [self.process.pid, *descendants(self.process.pid)]:
            for signum in (signal.SIGCONT, signal.SIGKILL):
                try:
                    os.kill(pid, signum)
                except ProcessLookupError:
                    pass
        self.process.wait(timeout=10)


def cmdline(pid: int) -> str:
    """A process's command line (empty once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    """Every live process below `root` (children, grandchildren...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return [pid for pid in found if process_alive(pid)]


def port_free(port: int) -> bool:
    """True if nothing listens on the loopback port."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def stacks(tmp_path: Path):
    """Start stacks; every process of every one is killed after the test."""
    started: list[Stack] = []

    def start(data_dir: Path, name: str, command: list[str] | None = None) -> Stack:
        stack = Stack(tmp_path, data_dir, name, command)
        started.append(stack)
        return stack

    yield start
    for stack in started:
        stack.kill_all()


def test_sigkill_of_the_supervisor_takes_every_child_down_and_frees_the_ports(
    stacks, tmp_path: Path
) -> None:
    stack = stacks(tmp_path / "gas", "first")
    stack.wait_running()
    children = descendants(stack.process.pid)
    names = " ".join(cmdline(pid) for pid in children)
    assert len(children) >= 6, names  # emulator, idp, gunicorn master + 2 workers, notify
    assert "gunicorn" in names and "util.notify" in names and "devstack.emulator" in names

    state = tmp_path / "gas" / "emulator" / STATE_FILE_NAME
    assert not state.exists()  # no snapshot yet (every 30 s): only a stop writes one now
    stack.process.kill()
    stack.process.wait(timeout=10)
    wait_for(lambda: not any(process_alive(pid) for pid in children), GONE_TIMEOUT_SECONDS,
             f"the children of the killed supervisor to exit: {names}")
    assert all(port_free(port) for port in stack.ports.values())
    # The emulator was stopped by its death signal (SIGTERM), not killed: it saved its state.
    assert state.stat().st_size > 0


def test_a_second_stack_on_the_same_data_dir_refuses_and_changes_nothing(
    stacks, tmp_path: Path
) -> None:
    data_dir = tmp_path / "gas"
    first = stacks(data_dir, "first")
    first.wait_running()
    children = descendants(first.process.pid)
    emulator = next(pid for pid in children if "devstack.emulator" in cmdline(pid))
    stack_env = (data_dir / "stack.env").read_bytes()
    bucket = f"{first.gas_name}-inputs"
    aws_client("s3", first.emulator_url).put_object(Bucket=bucket, Key="kept", Body=b"orphan")

    second = stacks(data_dir, "second")
    assert second.process.wait(timeout=60) == 1
    assert f"another local stack is running on {data_dir}" in second.output()
    assert f"supervisor pid {first.process.pid}" in second.output()
    assert (data_dir / "stack.env").read_bytes() == stack_env

    # The orphan case: the supervisor is killed while its emulator is busy (stopped here, so
    # its SIGTERM waits). The emulator still holds the lock: a new stack must not start on
    # the directory, rewrite stack.env or overwrite the snapshot the emulator is about to save.
    os.kill(emulator, signal.SIGSTOP)
    first.process.kill()
    first.process.wait(timeout=10)
    third = stacks(data_dir, "third")
    assert third.process.wait(timeout=60) == 1
    assert "another local stack is running" in third.output()
    assert (data_dir / "stack.env").read_bytes() == stack_env
    os.kill(emulator, signal.SIGCONT)  # it takes its pending SIGTERM: saves and exits
    wait_for(lambda: not process_alive(emulator), GONE_TIMEOUT_SECONDS, "the emulator to exit")
    saved = (data_dir / "emulator" / STATE_FILE_NAME).stat().st_size
    assert saved > 0

    # Every process of the first stack holds the lock (gunicorn's graceful stop and a worker's
    # long poll take a few seconds); once they are all gone, a new stack starts.
    wait_for(lambda: not any(process_alive(pid) for pid in children), GONE_TIMEOUT_SECONDS,
             "every process of the first stack to exit")
    fourth = stacks(data_dir, "fourth")
    fourth.wait_running()
    assert (data_dir / "stack.env").read_bytes() != stack_env  # its own ports now
    # What the first stack's emulator held is there: its snapshot was not overwritten.
    kept = aws_client("s3", fourth.emulator_url).get_object(Bucket=bucket, Key="kept")
    assert kept["Body"].read() == b"orphan"


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_sigterm_to_make_runs_process_group_stops_everything_cleanly(
    stacks, tmp_path: Path
) -> None:
    # What `timeout`, systemd and container runtimes do to `make run`: SIGTERM to the group.
    # make forwards it, so the supervisor receives it twice.
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t{sys.executable} -m devstack\n")
    stack = stacks(tmp_path / "gas", "make", ["make", "-s", "-f", str(makefile), "run"])
    stack.wait_running()
    supervisor = stack.supervisor_pid()
    children = descendants(supervisor)
    assert len(children) >= 6
    os.killpg(stack.process.pid, signal.SIGTERM)
    stack.process.wait(timeout=GONE_TIMEOUT_SECONDS + 30)
    wait_for(lambda: not process_alive(supervisor), 10, "the supervisor to exit")
    assert not [pid for pid in children if process_alive(pid)]
    output = stack.output()
    # (The two copies may arrive before the handler runs and count as one; the gap cases
    # below send the second one on purpose.)
    assert "saved emulator state" in output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output


@pytest.mark.parametrize("gap_seconds", [0.3, "burst"])
def test_a_repeated_sigterm_during_shutdown_lets_it_finish(
    stacks, tmp_path: Path, gap_seconds: float | str
) -> None:
    stack = stacks(tmp_path / "gas", f"gap{gap_seconds}")
    stack.wait_running()
    children = descendants(stack.process.pid)
    stack.process.send_signal(signal.SIGTERM)
    if gap_seconds == "burst":  # copies all through the first steps of the shutdown
        for _ in range(40):
            time.sleep(0.005)
            stack.process.send_signal(signal.SIGTERM)
    else:
        time.sleep(gap_seconds)  # the copy lands while the workers, then the emulator, stop
        stack.process.send_signal(signal.SIGTERM)
    assert stack.process.wait(timeout=GONE_TIMEOUT_SECONDS + 30) == 0, stack.output()[-3000:]
    assert not [pid for pid in children if process_alive(pid)]
    assert "saved emulator state" in stack.output()
    assert "Traceback" not in stack.output()
    if gap_seconds:  # (with no gap both may be pending when the handler runs: one signal)
        assert "SIGTERM again within" in stack.output()
