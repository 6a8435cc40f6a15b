"""The `gas` command (also `python -m gas`): set-up, jobs, users' plans, dead-letter queues.

Exit status: 0 done, 1 failed (one line on stderr says why and what to do), 2 bad input. A
command that fails writes nothing where it runs.
"""

from __future__ import annotations

import argparse
import json
import sys

from gas.cli import dlq, jobs, users
from gas.cli.errors import EXPLAINED, CliError, explain
from gas.cli.lookup import open_accounts
from gas.config import Settings, SettingsError, load_settings
from gas.logs import setup_logging


def init(settings: Settings, _args: argparse.Namespace) -> int:
    """Create every AWS resource and the accounts schema (idempotent)."""
    from gas.resources import ensure_resources

    ensure_resources(settings)  # AWS first: the accounts file appears only once AWS answered
    open_accounts(settings, create=True)
    print(json.dumps({"initialised": settings.name}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line of `gas`."""
    parser = argparse.ArgumentParser(prog="gas", description="GAS operator commands")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create AWS resources and the accounts schema").set_defaults(
        func=init)
    for module in (jobs, users, dlq):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `gas` console command."""
    args = build_parser().parse_args(argv)
    setup_logging("WARNING")
    settings = None
    try:
        settings = load_settings()
        return args.func(settings, args)
    except SettingsError as exc:
        print(f"gas: configuration: {exc}", file=sys.stderr)
        return 2
    except CliError as exc:
        print(f"gas: {exc}", file=sys.stderr)
        return exc.status
    except EXPLAINED as exc:
        print(f"gas: {explain(exc, settings)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
