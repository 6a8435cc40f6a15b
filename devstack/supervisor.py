"""Run named commands as separate OS processes, restart those that die, stop them all cleanly.

    python -m devstack.supervisor 'web=python -m flask run' 'worker=python -m ann.annotator'

Each child runs in its own session (so its own process group): Ctrl-C in the terminal reaches
only the supervisor, which then sends SIGTERM to every group (workers finish the job in hand),
waits up to `stop_timeout` seconds and sends SIGKILL to what is left. Programs marked
`stop_last` (the emulator, which saves its state on SIGTERM) are stopped after all the others.
A child that dies is restarted after a backoff that doubles with each crash in a row; after
`max_fast_crashes` crashes each within `fast_crash_seconds` of starting, it is given up on.

Children never outlive the supervisor, even one killed with SIGKILL: each runs under
`devstack.child_guard` (the kernel's parent-death signal, plus a watcher that kills the child's
group once its grace, the stop timeout, has passed). The kernel sends that signal when the
*thread* that started the child ends, so every child is started from one spawner thread that
lives as long as the process.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import FrameType
from typing import TextIO

from devstack.child_guard import GRACE_ENV, PARENT_ENV, guarded_argv

log = logging.getLogger("devstack.supervisor")
POLL_SECONDS = 0.1
# Longer than an SQS long poll (20 s maximum), so an idle worker can notice the stop and exit.
DEFAULT_STOP_TIMEOUT_SECONDS = 25.0


@dataclass(frozen=True)
class Program:
    """A command to keep running: its name (the output prefix), argv and environment."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None  # None: the supervisor's environment
    cwd: str | None = None
    stop_last: bool = False
    pass_fds: tuple[int, ...] = ()  # e.g. the data dir's lock, held while the child lives


@dataclass
class _Child:
    """A program's current process and restart bookkeeping."""

    program: Program
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    crashes_in_a_row: int = 0
    restart_at: float | None = None
    given_up: bool = False
    readers: list[threading.Thread] = field(default_factory=list)


class Supervisor:
    """Keeps a set of programs running; thread-safe `add`, `stop`, and a monitor loop."""

    def __init__(
        self,
        out: TextIO | None = None,
        stop_timeout: float = DEFAULT_STOP_TIMEOUT_SECONDS,
        max_fast_crashes: int = 5,
        fast_crash_seconds: float = 10.0,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 10.0,
    ) -> None:
        self.out = out if out is not None else sys.stdout
        self.stop_timeout = stop_timeout
        self.max_fast_crashes = max_fast_crashes
        self.fast_crash_seconds = fast_crash_seconds
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._children: dict[str, _Child] = {}
        self._lock = threading.RLock()
        self._out_lock = threading.Lock()
        self._stopping = threading.Event()
        self._monitor: threading.Thread | None = None
        # One thread starts every child and lives until interpreter exit (see the docstring).
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spawner")

    # -- starting -------------------------------------------------------------------------
    def add(self, program: Program) -> None:
        """Start `program` now and keep it running."""
        with self._lock:
            if self._stopping.is_set():
                raise RuntimeError(f"not starting {program.name}: the supervisor is stopping")
            if program.name in self._children:
                raise ValueError(f"a program named {program.name!r} is already supervised")
            child = _Child(program)
            self._children[program.name] = child
            self._spawn(child)

    def _spawn(self, child: _Child) -> None:
        """Start the child's process in a new session, its output piped to a prefixing reader."""
        program = child.program
        env = dict(os.environ if program.env is None else program.env)
        env.setdefault("PYTHONUNBUFFERED", "1")  # so lines arrive as they are written
        env[PARENT_ENV], env[GRACE_ENV] = str(os.getpid()), str(self.stop_timeout)
        child.process = self._spawner.submit(
            subprocess.Popen, guarded_argv(list(program.argv)), env=env, cwd=program.cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, pass_fds=program.pass_fds,
        ).result()
        child.started_at = time.monotonic()
        child.restart_at = None
        reader = threading.Thread(
            target=self._copy_output, args=(program.name, child.process.stdout),
            name=f"output-{program.name}", daemon=True,
        )
        reader.start()
        child.readers = [t for t in child.readers if t.is_alive()] + [reader]
        log.info("started %s (pid %d): %s", program.name, child.process.pid,
                 shlex.join(program.argv))

    def _copy_output(self, name: str, stream) -> None:
        """Copy a child's output to `out`, each line prefixed with the child's name."""
        width = max(8, len(name))
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            with self._out_lock:
                try:
                    self.out.write(f"{name:<{width}} | {line}\n")
                    self.out.flush()
                except (ValueError, OSError):
                    pass  # the output was closed (stack stopped): keep draining the pipe
        stream.close()

    # -- watching -------------------------------------------------------------------------
    def start(self) -> None:
        """Watch the children from a background thread."""
        self._monitor = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._monitor.start()

    def _watch(self) -> None:
        """Restart children that exit, until stopping."""
        while not self._stopping.wait(POLL_SECONDS):
            with self._lock:
                for child in self._children.values():
                    self._check(child)

    def _check(self, child: _Child) -> None:
        """Handle one child's exit or due restart."""
        if child.given_up or self._stopping.is_set():
            return
        if child.process is not None and child.process.poll() is not None:
            self._on_exit(child)
        if child.restart_at is not None and time.monotonic() >= child.restart_at:
            try:
                self._spawn(child)
            except OSError as error:  # e.g. the program's executable vanished
                child.given_up, child.restart_at = True, None
                log.error("giving up on %s: cannot start it again: %s", child.program.name, error)

    def _on_exit(self, child: _Child) -> None:
        """Log an unexpected exit and schedule a restart, or give up after repeated crashes."""
        name, code = child.program.name, child.process.returncode
        _kill_group(child.process.pid, signal.SIGKILL)  # leftovers of the dead child's group
        ran = time.monotonic() - child.started_at
        child.process = None
        child.crashes_in_a_row = child.crashes_in_a_row + 1 if ran < self.fast_crash_seconds else 1
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"code {code}"
        if child.crashes_in_a_row >= self.max_fast_crashes:
            child.given_up = True
            log.error("giving up on %s: it exited %d times in a row within %.0f s of starting "
                      "(last: %s)", name, child.crashes_in_a_row, self.fast_crash_seconds, how)
            return
        delay = min(self.backoff_seconds * 2 ** (child.crashes_in_a_row - 1),
                    self.max_backoff_seconds)
        child.restart_at = time.monotonic() + delay
        log.warning("%s exited with %s after %.1f s; restarting in %.1f s", name, how, ran, delay)

    def pids(self) -> dict[str, int | None]:
        """Current pid of each program (None while waiting to restart or given up)."""
        with self._lock:
            return {n: c.process.pid if c.process else None for n, c in self._children.items()}

    def given_up(self) -> list[str]:
        """Names of programs the supervisor stopped restarting."""
        with self._lock:
            return [name for name, child in self._children.items() if child.given_up]

    # -- stopping -------------------------------------------------------------------------
    def stop(self) -> None:
        """SIGTERM every child (others first, then `stop_last` ones), SIGKILL after the timeout."""
        self._stopping.set()
        if self._monitor is not None and self._monitor is not threading.current_thread():
            self._monitor.join()
        with self._lock:
            children = list(self._children.values())
        for last in (False, True):
            self._stop_group([c for c in children if c.program.stop_last == last])
        for child in children:
            for reader in child.readers:
                reader.join(timeout=2)

    def _stop_group(self, children: list[_Child]) -> None:
        """Stop these children together."""
        running = [c for c in children if c.process is not None and c.process.poll() is None]
        for child in running:
            log.info("stopping %s (pid %d)", child.program.name, child.process.pid)
            _kill_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %.0f s: killing it",
                            child.program.name, self.stop_timeout)
        for child in children:
            if child.process is not None:
                _kill_group(child.process.pid, signal.SIGKILL)  # and any leftover grandchildren
                child.process.wait()
                child.process = None  # so a second stop() signals nothing

    def hurry(self) -> None:
        """Shorten a stop in progress: what is still running is killed now."""
        self.stop_timeout = 0.0
        with self._lock:
            for child in self._children.values():
                if child.process is not None:
                    _kill_group(child.process.pid, signal.SIGKILL)

    def run_until_signal(self) -> int:
        """Watch the children until SIGTERM/SIGINT (a second one kills at once); return 0."""
        stop_requested = threading.Event()

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            if stop_requested.is_set():
                log.warning("second %s: killing everything now", signal.Signals(signum).name)
                self.hurry()
                return
            log.info("received %s: stopping all programs", signal.Signals(signum).name)
            stop_requested.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        self.start()
        while not stop_requested.wait(0.5):
            pass
        self.stop()
        log.info("all programs stopped")
        return 0


def _kill_group(pid: int, signum: int) -> None:
    """Signal the process group led by `pid`, if it still exists."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def parse_program(spec: str) -> Program:
    """Parse `NAME=COMMAND LINE` into a Program."""
    name, sep, command = spec.partition("=")
    if not sep or not name.strip() or not command.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=COMMAND, got {spec!r}")
    return Program(name.strip(), shlex.split(command))


def main(argv: list[str] | None = None) -> int:
    """Supervise the programs given as NAME=COMMAND arguments until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="+", type=parse_program, metavar="NAME=COMMAND")
    parser.add_argument("--stop-timeout", type=float, default=DEFAULT_STOP_TIMEOUT_SECONDS)
    parser.add_argument("--max-fast-crashes", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="supervisor | %(levelname)s %(message)s")
    supervisor = Supervisor(stop_timeout=args.stop_timeout,
                            max_fast_crashes=args.max_fast_crashes)
    for program in args.programs:
        supervisor.add(program)
    return supervisor.run_until_signal()


if __name__ == "__main__":
    raise SystemExit(main())
