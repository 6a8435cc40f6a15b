"""The variant preview: parse annotated VCF lines, filter them (gene substring, rsID by number,
region class, consequence, IMPACT), count the matches and collect one page; the TSV export
streams every match with the same filter."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

PAGE_SIZE = 50
# A filter that matches little would otherwise read a multi-GB result inside one web request.
MAX_SCANNED_VARIANTS = 250_000
_LIST_SEP = re.compile(r"[,;|]")  # INFO lists use ",", the ID column ";"
_CSQ_FORMAT = re.compile(r'^##INFO=<ID=CSQ,.*Format: ([^">]+)')
_INFO_ID = re.compile(r"^##INFO=<ID=([^,>]+)")
_NUMBER = re.compile(r"-?[0-9.eE+-]+")
_RSID = re.compile(r"(?:rs)?0*([0-9]+)", re.IGNORECASE)
IMPACTS = ("HIGH", "MODERATE", "LOW", "MODIFIER")  # Ensembl's order, most severe first
FREQUENCY_KEY = "AF_1KG"  # the overall 1000 Genomes frequency, shown in the preview
BASE_COLUMNS = ("chrom", "pos", "rsid", "ref", "alt", "gene", "region")


@dataclass(frozen=True)
class VariantFilter:
    """Preview filters; empty fields match everything (all case-insensitive)."""

    gene: str = ""  # a substring of any gene name: "nd1" finds MT-ND1
    region: str = ""  # one region class, exactly
    rsid: str = ""  # "rs2691305" or its number "2691305"
    consequence: str = ""  # one Sequence Ontology term of any CSQ entry
    impact: str = ""  # one IMPACT of any CSQ entry

    def matches(self, row: dict) -> bool:
        """True when the row passes every given filter."""
        if self.gene and not any(self.gene.lower() in g.lower() for g in _members(row["gene"])):
            return False
        if self.region and self.region.lower() not in {r.lower() for r in _members(row["region"])}:
            return False
        if self.rsid and not _same_id(self.rsid, _members(row["rsid"])):
            return False
        if self.consequence and self.consequence.lower() not in {
                c.lower() for c in row.get("consequences", ())}:
            return False
        return not self.impact or self.impact.upper() in row.get("impacts", ())

    def is_empty(self) -> bool:
        """No filter is set: every variant matches."""
        return not any(vars(self).values())

    def might_match(self, line: str) -> bool:
        """A cheap test on the raw line: False only when the row cannot match (every wanted
        value appears somewhere in a matching line), so most lines are never parsed."""
        text = line.lower()
        wanted = (self.gene, self.region, self.consequence, self.impact,
                  _rsid_number(self.rsid) or self.rsid if self.rsid else "")
        return all(value.lower() in text for value in wanted if value)

    def args(self) -> dict[str, str]:
        """The non-empty filters as query-string arguments."""
        return {k: v for k, v in vars(self).items() if v}


def _members(value: str) -> list[str]:
    """The members of a list-valued column."""
    return [v for v in _LIST_SEP.split(value) if v] if value else []


def _same_id(wanted: str, ids: list[str]) -> bool:
    """An rsID is found by its number; any other ID (e.g. COSM476) by its whole text."""
    number = _rsid_number(wanted)
    if number is None:
        return wanted.lower() in {i.lower() for i in ids}
    return number in {_rsid_number(i) for i in ids}


def _rsid_number(value: str) -> str | None:
    """The number of an rsID ("rs00123", "RS123" and "123" are all "123")."""
    match = _RSID.fullmatch(value.strip())
    return match.group(1) if match else None


@dataclass
class Layout:
    """What the header declares: the CSQ fields (VEP's Format) and the frequency keys."""

    csq_fields: list[str] = field(default_factory=list)
    frequency_keys: list[str] = field(default_factory=list)

    def read(self, line: str) -> None:
        """Take what a header line declares."""
        csq = _CSQ_FORMAT.match(line)
        if csq:
            self.csq_fields = csq.group(1).strip().split("|")
        info = _INFO_ID.match(line)
        if info and info.group(1).startswith(FREQUENCY_KEY):
            self.frequency_keys.append(info.group(1))

    @property
    def has_csq(self) -> bool:
        """The result carries consequences."""
        return "Consequence" in self.csq_fields


@dataclass
class PreviewPage:
    """One page of matching variants and the count of all matches read."""

    rows: list[dict] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    scan_limited: bool = False  # stopped at MAX_SCANNED_VARIANTS: `matches` is a lower bound
    matches: int = 0
    layout: Layout = field(default_factory=Layout)


def parse_variant(line: str, layout: Layout | None = None, csq: bool = True) -> dict | None:
    """The displayed columns of one VCF data line (None for headers and short lines); `csq`
    False leaves the CSQ entries unread (the costly part) when no filter needs them."""
    if not line or line.startswith("#"):
        return None
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) < 8:
        return None
    info = dict(item.partition("=")[::2] for item in cols[7].split(";") if item)
    rsid = "" if cols[2] == "." else cols[2]
    row = {"chrom": cols[0], "pos": cols[1], "rsid": rsid, "ref": cols[3], "alt": cols[4],
           "gene": info.get("GENE", ""), "region": info.get("REGION", "")}
    if layout is not None:
        row["frequencies"] = {k: info.get(k, "") for k in layout.frequency_keys}
        if layout.has_csq and csq:
            row |= _consequences(info.get("CSQ", ""), layout.csq_fields)
    return row


def _consequences(value: str, names: list[str]) -> dict:
    """Every entry's terms and impacts, and the most severe entry's (by IMPACT, then order)."""
    entries = [dict(zip(names, entry.split("|"), strict=False))
               for entry in value.split(",") if entry]
    terms = {t for e in entries for t in e.get("Consequence", "").split("&") if t}
    impacts = {e.get("IMPACT", "") for e in entries} - {""}
    worst = min(entries, key=lambda e: IMPACTS.index(e["IMPACT"])
                if e.get("IMPACT") in IMPACTS else len(IMPACTS), default={})
    return {"consequences": terms, "impacts": impacts,
            "consequence": worst.get("Consequence", "").replace("&", ", "),
            "impact": worst.get("IMPACT", "")}


def _records(lines: Iterable[str], layout: Layout,
             max_scanned: int | None = None) -> Iterator[str | None]:
    """The data lines of `lines` (header lines fill `layout`); None once past max_scanned."""
    scanned = 0
    for line in lines:
        if line.startswith("#"):
            layout.read(line)
            continue
        if line.count("\t") < 7:  # as parse_variant: not a record
            continue
        scanned += 1
        if max_scanned is not None and scanned > max_scanned:
            yield None
            return
        yield line


def _match(line: str, wanted: VariantFilter, layout: Layout, csq: bool = True) -> dict | None:
    """The parsed row when it passes the filter (CSQ read when asked or filtered on)."""
    if not wanted.might_match(line):
        return None
    row = parse_variant(line, layout, csq or bool(wanted.consequence or wanted.impact))
    return row if row is not None and wanted.matches(row) else None


def paginate(
    lines: Iterable[str], wanted: VariantFilter, page: int,
    max_scanned: int = MAX_SCANNED_VARIANTS,
) -> PreviewPage:
    """Page `page` of matching variants and the number of matches in the first max_scanned.

    Without a filter only the page's lines are parsed (the rest are counted); with one, only
    lines that hold every wanted value.
    """
    result = PreviewPage(page=page)
    skip = (page - 1) * PAGE_SIZE
    everything = wanted.is_empty()
    for line in _records(lines, result.layout, max_scanned):
        if line is None:
            result.scan_limited = True
            break
        in_page = skip < result.matches + 1 <= skip + PAGE_SIZE
        if everything:
            row = parse_variant(line, result.layout) if in_page else None
        else:
            row = _match(line, wanted, result.layout, csq=False)
            if row is None:
                continue
        result.matches += 1
        if result.matches > skip + PAGE_SIZE:
            result.has_next = True
        elif in_page:
            result.rows.append(parse_variant(line, result.layout))
    return result


def tsv_lines(lines: Iterable[str], wanted: VariantFilter) -> Iterator[str]:
    """Every matching variant as TSV (a header row first), the preview's columns and more."""
    layout = Layout()
    rows = (row for line in _records(lines, layout)
            if line is not None and (row := _match(line, wanted, layout)) is not None)
    first = next(rows, None)
    names = ["CHROM", "POS", "ID", "REF", "ALT", "GENE", "REGION", *layout.frequency_keys]
    if layout.has_csq:
        names += ["Consequence", "IMPACT"]
    yield "\t".join(names) + "\n"
    if first is None:
        return
    for row in chain([first], rows):
        yield "\t".join(_tsv_cell(v) for v in _tsv_values(row, layout)) + "\n"


def _tsv_values(row: dict, layout: Layout) -> list[str]:
    """One row's TSV values in header order."""
    values = [row[name] for name in BASE_COLUMNS]
    values += [row["frequencies"][k] for k in layout.frequency_keys]
    if layout.has_csq:
        values += [row["consequence"], row["impact"]]
    return values


def _tsv_cell(value: str) -> str:
    """A value that cannot break the TSV layout, nor start a spreadsheet formula."""
    value = re.sub(r"[\t\r\n]", " ", value)
    formula = value[:1] in ("=", "+", "@") or (value[:1] == "-" and not _NUMBER.fullmatch(value))
    return "'" + value if formula else value
