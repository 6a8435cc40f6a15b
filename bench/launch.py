"""Run one command and report its wall time and peak RSS (RUSAGE_CHILDREN) as JSON.

The benchmark starts this small process for every tool: a child's ru_maxrss includes the RSS
of the process it was forked from, so forking tools straight from the benchmark (which holds
the generated data) would inflate every figure by the benchmark's own size.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def main() -> int:
    """Run the command after `--`; write {"seconds", "max_rss_kb", "returncode"} to --report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", required=True)
    parser.add_argument("--stdout")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    sink = open(args.stdout, "wb") if args.stdout else subprocess.DEVNULL
    started = time.perf_counter()
    try:
        code = subprocess.run(cmd, stdout=sink, check=False).returncode
    finally:
        if args.stdout:
            sink.close()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(args.report, "w") as fh:
        json.dump({"seconds": seconds, "max_rss_kb": usage.ru_maxrss, "returncode": code}, fh)
    return code


if __name__ == "__main__":
    sys.exit(main())
