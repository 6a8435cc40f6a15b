"""`python -m ann SUBCOMMAND ...`: annotate (the engine), build-data and add-source (the
bundle), run-job (one job through the job runner, for operators)."""

from __future__ import annotations

import importlib
import sys

# Subcommand -> module with main(argv) -> exit status.
SUBCOMMANDS = {
    "annotate": "ann.engine.cli",
    "build-data": "ann.bundle.cli",
    "run-job": "ann.job_runner",
    "add-source": "ann.bundle.add_source",
}
USAGE = "usage: python -m ann {" + ",".join(SUBCOMMANDS) + "} [options]"


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the subcommand's main(argv)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in SUBCOMMANDS:
        print(USAGE, file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(SUBCOMMANDS[argv[0]])
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
