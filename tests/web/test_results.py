"""The variant preview: parsing, filters, pages of 50, and reading no further than needed."""

from __future__ import annotations

import re

import pytest

from web.preview import PAGE_SIZE, VariantFilter, paginate, parse_variant

from .conftest import annotated_vcf


class CountingLines:
    """An iterator over lines that counts how many were read."""

    def __init__(self, text: str) -> None:
        self._lines = iter(text.splitlines(keepends=True))
        self.read = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.read += 1
        return line


def test_parse_variant_keeps_the_shown_columns():
    row = parse_variant(
        "chr7\t117559590\trs113993960\tATCT\tA\t.\tPASS\tDP=9;GENE=CFTR;REGION=exon\n")
    assert row == {"chrom": "chr7", "pos": "117559590", "rsid": "rs113993960", "ref": "ATCT",
                   "alt": "A", "gene": "CFTR", "region": "exon"}


@pytest.mark.parametrize("line", ["##fileformat=VCFv4.2", "#CHROM\tPOS", "", "chr1\t5\t.\tA"])
def test_headers_and_short_lines_are_skipped(line):
    assert parse_variant(line) is None


def test_missing_id_and_info_keys_are_blank():
    row = parse_variant("1\t5\t.\tA\tG\t.\t.\t.\n")
    assert (row["rsid"], row["gene"], row["region"]) == ("", "", "")


@pytest.mark.parametrize(("wanted", "expected"), [
    (VariantFilter(), 20),
    (VariantFilter(gene="g1"), 4),
    (VariantFilter(region="EXON"), 5),
    (VariantFilter(gene="G0", region="exon"), 1),
    (VariantFilter(rsid="rs1002"), 1),
    (VariantFilter(rsid="rs1001"), 0),  # odd rows have no rsID
    (VariantFilter(gene="G"), 20),  # a part of the name: every G0..G4
])
def test_filters(wanted, expected):
    assert len(paginate(annotated_vcf(20).splitlines(), wanted, 1).rows) == expected


def test_lists_in_a_field_match_any_member():
    row = parse_variant("1\t5\trs1;rs2\tA\tG\t.\t.\tGENE=A1,B2;REGION=exon\n")
    assert VariantFilter(gene="b2").matches(row) and VariantFilter(rsid="rs2").matches(row)


def test_pages_of_fifty():
    text = annotated_vcf(2 * PAGE_SIZE + 7)
    pages = [paginate(text.splitlines(), VariantFilter(), n) for n in (1, 2, 3)]
    assert [len(p.rows) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 7]
    assert [p.has_next for p in pages] == [True, True, False]
    assert pages[1].rows[0]["pos"] == str(100 + PAGE_SIZE)


def test_reading_goes_on_past_the_page_to_count_the_matches():
    lines = CountingLines(annotated_vcf(10_000))
    page = paginate(lines, VariantFilter(), 2)
    assert page.has_next and len(page.rows) == PAGE_SIZE and page.matches == 10_000
    assert lines.read == 2 + 10_000


def test_preview_on_the_job_page_filters_and_pages(client, auth, make_job):
    job = make_job(auth.login(), variants=130)
    url = f"/annotations/{job['job_id']}"
    first = client.get(url).get_data(as_text=True)
    assert len(re.findall(r"<tr><td>chr", first)) == PAGE_SIZE and 'rel="next"' in first
    third = client.get(url, query_string={"p": 3}).get_data(as_text=True)
    assert len(re.findall(r"<tr><td>chr", third)) == 30 and 'rel="next"' not in third
    exon = client.get(url, query_string={"region": "exon", "gene": "G4"}).get_data(as_text=True)
    rows = re.findall(r"<td>(G\d)</td><td>(\w+)</td>\s*</tr>", exon)
    assert rows and set(rows) == {("G4", "exon")}
    none = client.get(url, query_string={"rsid": "rs999999"}).get_data(as_text=True)
    assert 'id="preview-empty"' in none


@pytest.mark.parametrize("page", ["0", "-1", "x", "10001"])
def test_bad_preview_page_is_400(client, auth, make_job, page):
    job = make_job(auth.login())
    assert client.get(f"/annotations/{job['job_id']}", query_string={"p": page}).status_code == 400


def test_scanning_stops_at_the_limit():
    lines = CountingLines(annotated_vcf(1000))
    page = paginate(lines, VariantFilter(gene="nowhere"), 1, max_scanned=300)
    assert page.rows == [] and page.scan_limited and lines.read == 2 + 301


def test_limit_is_shown_on_the_page(client, auth, make_job, monkeypatch):
    monkeypatch.setattr("web.results.MAX_SCANNED_VARIANTS", 10)
    job = make_job(auth.login(), variants=30)
    page = client.get(f"/annotations/{job['job_id']}", query_string={"gene": "none"})
    assert 'id="preview-limited"' in page.get_data(as_text=True)
