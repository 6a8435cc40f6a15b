"""`python -m devstack`: run the whole local stack in the foreground (what `make run` calls).

Ctrl-C (or SIGTERM) stops every program, the emulator last so it saves its state; a second
Ctrl-C kills what is still running. Besides the settings in stack.env: GAS_STACK_PROGRAMS
(e.g. `web,annotator`; `none` runs only the emulator and identity provider), GAS_ANNOTATORS
(annotator processes, 1) and GAS_EMULATOR_SNAPSHOT_SECONDS (crash-safety snapshot period, 30).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

from devstack.net import wait_until_up
from devstack.stack import STARTUP_TIMEOUT_SECONDS, WEB_MODULE, LocalStack
from devstack.stack_env import resolve_ports

log = logging.getLogger("devstack")


def from_environment(environ: Mapping[str, str] | None = None) -> LocalStack:
    """The stack `make run` starts: data dir and ports from the environment (or defaults)."""
    environ = dict(os.environ if environ is None else environ)
    ports = resolve_ports(environ)
    data_dir = Path(environ.get("GAS_DATA_DIR") or ".gas")
    only = environ.get("GAS_STACK_PROGRAMS")
    programs = [name.strip() for name in only.split(",") if name.strip()] if only else None
    snapshot_seconds = float(environ.get("GAS_EMULATOR_SNAPSHOT_SECONDS") or 30)
    annotators = int(environ.get("GAS_ANNOTATORS") or 1)
    if not 1 <= annotators <= 16:
        raise ValueError(f"GAS_ANNOTATORS={annotators} is out of range [1, 16]")
    return LocalStack(data_dir, port=ports.web, emulator_port=ports.emulator,
                      idp_port=ports.idp, environ=environ, programs=programs, out=sys.stdout,
                      snapshot_seconds=snapshot_seconds, annotators=annotators)


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    """Treat SIGTERM like Ctrl-C while starting and running."""
    raise KeyboardInterrupt


def main() -> int:
    """Run the local stack in the foreground until Ctrl-C or SIGTERM."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="devstack | %(levelname)s %(message)s")
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        stack = from_environment()
    except ValueError as error:
        log.error("%s", error)
        return 2
    try:
        stack.start()
        _announce(stack)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        log.info("stopping the local stack (Ctrl-C again to kill at once)")
    except RuntimeError as error:
        log.error("%s", error)
        return 1
    finally:
        # A second Ctrl-C/SIGTERM while stopping kills what is left instead of waiting.
        signal.signal(signal.SIGINT, lambda *_: stack.supervisor.hurry())
        signal.signal(signal.SIGTERM, lambda *_: stack.supervisor.hurry())
        stack.stop()
    return 0


def _announce(stack: LocalStack) -> None:
    """Tell the user where GAS and its mail are."""
    names = [p.name for p in stack.applications()]
    if "web" in names:
        try:
            wait_until_up(stack.web_url, timeout=STARTUP_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("the web app has not answered yet at %s", stack.web_url)
        print(f"GAS is running at {stack.web_url}", flush=True)
    else:
        print(f"GAS web app not started ({WEB_MODULE} not built yet, or left out by "
              f"GAS_STACK_PROGRAMS); AWS emulator at {stack.emulator_url}", flush=True)
    print(f"Mail sent by GAS: {stack.mail_url}  (programs: {', '.join(names) or 'none'})",
          flush=True)
    print(f"State is kept in {stack.data_dir}; Ctrl-C stops everything.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
