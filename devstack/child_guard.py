"""Run a supervised program so that it never outlives its supervisor (Linux).

    python -m devstack.child_guard -m ann.annotator      # what the supervisor starts

The supervisor starts every child through this module, with its own pid in GAS_SUPERVISOR_PID
and its stop timeout in GAS_ORPHAN_GRACE_SECONDS. Here, before the program runs:
- PR_SET_PDEATHSIG (prctl through ctypes): the kernel sends SIGTERM when the supervisor dies,
  even by SIGKILL, so the program stops as it does on a clean stop (workers finish the job in
  hand, the emulator saves its state);
- the parent pid is checked once the signal is armed: a supervisor that died before that moment
  would never send it;
- a watcher thread polls the parent pid; once it changes (the supervisor is gone), it gives the
  program the grace the supervisor would have given and then SIGKILLs the program's process
  group (gunicorn's workers, an annotator's engine children), as the supervisor does.
A `python -m MODULE`, `python SCRIPT` or `python -c CODE` command runs in this process (runpy),
so the watcher lives inside it; any other command is exec'd with the death signal alone.
"""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys
import threading
import time

GUARD_MODULE = "devstack.child_guard"
PARENT_ENV = "GAS_SUPERVISOR_PID"
GRACE_ENV = "GAS_ORPHAN_GRACE_SECONDS"
DEFAULT_GRACE_SECONDS = 25.0
WATCH_SECONDS = 0.25
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def set_parent_death_signal(signum: int) -> bool:
    """Ask the kernel for `signum` when the parent dies; False where prctl is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux: the watcher alone covers it
        return False


def _say(text: str) -> None:
    """One line on stderr (the supervisor prefixes it with the program's name)."""
    try:
        print(f"child_guard: {text}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # the pipe's reader, the supervisor, is gone
        pass


def _watch(parent: int, grace: float, armed: bool) -> None:
    """Once the parent is gone: SIGTERM (unless the kernel sent it), then SIGKILL the group."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    _say(f"supervisor (pid {parent}) is gone; stopping, killed in {grace:.0f} s if still running")
    if not armed:
        os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(grace)
    if os.getpgid(0) == os.getpid():  # our own group (the supervisor starts each in a session)
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)  # run by hand inside a shell's group: only ourselves


def guard(parent: int, grace: float) -> bool:
    """Arm the death signal, check the parent still lives and start the watcher."""
    armed = set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:
        _say(f"supervisor (pid {parent}) died before this program started; not starting")
        raise SystemExit(1)
    threading.Thread(target=_watch, args=(parent, grace, armed), name="orphan-guard",
                     daemon=True).start()
    return armed


def run_python(args: list[str]) -> None:
    """Run `-m MODULE ...`, `-c CODE ...` or `SCRIPT ...` as the interpreter would."""
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        sys.path[0] = ""
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = list(args)
        sys.path[0] = os.path.dirname(os.path.abspath(args[0]))
        runpy.run_path(args[0], run_name="__main__")


def guarded_argv(argv: list[str]) -> list[str]:
    """The command that runs `argv` under this guard."""
    if _same_interpreter(argv[0]) and len(argv) > 1 and not _other_flag(argv[1:]):
        return [sys.executable, "-m", GUARD_MODULE, *argv[1:]]
    return [sys.executable, "-m", GUARD_MODULE, "--exec", *argv]


def _same_interpreter(program: str) -> bool:
    """True if `program` is this Python (then the program can run inside the guard)."""
    return os.path.realpath(program) == os.path.realpath(sys.executable)


def _other_flag(args: list[str]) -> bool:
    """True if the interpreter arguments are anything but -m/-c/a script (run those by exec)."""
    first = args[0]
    if first in ("-m", "-c"):
        return len(args) < 2
    return first.startswith("-")


def main() -> None:
    """Guard, then run the program named on the command line."""
    parent = int(os.environ.pop(PARENT_ENV, "0") or 0) or os.getppid()
    grace = float(os.environ.pop(GRACE_ENV, "") or DEFAULT_GRACE_SECONDS)
    args = sys.argv[1:]
    if args and args[0] == "--exec":
        guard_for_exec(parent, args[1:])
    guard(parent, grace)
    run_python(args)


def guard_for_exec(parent: int, argv: list[str]) -> None:
    """Arm the death signal (it survives exec) and replace this process with `argv`."""
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:
        raise SystemExit(1)
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main()
