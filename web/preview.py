"""The variant preview: parse annotated VCF lines, filter by gene, region class and rsID, and
collect one page, reading no further than the page needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

PAGE_SIZE = 50
# A filter that matches little would otherwise read a multi-GB result inside one web request.
MAX_SCANNED_VARIANTS = 250_000
_LIST_SEP = re.compile(r"[,;|]")  # INFO lists use ",", the ID column ";"


@dataclass(frozen=True)
class VariantFilter:
    """Preview filters; empty fields match everything."""

    gene: str = ""
    region: str = ""
    rsid: str = ""

    def matches(self, row: dict) -> bool:
        """True when the row passes every given filter (case-insensitive, exact)."""
        return all(
            not wanted or wanted.lower() in {v.lower() for v in _LIST_SEP.split(row[name])}
            for name, wanted in (("gene", self.gene), ("region", self.region), ("rsid", self.rsid))
        )


@dataclass
class PreviewPage:
    """One page of matching variants."""

    rows: list[dict] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    scan_limited: bool = False  # stopped at MAX_SCANNED_VARIANTS before the page was full


def parse_variant(line: str) -> dict | None:
    """The displayed columns of one VCF data line (None for headers and short lines)."""
    if not line or line.startswith("#"):
        return None
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) < 8:
        return None
    info = dict(item.partition("=")[::2] for item in cols[7].split(";") if item)
    rsid = "" if cols[2] == "." else cols[2]
    return {"chrom": cols[0], "pos": cols[1], "rsid": rsid, "ref": cols[3], "alt": cols[4],
            "gene": info.get("GENE", ""), "region": info.get("REGION", "")}


def paginate(
    lines: Iterable[str], wanted: VariantFilter, page: int,
    max_scanned: int = MAX_SCANNED_VARIANTS,
) -> PreviewPage:
    """Collect page `page` of matching variants, reading only as far as needed."""
    result = PreviewPage(page=page)
    skip = (page - 1) * PAGE_SIZE
    scanned = 0
    for line in lines:
        row = parse_variant(line)
        if row is None:
            continue
        scanned += 1
        if scanned > max_scanned:
            result.scan_limited = True
            break
        if not wanted.matches(row):
            continue
        if skip:
            skip -= 1
        elif len(result.rows) < PAGE_SIZE:
            result.rows.append(row)
        else:  # one more match exists: there is a next page, and we stop reading here
            result.has_next = True
            break
    return result
