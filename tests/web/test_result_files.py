"""The result bgzip-compressed and its tabix index (issue 10 item 4): linked on the job page and
in the API while the result is downloadable, each a short-lived link naming its file."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests


@pytest.mark.parametrize(("what", "name"), [("bgzip", "sample.annot.vcf.gz"),
                                            ("tbi", "sample.annot.vcf.gz.tbi")])
def test_the_extra_result_files_download_under_their_names(client, auth, make_job, s3,
                                                           web_settings, what, name):
    job = make_job(auth.login())
    key = job["s3_key_result_bgzip" if what == "bgzip" else "s3_key_result_index"]
    s3.put_object(Bucket=web_settings.results_bucket, Key=key, Body=b"bytes of " + what.encode())
    page = client.get(f"/annotations/{job['job_id']}").get_data(as_text=True)
    assert f'href="/annotations/{job["job_id"]}/result.{what}"' in page
    response = client.get(f"/annotations/{job['job_id']}/result.{what}")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.location).query)
    assert query["response-content-disposition"][0] == f'attachment; filename="{name}"'
    assert requests.get(response.location, timeout=10).content == b"bytes of " + what.encode()
    api = client.get(f"/api/v1/jobs/{job['job_id']}").get_json()
    assert {"result_bgzip_url", "result_index_url"} <= set(api)


def test_a_job_without_an_index_links_only_the_bgzip(client, auth, make_job, web_settings):
    from gas.jobs import JobStore

    job = make_job(auth.login())
    JobStore(web_settings).update(job["job_id"], remove=("s3_key_result_index",))
    page = client.get(f"/annotations/{job['job_id']}").get_data(as_text=True)
    assert 'id="result-bgzip-link"' in page and 'id="result-index-link"' not in page
    assert client.get(f"/annotations/{job['job_id']}/result.tbi").status_code == 404


def test_archived_results_offer_no_extra_files(client, auth, make_job):
    job = make_job(auth.login(), results_file_archive_id="a1", archived_at=1_700_000_000)
    page = client.get(f"/annotations/{job['job_id']}").get_data(as_text=True)
    assert 'id="result-bgzip-link"' not in page
    assert client.get(f"/annotations/{job['job_id']}/result.bgzip").status_code == 410
    assert "result_bgzip_url" not in client.get(f"/api/v1/jobs/{job['job_id']}").get_json()


def test_an_unknown_result_file_is_404(client, auth, make_job):
    job = make_job(auth.login())
    assert client.get(f"/annotations/{job['job_id']}/result.exe").status_code == 404
