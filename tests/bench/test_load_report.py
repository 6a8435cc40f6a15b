"""bench.load reads wrk's report as wrk prints it (padding, seconds, socket errors)."""

from __future__ import annotations

from bench.load import parse_wrk

REPORT = """Running 10s test @ http://127.0.0.1:5000/annotations/x
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   880.36ms  252.60ms   1.99s    92.55%
    Req/Sec    30.70     19.66    97.00     70.00%
  Latency Distribution
     50%  812.00us
     75%   14.62ms
     90%  135.28ms
     99%    1.45s{PAD}
  608 requests in 10.00s, 2.51MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 2
Requests/sec:     60.81
Transfer/sec:    856.86KB
""".replace("{PAD}", " ")  # wrk leaves a space after "1.45s"


def test_every_figure_is_read_even_with_wrks_trailing_spaces():
    result = parse_wrk(REPORT, "job")
    assert (result.rps, result.p50_ms, result.p99_ms) == (60.81, 0.812, 1450.0)
    assert (result.timeouts, result.non_2xx, result.requests) == (3, 2, 608)


def test_a_clean_run_has_no_timeouts_or_errors():
    clean = REPORT.replace("  Socket errors: connect 0, read 0, write 0, timeout 3\n", "").replace(
        "  Non-2xx or 3xx responses: 2\n", "")
    result = parse_wrk(clean, "home")
    assert (result.timeouts, result.non_2xx) == (0, 0)
