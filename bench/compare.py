"""Compare two annotated VCFs record by record on chosen INFO keys."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby, zip_longest
from pathlib import Path


@dataclass
class Comparison:
    """How two outputs differ: record counts, mismatching records and a few examples."""

    records: int = 0
    mismatches: int = 0
    per_key: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        """Whether every record carried the same values."""
        return self.mismatches == 0 and self.records > 0


def _records(path: Path) -> Iterator[list[str]]:
    """Yield the data lines of a VCF (plain or gzip) split into columns."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        for line in fh:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def _info(column: str) -> dict[str, str]:
    """Parse an INFO column into key → value (flags map to "")."""
    if column == ".":
        return {}
    return dict((item.split("=", 1) + [""])[:2] for item in column.split(";"))


def _sites(path: Path) -> Iterator[list[list[str]]]:
    """Yield the records of each (CHROM, POS) in REF/ALT order.

    vcfanno reorders records that share a position; the order within a position carries no
    meaning for the comparison, so both sides are put in the same order.
    """
    for _, group in groupby(_records(path), key=lambda cols: (cols[0], cols[1])):
        yield sorted(group, key=lambda cols: (cols[3], cols[4]))


def _same(a: str | None, b: str | None) -> bool:
    """Whether two INFO values are equal, numbers compared as numbers (vcfanno re-prints
    floats: 0.3490 becomes 0.349)."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    left, right = a.split(","), b.split(",")
    try:
        return len(left) == len(right) and all(
            x == y or float(x) == float(y) for x, y in zip(left, right, strict=True))
    except ValueError:
        return False


def compare(left: Path, right: Path, keys: list[str], max_examples: int = 5) -> Comparison:
    """Compare `left` and `right` record by record: same site, same value for every key."""
    result = Comparison(per_key={key: 0 for key in keys})
    for site_a, site_b in zip_longest(_sites(left), _sites(right)):
        if site_a is None or site_b is None or len(site_a) != len(site_b) or any(
                a[:2] != b[:2] or a[3:5] != b[3:5] for a, b in zip(site_a, site_b, strict=True)):
            result.mismatches += 1
            result.examples.append(f"after {result.records} records the sites differ: "
                                   f"{site_a and site_a[0][:5]} vs {site_b and site_b[0][:5]}")
            break  # the files are out of step; later comparisons would mean nothing
        for a, b in zip(site_a, site_b, strict=True):
            result.records += 1
            ia, ib = _info(a[7]), _info(b[7])
            bad = [key for key in keys if not _same(ia.get(key), ib.get(key))]
            for key in bad:
                result.per_key[key] += 1
            if bad:
                result.mismatches += 1
                if len(result.examples) < max_examples:
                    shown = "; ".join(f"{k}: {ia.get(k)} vs {ib.get(k)}" for k in bad)
                    result.examples.append(f"{a[0]}:{a[1]} {a[3]}>{a[4]}: {shown}")
    return result
