"""`python -m devstack`: run the whole local stack in the foreground (what `make run` calls).

Ctrl-C (or SIGTERM) stops every program, the emulator last so it saves its state; a second
Ctrl-C kills what is still running (a copy within a second, as make forwards, is ignored).
Besides the settings in stack.env: GAS_STACK_PROGRAMS (e.g. `web,annotator`; `none` runs only
the emulator and identity provider), GAS_ANNOTATORS (annotator processes, 1) and
GAS_EMULATOR_SNAPSHOT_SECONDS (crash-safety snapshot period, 30).
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
# GNU make forwards the SIGTERM its process group got: the copy arrives within milliseconds.
DUPLICATE_SIGNAL_SECONDS = 1.0


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


class StopSignals:
    """SIGTERM/SIGINT: the first stops the stack; a repeat within a second is the same request.

    `make run` stopped by SIGTERM to its process group (timeout, systemd, container runtimes)
    delivers it twice, since GNU make forwards it: that repeat must not cut the shutdown short.
    Only the first signal raises (KeyboardInterrupt, to leave start-up or the wait); a later one
    (Ctrl-C again) kills what is still running; none ever raises inside the shutdown.
    """

    def __init__(self) -> None:
        self.first_at: float | None = None
        self.stack: LocalStack | None = None

    def install(self) -> None:
        """Handle SIGTERM and SIGINT from now on."""
        signal.signal(signal.SIGTERM, self.on_signal)
        signal.signal(signal.SIGINT, self.on_signal)

    def begin_stop(self) -> None:
        """The shutdown starts: signals from now on never raise."""
        if self.first_at is None:
            self.first_at = time.monotonic()

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        """Raise on the first signal; ignore a duplicate; hurry the stop on a later one."""
        name = signal.Signals(signum).name
        if self.first_at is None:
            self.first_at = time.monotonic()
            raise KeyboardInterrupt
        if time.monotonic() - self.first_at < DUPLICATE_SIGNAL_SECONDS:
            log.info("%s again within %.0f s (forwarded by make?): already stopping", name,
                     DUPLICATE_SIGNAL_SECONDS)
            return
        log.warning("%s again: killing what is still running", name)
        if self.stack is not None:
            self.stack.supervisor.hurry()


def main() -> int:
    """Run the local stack in the foreground until Ctrl-C or SIGTERM."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="devstack | %(levelname)s %(message)s")
    signals = StopSignals()
    signals.install()
    try:
        stack = signals.stack = from_environment()
        stack.start()
        _announce(stack)
        while True:
            time.sleep(3600)
    except ValueError as error:  # a bad setting
        log.error("%s", error)
        return 2
    except KeyboardInterrupt:
        signals.begin_stop()
        log.info("stopping the local stack (Ctrl-C again to kill at once)")
    except RuntimeError as error:
        signals.begin_stop()
        log.error("%s", error)
        return 1
    finally:
        signals.begin_stop()
        if signals.stack is not None:
            signals.stack.stop()
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
