"""The embedded local stack (`make run`): emulator, identity provider, web and workers, supervised.

    python -m devstack        # Ctrl-C stops everything; the emulator saves its state last

Settings come from the environment: GAS_DATA_DIR (.gas), PORT (5000), GAS_EMULATOR_PORT (5010),
GAS_IDP_PORT (5020) and every setting in stack.env under its own name. Web and worker programs
are started only if their module exists, so the stack runs with whatever is built so far;
GAS_STACK_PROGRAMS (e.g. `web,annotator`, empty: all) limits them further.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from devstack.net import free_port, wait_until_up
from devstack.pid_lock import LockHeld, hold_pid_lock
from devstack.stack_env import (
    LOOPBACK,
    StackPorts,
    child_environment,
    stack_env,
    write_env_file,
)
from devstack.supervisor import DEFAULT_STOP_TIMEOUT_SECONDS, Program, Supervisor
from gas.config import STACK_ENV_FILE_NAME
from gas.mailer import MAIL_PATH

log = logging.getLogger("devstack")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WEB_COMMAND = ("-m", "gunicorn", "-c", "web/gunicorn.conf.py", "web.wsgi:app",
               "-b", f"{LOOPBACK}:{{port}}")
WEB_MODULE = "web.wsgi"
WORKER_MODULES = {
    "annotator": "ann.annotator",
    "notify": "util.notify",
    "archive": "util.archive",
    "restore": "util.restore",
    "thaw": "util.thaw",
}
STARTUP_TIMEOUT_SECONDS = 60.0
LOCK_FILE_NAME = "stack.lock"
INIT_TIMEOUT_SECONDS = 120.0


def module_exists(module: str, root: Path = PROJECT_ROOT) -> bool:
    """True if `module` (dotted) is a file or package under the project root."""
    path = root.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def gas_init(stack: LocalStack) -> None:
    """Create the AWS resources and accounts schema: `gas init` against the running emulator.

    It runs as a child process so it sees exactly the environment the other programs get
    (stack.env), without changing this process's environment.
    """
    command = [sys.executable, "-m", "gas", "init"]
    env = {**stack.child_env, "PYTHONPATH": _prepend_path(str(PROJECT_ROOT),
                                                          stack.child_env.get("PYTHONPATH"))}
    result = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=INIT_TIMEOUT_SECONDS, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"`gas init` failed (exit {result.returncode}): "
                           f"{(result.stderr or result.stdout).strip()[-2000:]}")
    log.info("resources ready: %s", result.stdout.strip())


class LocalStack:
    """The whole local stack on loopback ports, run in the background (`with LocalStack(dir):`).

    One start and one stop per object; start a new LocalStack on the same data dir to restart.
    """

    def __init__(
        self,
        data_dir: Path | str,
        port: int = 0,
        emulator_port: int = 0,
        idp_port: int = 0,
        environ: Mapping[str, str] | None = None,
        programs: Sequence[str] | None = None,
        provision: Callable[[LocalStack], None] | None = None,
        out: TextIO | None = None,
        snapshot_seconds: float = 30.0,
        stop_timeout: float = DEFAULT_STOP_TIMEOUT_SECONDS,
        annotators: int = 1,
        root: Path = PROJECT_ROOT,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.ports = StackPorts(port or free_port(), emulator_port or free_port(),
                                idp_port or free_port())
        caller = dict(os.environ if environ is None else environ)
        self.env = stack_env(self.data_dir, self.ports, caller)
        self.child_env = child_environment(caller, self.env)
        self.programs = programs  # None: web and every worker whose module exists
        self.provision = provision or gas_init
        self.snapshot_seconds = snapshot_seconds
        self.annotators = annotators  # annotator processes (the benchmark compares 1 and 2)
        self.root = root  # where web/, ann/ and util/ are
        self._own_out = out is None  # then programs' output goes to DATA_DIR/stack.log
        self.supervisor = Supervisor(out=out, stop_timeout=stop_timeout)
        self._lock_file: TextIO | None = None

    @property
    def web_url(self) -> str:
        """Where the web app answers."""
        return f"http://{LOOPBACK}:{self.ports.web}"

    @property
    def emulator_url(self) -> str:
        """The AWS emulator's endpoint."""
        return self.env["AWS_ENDPOINT_URL"]

    @property
    def idp_url(self) -> str:
        """The identity provider's base URL."""
        return self.env["GLOBUS_SDK_SERVICE_URL_AUTH"].rstrip("/")

    @property
    def mail_url(self) -> str:
        """Where the mail GAS sent can be read (moto's SES data)."""
        return self.emulator_url + MAIL_PATH

    def _python(self, *args: str) -> list[str]:
        """A command running this interpreter."""
        return [sys.executable, *args]

    def infrastructure(self) -> list[Program]:
        """The emulator and the identity provider (stopped after everything else)."""
        emulator = self._python(
            "-m", "devstack.emulator", "--host", LOOPBACK, "--port", str(self.ports.emulator),
            "--state-dir", str(self.data_dir / "emulator"),
            "--snapshot-seconds", str(self.snapshot_seconds))
        idp = self._python("-m", "devstack.idp", "--host", LOOPBACK,
                           "--port", str(self.ports.idp), "--state-dir", str(self.data_dir / "idp"))
        return [self._program("emulator", emulator, stop_last=True),
                self._program("idp", idp, stop_last=True)]

    def applications(self) -> list[Program]:
        """Web and workers whose modules exist (and, if given, whose names were asked for)."""
        wanted = set(self.programs) if self.programs is not None else None
        found = []
        if module_exists(WEB_MODULE, self.root) and (wanted is None or "web" in wanted):
            found.append(self._program("web", self._python(*self._web_args())))
        for name, module in WORKER_MODULES.items():
            if module_exists(module, self.root) and (wanted is None or name in wanted):
                copies = self.annotators if name == "annotator" else 1
                for number in range(1, copies + 1):
                    label = name if number == 1 else f"{name}-{number}"
                    found.append(self._program(label, self._python("-m", module)))
        return found

    def _web_args(self) -> list[str]:
        """WEB_COMMAND for this port (without -c when the gunicorn config file is absent)."""
        args = [part.format(port=self.ports.web) for part in WEB_COMMAND]
        if not (self.root / "web" / "gunicorn.conf.py").is_file():
            at = args.index("-c")
            del args[at:at + 2]
        return args

    def _program(self, name: str, argv: list[str], stop_last: bool = False) -> Program:
        """A supervised program with the stack's environment, run from the project root."""
        env = {**self.child_env, "PYTHONPATH": _prepend_path(str(self.root),
                                                             self.child_env.get("PYTHONPATH"))}
        # Each child holds the data dir's lock too: while any process of this stack lives
        # (the emulator saving its state after the supervisor was killed, say), no other stack
        # can start on the directory.
        locks = (self._lock_file.fileno(),) if self._lock_file is not None else ()
        return Program(name, argv, env=env, cwd=str(self.root), stop_last=stop_last,
                       pass_fds=locks)

    def _check_ports_free(self) -> None:
        """Fail fast, naming the setting, if a port is already taken."""
        for key, number in (("PORT", self.ports.web), ("GAS_EMULATOR_PORT", self.ports.emulator),
                            ("GAS_IDP_PORT", self.ports.idp)):
            with socket.socket() as probe:
                if probe.connect_ex((LOOPBACK, number)) == 0:
                    raise RuntimeError(f"port {number} ({key}) is in use: stop what runs there "
                                       f"or set {key} to another port")

    def _lock_data_dir(self) -> None:
        """Refuse to run two stacks on one data directory (they would overwrite its state).

        The lock (flock on DATA_DIR/stack.lock, which names the supervisor's pid) is checked
        before anything in the directory is written: stack.env, secrets, the emulator's state.
        """
        try:
            self._lock_file = hold_pid_lock(self.data_dir / LOCK_FILE_NAME)
        except LockHeld as held:
            raise RuntimeError(
                f"another local stack is running on {self.data_dir} (supervisor pid "
                f"{held.holder}, lock {self.data_dir / LOCK_FILE_NAME}): stop it first, or set "
                "GAS_DATA_DIR to another directory") from None

    def _wait_for(self, name: str, url: str) -> None:
        """Wait until `url` answers, failing early if the supervisor gave the program up."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            try:
                wait_until_up(url, timeout=0.5)
                return
            except TimeoutError:
                if name in self.supervisor.given_up() or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start (see its output above)") from None

    def start(self) -> LocalStack:
        """Start the stack; return when the emulator and provider answer and resources exist."""
        if self._own_out:
            self.supervisor.out = open(self.data_dir / "stack.log", "a")
        try:
            self._lock_data_dir()
            self._check_ports_free()
            write_env_file(self.data_dir / STACK_ENV_FILE_NAME, self.env,
                           "how to reach the running local stack (written by devstack)")
            self.supervisor.start()
            for program in self.infrastructure():
                self.supervisor.add(program)
            self._wait_for("emulator", self.emulator_url + "/moto-api/")
            self._wait_for("idp", self.idp_url + "/.well-known/openid-configuration")
            self.provision(self)
            for program in self.applications():
                self.supervisor.add(program)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every program (the emulator last, saving its state) and release the data dir."""
        self.supervisor.stop()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        if self._own_out and not self.supervisor.out.closed:
            self.supervisor.out.close()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _prepend_path(root: str, existing: str | None) -> str:
    """PYTHONPATH with the project root first, so `python -m web...` finds the project."""
    return f"{root}{os.pathsep}{existing}" if existing else root

