"""How long the job page's variant preview and the TSV export take on a large result.

Run: .venv/bin/python -m bench.preview [--records N] [--repeat R]
Builds N records in the engine's layout with VEP-style CSQ and 1000 Genomes frequencies (the
rows of tests/web/csq_fixture.py, repeated at new positions), then times one preview page
(which counts every match up to the preview's scan limit) without a filter and with each kind
of filter, and the TSV export of every record. Figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import time

from tests.web.csq_fixture import HEADER, ROWS
from web.preview import MAX_SCANNED_VARIANTS, VariantFilter, paginate, tsv_lines

FILTERS = {"no filter": VariantFilter(), "gene=nd1": VariantFilter(gene="nd1"),
           "rsid=2691305": VariantFilter(rsid="2691305"),
           "region=intron": VariantFilter(region="intron"),
           "impact=HIGH": VariantFilter(impact="HIGH")}


def lines_of(records: int) -> list[str]:
    """The header and `records` data lines."""
    body = [f"{c}\t{p + 10 * i}\t{r}\t{ref}\t{a}\t50\tPASS\t{info}\n"
            for i in range(records // len(ROWS) + 1) for c, p, r, ref, a, info in ROWS]
    return HEADER.splitlines(keepends=True) + body[:records]


def best_of(repeat: int, run) -> float:
    """The fastest of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print one line per measurement."""
    parser = argparse.ArgumentParser(prog="python -m bench.preview", description=__doc__)
    parser.add_argument("--records", type=int, default=MAX_SCANNED_VARIANTS)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    lines = lines_of(args.records)
    for name, wanted in FILTERS.items():
        seconds = best_of(args.repeat, lambda w=wanted: paginate(lines, w, 1))
        matches = paginate(lines, wanted, 1).matches
        print(f"preview page, {name}: {seconds:.2f} s ({matches:,} of {args.records:,} match)")
    seconds = best_of(args.repeat, lambda: sum(1 for _ in tsv_lines(lines, VariantFilter())))
    print(f"TSV export of {args.records:,} records: {seconds:.2f} s")


if __name__ == "__main__":
    main()
