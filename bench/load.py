"""Load benchmark on the local stack: signed-in users browsing and submitting course-sized jobs.

    make bench-load                               # 1 and 2 annotators, then wrk on every page
    make bench-load BENCH_ARGS="--seconds 30 --browsers 2"

For each annotator count a fresh local stack (web, emulator, identity provider, every worker)
runs on loopback. Browsing users, each signed in through the real identity-provider flow, cycle
through the pages of their own finished job while one user submits a course-sized job every
`--interval` seconds and polls it through the API. Printed: jobs per minute, submit → COMPLETED
p50/p95, web p50/p95 per page, errors and jobs lost (both must be 0). Then wrk (50 connections,
Debian's wrk) measures each page alone on the idle stack, for a user with ten finished jobs:
requests/s, its share of the home page's, p50/p99 and requests past wrk's 2 s timeout. A PNG plot
of latency over time goes to bench/out/load.png.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.e2e import course_vcf, percentile
from devstack.net import wait_until_up
from devstack.stack import LocalStack
from tests.attacks.support import User

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
FINAL = ("COMPLETED", "FAILED")
DRAIN_SECONDS = 180  # how long submitted jobs may take to finish once the load stops
WRK_SECONDS = 10
WRK_CONNECTIONS = 50
WRK_USER_JOBS = 10  # the wrk user's finished jobs: its lists show that many
PAGES = ("home", "jobs", "job", "log", "api_jobs")


@dataclass
class Sample:
    """One request: when it started (s since the phase began), which page, how long, whether ok."""

    at: float
    page: str
    seconds: float
    ok: bool


@dataclass
class Phase:
    """What one run with a given number of annotators saw."""

    annotators: int
    samples: list[Sample] = field(default_factory=list)
    latencies: dict[str, float] = field(default_factory=dict)  # job id → submit → COMPLETED
    submitted: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    span: float = 0.0  # first submission → last completion


def page_paths(job_id: str) -> dict[str, str]:
    """The signed-in pages a browsing user visits, by name."""
    return {"home": "/", "jobs": "/annotations", "job": f"/annotations/{job_id}",
            "log": f"/annotations/{job_id}/log", "api_jobs": "/api/v1/jobs"}


def signed_in(web_url: str, label: str) -> User:
    """A new user signed in through the real flow."""
    user = User(web_url, f"{label}-{uuid.uuid4().hex[:6]}@load.example", f"Load {label}")
    answer = user.sign_in()
    if answer.status_code not in (302, 303):
        raise SystemExit(f"sign-in failed for {user.email}: {answer.status_code}")
    return user


def browse(user: User, job_id: str, phase: Phase, started: float, stop: threading.Event):
    """Cycle through the user's pages until told to stop, recording every request."""
    paths = page_paths(job_id)
    while not stop.is_set():
        for page, path in paths.items():
            began = time.monotonic()
            try:
                ok = user.get(path).status_code == 200
            except OSError as error:  # requests' ConnectionError and Timeout are OSErrors
                ok = False
                phase.errors.append(f"{page}: {error}")
            phase.samples.append(Sample(began - started, page, time.monotonic() - began, ok))
            if not ok and len(phase.errors) < 20:
                phase.errors.append(f"{page}: not 200")


def submit_loop(user: User, vcf: bytes, interval: float, phase: Phase, stop: threading.Event,
                submitted: dict[str, float]) -> None:
    """Submit a job every `interval` seconds until told to stop."""
    while not stop.is_set():
        began = time.monotonic()
        try:
            submitted[user.submit("course.vcf", vcf)] = time.monotonic()
        except (OSError, AssertionError) as error:
            phase.errors.append(f"submit: {error}")
        stop.wait(max(0.0, interval - (time.monotonic() - began)))


def wait_done(user: User, submitted: dict[str, float], phase: Phase, until: float) -> None:
    """Poll the submitted jobs through the API until each is final or time runs out."""
    pending = dict(submitted)
    while pending and time.monotonic() < until:
        for job_id, at in list(pending.items()):
            try:
                status = user.job(job_id)["status"]
            except (OSError, AssertionError):
                continue
            if status in FINAL:
                del pending[job_id]
                if status == "COMPLETED":
                    phase.latencies[job_id] = time.monotonic() - at
                else:
                    phase.failed += 1
        time.sleep(0.25)


def run_phase(stack: LocalStack, annotators: int, vcf: bytes, args) -> Phase:
    """Mixed load on a running stack: browsers on finished jobs, one submitter."""
    phase = Phase(annotators)
    browsers = []
    for n in range(args.browsers):
        user = signed_in(stack.web_url, f"browser{n}")
        job_id = user.submit("seed.vcf", vcf)
        user.wait_until(job_id)
        browsers.append((user, job_id))
    submitter = signed_in(stack.web_url, "submitter")
    stop, submitted = threading.Event(), {}
    started = time.monotonic()
    threads = [threading.Thread(target=browse, args=(u, j, phase, started, stop), daemon=True)
               for u, j in browsers]
    threads.append(threading.Thread(target=submit_loop, daemon=True,
                                    args=(submitter, vcf, args.interval, phase, stop, submitted)))
    poller = threading.Thread(target=_poll_while_running, daemon=True,
                              args=(submitter, submitted, phase, stop))
    for thread in [*threads, poller]:
        thread.start()
    stop.wait(args.seconds)
    stop.set()
    for thread in [*threads, poller]:
        thread.join()
    remaining = {j: t for j, t in submitted.items() if j not in phase.latencies}
    wait_done(submitter, remaining, phase, time.monotonic() + DRAIN_SECONDS)
    phase.submitted = len(submitted)
    if submitted:
        first = min(submitted.values())
        phase.span = max(submitted[j] + s for j, s in phase.latencies.items()) - first \
            if phase.latencies else 0.0
    return phase


def _poll_while_running(user: User, submitted: dict[str, float], phase: Phase,
                        stop: threading.Event) -> None:
    """Record completions while the load runs (so latencies do not include the drain wait)."""
    while not stop.is_set():
        wait_done(user, {j: t for j, t in list(submitted.items()) if j not in phase.latencies},
                  phase, time.monotonic() + 1.0)
        stop.wait(0.5)


@dataclass
class WrkResult:
    """wrk's figures for one page."""

    page: str
    rps: float
    p50_ms: float
    p99_ms: float
    timeouts: int
    non_2xx: int
    requests: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    """wrk's '54.12ms' / '1.02s' / '812.00us' in milliseconds."""
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, cookie: str, page: str) -> WrkResult:
    """Run wrk on one URL with the user's session cookie and parse its report."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency",
         "-H", f"Cookie: gas_session={cookie}", url],
        check=True, capture_output=True, text=True).stdout
    return parse_wrk(out, page)


def parse_wrk(out: str, page: str) -> WrkResult:
    """wrk's report (with --latency) as figures."""
    # wrk pads some figures with a trailing space ("99%    1.45s ").
    found = {q: _ms(v) for q, v in re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE)}
    timeouts = re.search(r"timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(page, float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)),
                     found.get("50", 0.0), found.get("99", 0.0),
                     int(timeouts.group(1)) if timeouts else 0,
                     int(non_2xx.group(1)) if non_2xx else 0,
                     int(re.search(r"(\d+) requests in", out).group(1)))


def run_wrk(stack: LocalStack, vcf: bytes) -> list[WrkResult]:
    """Each page alone under 50 connections, one signed-in user with WRK_USER_JOBS finished jobs
    (the job and log pages are those of the newest)."""
    user = signed_in(stack.web_url, "wrk")
    for n in range(WRK_USER_JOBS):
        job_id = user.submit(f"seed {n}.vcf", vcf)
        user.wait_until(job_id)
    return [wrk(stack.web_url + path, user.cookie, page)
            for page, path in page_paths(job_id).items()]


def _q(values: list[float], q: float) -> float:
    """A quantile that tolerates short lists."""
    if not values:
        return float("nan")
    return percentile(values, q) if len(values) >= 2 else values[0]


def report(phases: list[Phase], wrk_results: list[WrkResult]) -> list[str]:
    """The tables, as lines."""
    lines = ["", "mixed load (browsers on their finished jobs + one submitter):",
             "| annotators | jobs submitted | completed | jobs/min | submit→COMPLETED p50 s"
             " | p95 s | web requests | errors | jobs lost |",
             "|---|---|---|---|---|---|---|---|---|"]
    for p in phases:
        done = list(p.latencies.values())
        lost = p.submitted - len(done) - p.failed
        per_min = 60 * len(done) / p.span if p.span else 0.0
        errors = sum(not s.ok for s in p.samples) + p.failed + len(
            [e for e in p.errors if e.startswith("submit")])
        lines.append(f"| {p.annotators} | {p.submitted} | {len(done)} | {per_min:.1f} | "
                     f"{_q(done, 0.5):.2f} | {_q(done, 0.95):.2f} | {len(p.samples)} | "
                     f"{errors} | {lost} |")
    lines += ["", "web latency under mixed load (ms):",
              "| annotators | " + " | ".join(f"{pg} p50 | {pg} p95" for pg in PAGES) + " |",
              "|---|" + "---|---|" * len(PAGES)]
    for p in phases:
        cells = []
        for page in PAGES:
            times = [1000 * s.seconds for s in p.samples if s.page == page]
            cells += [f"{_q(times, 0.5):.0f}", f"{_q(times, 0.95):.0f}"]
        lines.append(f"| {p.annotators} | " + " | ".join(cells) + " |")
    if wrk_results:
        home = wrk_results[0].rps
        lines += ["", f"wrk, {WRK_CONNECTIONS} connections, {WRK_SECONDS} s per page, idle stack:",
                  "| page | requests/s | share of home | p50 ms | p99 ms | past 2 s | non-2xx |",
                  "|---|---|---|---|---|---|---|"]
        for r in wrk_results:
            lines.append(f"| {r.page} | {r.rps:.0f} | {r.rps / home:.2f} | {r.p50_ms:.0f} | "
                         f"{r.p99_ms:.0f} | {r.timeouts} | {r.non_2xx} |")
    return lines


def plot(phases: list[Phase], path: Path) -> None:
    """Latency over time per page, one panel per annotator count."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(len(phases), 1, figsize=(10, 3.5 * len(phases)), squeeze=False)
    for ax, p in zip(axes[:, 0], phases, strict=True):
        for page in PAGES:
            points = [(s.at, 1000 * s.seconds) for s in p.samples if s.page == page]
            if points:
                ax.scatter(*zip(*points, strict=True), s=4, label=page)
        ax.set_title(f"{p.annotators} annotator(s): web latency while jobs are submitted")
        ax.set_xlabel("seconds since the load started")
        ax.set_ylabel("ms")
        ax.set_yscale("log")
        ax.legend(markerscale=3, fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)


def stack_environ(bundle: Path) -> dict[str, str]:
    """A minimal environment for the stack's processes (loopback, its own resource names)."""
    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return environ | {"GAS_NAME": f"load{uuid.uuid4().hex[:8]}", "GAS_ANNOTATION_DATA": str(bundle)}


def main(argv: list[str] | None = None) -> int:
    """Run the phases, print the tables, write the plot."""
    from ann.engine.data_dir import default_data_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="mixed load per phase")
    parser.add_argument("--browsers", type=int, default=4, help="browsing users")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between submissions")
    parser.add_argument("--annotators", default="1,2", help="annotator counts, comma-separated")
    parser.add_argument("--no-wrk", action="store_true", help="skip the per-page wrk runs")
    args = parser.parse_args(argv)
    bundle = default_data_dir()
    if not (bundle / "manifest.json").is_file():
        raise SystemExit(f"no annotation bundle at {bundle}: run `make data` first")
    if not args.no_wrk and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk; `make bench-load` installs it)")
    phases, wrk_results = [], []
    with tempfile.TemporaryDirectory(prefix="gas-load-") as tmp:
        vcf = course_vcf(Path(tmp) / "course.vcf", bundle, 1_000).read_bytes()
        counts = [int(n) for n in args.annotators.split(",")]
        for n, annotators in enumerate(counts):
            with LocalStack(Path(tmp) / f"stack{annotators}", environ=stack_environ(bundle),
                            annotators=annotators) as stack:
                wait_until_up(stack.web_url + "/", timeout=90)
                phases.append(run_phase(stack, annotators, vcf, args))
                if not args.no_wrk and n == len(counts) - 1:
                    wrk_results = run_wrk(stack, vcf)
    for line in report(phases, wrk_results):
        print(line)
    plot(phases, OUT / "load.png")
    print(f"\nplot: {OUT / 'load.png'}")
    lost = sum(p.submitted - len(p.latencies) - p.failed for p in phases)
    errors = sum(not s.ok for p in phases for s in p.samples) + sum(p.failed for p in phases)
    return 1 if lost or errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
