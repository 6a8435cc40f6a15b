"""Run one tool in a fresh process and measure wall time and memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2  # smaps_rollup walks page tables: sample gently


@dataclass(frozen=True)
class Run:
    """What one timed run of a tool gave."""

    tool: str
    seconds: float
    max_rss_mb: float  # largest single process (RUSAGE_CHILDREN ru_maxrss in bench.launch)
    tree_pss_mb: float  # largest sampled PSS sum over the process tree (workers add up)
    returncode: int


def _children() -> dict[int, list[int]]:
    """Return pid → child pids for every process visible in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss_kb(pid: int) -> int:
    """Return a process's proportional set size in KiB (0 once it is gone).

    PSS splits pages shared between processes (a forked worker pool shares most of its
    parent's pages) among them, so summing it over a process tree counts each page once.
    """
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss_kb(root: int) -> int:
    """Return the summed PSS of a process and all its descendants."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo.extend(tree.get(pid, ()))
    return total


def run(tool: str, cmd: list[str], stdout: Path | None, report: Path) -> Run:
    """Run `cmd` through bench.launch (stdout to a file if given); return time and memory."""
    peak = [0]
    done = threading.Event()
    launcher = [sys.executable, "-m", "bench.launch", "--report", str(report)]
    launcher += ["--stdout", str(stdout)] if stdout else []
    proc = subprocess.Popen([*launcher, "--", *cmd], stderr=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parents[1])

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            peak[0] = max(peak[0], _tree_pss_kb(proc.pid) - _pss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode:
        print(f"{tool} failed ({proc.returncode}): {stderr.decode(errors='replace')[-2000:]}")
    try:
        figures = json.loads(report.read_text())
    except (OSError, ValueError):
        return Run(tool, 0.0, 0.0, peak[0] / 1024, proc.returncode or 1)
    return Run(tool, figures["seconds"], figures["max_rss_kb"] / 1024, peak[0] / 1024,
               figures["returncode"])
