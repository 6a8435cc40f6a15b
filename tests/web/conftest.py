"""Web fixtures: the app on a fresh deployment (real moto over HTTP), a test client, sign-in.

`AuthActions.login` puts an identity straight into the session (unit tests of routes other than
sign-in); `AuthActions.login_through_idp` drives the real Globus sign-in against the development
identity provider served from a thread (the sign-in tests).
"""

from __future__ import annotations

import dataclasses
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from gas import aws
from gas.accounts import FREE, Accounts
from gas.config import Settings
from web import create_app

CHROMIUM = "/usr/bin/chromium"
CLIENT_ID = "gas-test-client"
CLIENT_SECRET = "gas-test-secret"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class ServedApp:
    """A WSGI app served on a loopback port from a thread."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def idp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The development identity provider on loopback; globus-sdk is pointed at it."""
    from devstack.idp import create_app as create_idp

    served = ServedApp(create_idp(tmp_path / "idp", CLIENT_ID, CLIENT_SECRET))
    monkeypatch.setenv("GLOBUS_SDK_SERVICE_URL_AUTH", served.url + "/")
    yield served.url
    served.stop()


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    """The deployment's settings with this test's Globus client."""
    return dataclasses.replace(settings, globus_client_id=CLIENT_ID,
                               globus_client_secret=CLIENT_SECRET)


@pytest.fixture
def app(web_settings: Settings):
    """The web app on a fresh deployment, CSRF checks on."""
    app = create_app({"GAS_SETTINGS": web_settings, "TESTING": True})
    yield app
    app.extensions["gas_accounts"].dispose()


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


@pytest.fixture
def accounts(app) -> Accounts:
    """The app's accounts database."""
    return app.extensions["gas_accounts"]


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class AuthActions:
    """Signing users in and out of the test client."""

    def __init__(self, client, accounts: Accounts) -> None:
        self._client = client
        self._accounts = accounts

    def login(self, email: str = "ada@example.org", role: str = FREE) -> str:
        """Put a signed-in identity with a complete profile in the session (no provider)."""
        identity_id = str(uuid.uuid5(uuid.NAMESPACE_URL, email))
        self._accounts.upsert_from_login(identity_id, name=email.split("@")[0], email=email,
                                         institution="Test University")
        self._accounts.set_role(identity_id, role)
        with self._client.session_transaction() as session:
            session["user"] = {"identity_id": identity_id, "name": email.split("@")[0],
                               "email": email}
        return identity_id

    def login_through_idp(self, email: str, start_at: str = "/login", **form: str):
        """The real flow: /login → provider's form → /authcallback; returns the last response."""
        start = self._client.get(start_at)
        assert start.status_code == 302, start.get_data(as_text=True)
        answer = requests.post(start.location, data={"email": email, **form},
                               allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        back = urlsplit(answer.headers["Location"])
        return self._client.get(f"{back.path}?{back.query}")

    def logout(self):
        """Sign out with the form's CSRF token."""
        return self._client.post("/logout", data={"csrf_token": csrf_token(self._client,
                                                                           "/logout")})


@pytest.fixture
def auth(client, accounts: Accounts) -> AuthActions:
    """Sign-in helper for the test client."""
    return AuthActions(client, accounts)


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch):
    """Call to move the page cache's clock past the time it reuses rows and job lists."""
    from web import page_cache

    real, skipped = page_cache.monotonic, []

    def move_on() -> None:
        skipped.append(page_cache.RECENT_SECONDS)

    monkeypatch.setattr(page_cache, "monotonic", lambda: real() + sum(skipped))
    return move_on


@pytest.fixture
def s3(web_settings: Settings):
    """The deployment's S3 client."""
    return aws.client("s3", web_settings)


REGIONS = ("exon", "intron", "intergenic", "UTR3")
VCF_HEADER = ("##fileformat=VCFv4.2\n"
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")


def annotated_vcf(variants: int) -> str:
    """An annotated VCF: genes G0..G4, regions cycling through REGIONS, rsIDs on even rows."""
    lines = [VCF_HEADER]
    for i in range(variants):
        rsid = f"rs{1000 + i}" if i % 2 == 0 else "."
        info = f"GENE=G{i % 5};REGION={REGIONS[i % len(REGIONS)]}"
        lines.append(f"chr{1 + i % 3}\t{100 + i}\t{rsid}\tA\tG\t50\tPASS\t{info}\n")
    return "".join(lines)


def summary_of(variants: int) -> dict:
    """The summary JSON matching `annotated_vcf(variants)`."""
    regions: dict[str, int] = {}
    chroms: dict[str, int] = {}
    for i in range(variants):
        regions[REGIONS[i % len(REGIONS)]] = regions.get(REGIONS[i % len(REGIONS)], 0) + 1
        chroms[f"chr{1 + i % 3}"] = chroms.get(f"chr{1 + i % 3}", 0) + 1
    found = (variants + 1) // 2
    return {"total_variants": variants, "in_dbsnp": found,
            "in_dbsnp_pct": round(100 * found / variants, 1) if variants else 0,
            "region_classes": regions, "chromosomes": chroms, "warnings": []}


@pytest.fixture
def make_job(web_settings: Settings, s3):
    """Create a job row of a user in a given state, with its files in S3 when COMPLETED."""
    import json
    import time

    from gas.jobs import COMPLETED, FAILED, RUNNING, JobStore
    from gas.keys import input_key, new_job_id, result_keys

    store = JobStore(web_settings)

    def make(user_id: str, status: str = COMPLETED, file_name: str = "sample.vcf",
             variants: int = 7, **fields) -> dict:
        job_id = new_job_id()
        key = input_key(web_settings.key_prefix, user_id, job_id, file_name)
        s3.put_object(Bucket=web_settings.inputs_bucket, Key=key, Body=annotated_vcf(variants))
        store.create({
            "job_id": job_id, "user_id": user_id, "input_file_name": file_name,
            "input_size": 100, "s3_inputs_bucket": web_settings.inputs_bucket,
            "s3_key_input_file": key, "s3_results_bucket": web_settings.results_bucket,
            "submit_time": int(time.time()), "progress": 0,
        })
        values: dict = {"job_status": status}
        if status == RUNNING:
            values["progress"] = variants // 2
        if status == FAILED:
            values |= {"failure_reason": "line 3: not a VCF record",
                       "complete_time": int(time.time())}
        if status == COMPLETED:
            results = result_keys(web_settings.key_prefix, user_id, job_id, file_name)
            bucket = web_settings.results_bucket
            s3.put_object(Bucket=bucket, Key=results["s3_key_result_file"],
                          Body=annotated_vcf(variants))
            s3.put_object(Bucket=bucket, Key=results["s3_key_log_file"],
                          Body=f"Total variants: {variants}\n")
            s3.put_object(Bucket=bucket, Key=results["s3_key_summary_file"],
                          Body=json.dumps(summary_of(variants)))
            values |= {**results, "complete_time": int(time.time()), "progress": variants}
        return store.update(job_id, {**values, **fields})

    return make


@pytest.fixture
def drain(web_settings: Settings):
    """Read (and delete) the messages waiting on one of the deployment's queues, decoded."""
    from gas.messages import decode

    sqs = aws.client("sqs", web_settings)

    def read(queue: str) -> list:
        url = aws.queue_url(web_settings, queue)
        found = []
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                        WaitTimeSeconds=1).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                found.append(decode(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    return read


@pytest.fixture
def globus_client(idp: str):
    """A globus-sdk client of the test app, talking to the development provider."""
    import globus_sdk

    return globus_sdk.ConfidentialAppAuthClient(CLIENT_ID, CLIENT_SECRET)


@pytest.fixture
def csrf(client):
    """The CSRF token of the form on a page of the test client."""
    return lambda url: csrf_token(client, url)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium (`apt-get install chromium`); Playwright cannot download one."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no {CHROMIUM}: `apt-get install -y chromium`")
    return {**browser_type_launch_args, "executable_path": CHROMIUM}
