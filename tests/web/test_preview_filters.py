"""Results preview (issue 10 item 4, issue 9 item 6): gene by part of its name, rsID by number,
region class / consequence / IMPACT as choices built from the data, the count of matches, the
frequency and CSQ columns, and the TSV export of the filtered rows."""

from __future__ import annotations

import re

import pytest

from web.preview import Layout, VariantFilter, paginate, parse_variant, tsv_lines

from .csq_fixture import CSQ_FORMAT, install, result_vcf


def shown(wanted: VariantFilter) -> list[str]:
    """Positions of the fixture rows the filter keeps."""
    return [row["pos"] for row in paginate(result_vcf().splitlines(), wanted, 1).rows]


@pytest.mark.parametrize(("wanted", "positions"), [
    (VariantFilter(gene="nd1"), ["3400", "5000"]),  # MT-ND1 and ND10X both hold "nd1"
    (VariantFilter(gene="MT-"), ["3400"]),
    (VariantFilter(gene="plekhn"), ["900000"]),  # the second gene of a list
    (VariantFilter(rsid="2691305"), ["3400"]),  # by number, not rs26913050
    (VariantFilter(rsid="RS2691305"), ["3400"]),
    (VariantFilter(rsid="269130"), []),  # a number is a whole rsID
    (VariantFilter(rsid="abc"), []),  # not a number: the whole ID, which no row has
    (VariantFilter(rsid="=hyperlink(X)"), ["68351"]),  # another kind of ID, by its text
    (VariantFilter(region="intron"), ["752566", "900000"]),
    (VariantFilter(region="intr"), []),  # a choice, not a substring
    (VariantFilter(consequence="intron_variant"), ["752566", "900000"]),
    (VariantFilter(consequence="synonymous_variant"), ["68351"]),  # one term of "a&b"
    (VariantFilter(impact="HIGH"), ["900000"]),
    (VariantFilter(impact="modifier", region="intergenic"), ["5000"]),
])
def test_filters(wanted, positions):
    assert shown(wanted) == positions


def test_the_header_declares_the_csq_layout_and_frequencies():
    layout = Layout()
    for line in result_vcf().splitlines():
        layout.read(line)
    assert layout.csq_fields == CSQ_FORMAT.split("|") and layout.has_csq
    assert layout.frequency_keys == ["AF_1KG", "AF_1KG_EUR"]


def test_the_most_severe_entry_gives_the_shown_consequence():
    layout = Layout(csq_fields=CSQ_FORMAT.split("|"), frequency_keys=["AF_1KG"])
    line = result_vcf().splitlines()[9]  # the KLHL17 frameshift + PLEKHN1 intron row
    row = parse_variant(line, layout)
    assert (row["consequence"], row["impact"]) == ("frameshift_variant", "HIGH")
    assert row["impacts"] == {"HIGH", "MODIFIER"} and row["frequencies"] == {"AF_1KG": ""}


def test_the_count_is_of_every_match_not_the_page():
    page = paginate(result_vcf().splitlines(), VariantFilter(region="CDS"), 1)
    assert page.matches == 3 and not page.has_next


def test_tsv_has_the_preview_columns_and_escapes_formulas():
    lines = list(tsv_lines(result_vcf().splitlines(), VariantFilter(region="CDS")))
    assert lines[0] == ("CHROM\tPOS\tID\tREF\tALT\tGENE\tREGION\tAF_1KG\tAF_1KG_EUR\t"
                        "Consequence\tIMPACT\n")
    assert lines[1] == ("MT\t3400\trs2691305\tA\tG\tMT-ND1\tCDS\t0.25\t0.5\tmissense_variant\t"
                        "MODERATE\n")
    assert lines[3].startswith("20\t68351\t'=HYPERLINK(x)\t")
    assert len(lines) == 4


@pytest.fixture
def csq_job(auth, make_job, s3, web_settings):
    """A COMPLETED job whose result is the CSQ fixture."""
    return install(s3, web_settings, make_job(auth.login()))


def test_the_page_offers_choices_from_the_data_and_counts(client, csq_job):
    url = f"/annotations/{csq_job['job_id']}"
    page = client.get(url, query_string={"gene": "nd1"}).get_data(as_text=True)
    regions = re.findall(r'<option value="([^"]*)"', page.split('id="f-region"')[1]
                         .split("</select>")[0])
    assert regions == ["", "CDS", "intron", "intergenic"]
    assert 'id="f-consequence"' in page and '<option value="HIGH"' in page
    count = re.search(r'id="preview-count"[^>]*><strong>([^<]+)</strong>', page).group(1)
    assert count == "2"
    assert "<td>0.25</td>" in page and "<td>missense_variant</td><td>MODERATE</td>" in page
    assert 'href="/annotations/' + csq_job["job_id"] + '/variants.tsv?gene=nd1"' in page


def test_export_downloads_the_filtered_rows(client, csq_job):
    response = client.get(f"/annotations/{csq_job['job_id']}/variants.tsv",
                          query_string={"impact": "MODIFIER"})
    assert response.status_code == 200 and response.mimetype == "text/tab-separated-values"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="sample.annot.variants.tsv"')
    rows = response.get_data(as_text=True).splitlines()
    assert [r.split("\t")[1] for r in rows[1:]] == ["752566", "900000", "5000"]


def test_export_of_another_users_job_is_404(client, auth, make_job):
    other = make_job(auth.login("eve@example.org"))
    auth.login()
    assert client.get(f"/annotations/{other['job_id']}/variants.tsv").status_code == 404


def test_export_of_an_archived_result_is_404(client, auth, make_job):
    job = make_job(auth.login(), results_file_archive_id="a1")
    assert client.get(f"/annotations/{job['job_id']}/variants.tsv").status_code == 404


def test_a_result_without_csq_has_no_consequence_columns(client, auth, make_job):
    job = make_job(auth.login())
    page = client.get(f"/annotations/{job['job_id']}").get_data(as_text=True)
    assert 'id="f-consequence"' not in page and ">Consequence</button>" not in page


def test_the_summary_says_what_became_of_the_files_own_ids(client, auth, make_job, s3,
                                                           web_settings):
    import json

    from .csq_fixture import SUMMARY

    job = install(s3, web_settings, make_job(auth.login()))
    known = {"matched": 3, "carried": 4, "confirmed": 2, "added": 1, "contradicted": 1}
    s3.put_object(Bucket=web_settings.results_bucket, Key=job["s3_key_summary_file"],
                  Body=json.dumps({**SUMMARY, "known_ids": known}))
    page = " ".join(client.get(f"/annotations/{job['job_id']}").get_data(as_text=True).split())
    assert ("Known IDs: the file carried 4; GAS confirmed 2, added IDs to 1 variants and found "
            "other IDs for 1.") in page
