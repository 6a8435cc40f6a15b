"""What an attacker drives the live stack with: signed-in `requests` sessions, uploads that go
through the real presigned POST, the API, the emulator's queues and outbox."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from gas.identity import identity_id_for_email

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HTTP_TIMEOUT_SECONDS = 15
WAIT_TIMEOUT_SECONDS = 90
VCF = (
    b"##fileformat=VCFv4.0\n##reference=human_g1k_v37\n"
    b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA00001\n"
    b"1\t69511\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n"
    b"22\t16050075\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n"
)


def wait_for(what: str, probe: Callable, timeout: float = WAIT_TIMEOUT_SECONDS):
    """Poll `probe()` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(0.25)


class User:
    """One person at a browser, as a `requests` session (cookies kept, redirects not followed)."""

    def __init__(self, web_url: str, email: str, name: str) -> None:
        self.web = web_url
        self.email = email
        self.name = name
        self.identity_id = identity_id_for_email(email)
        self.http = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        """GET a path of the web app."""
        return self.http.get(self.web + path, allow_redirects=False,
                             timeout=HTTP_TIMEOUT_SECONDS, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        """POST to a path of the web app."""
        return self.http.post(self.web + path, allow_redirects=False,
                              timeout=HTTP_TIMEOUT_SECONDS, **kwargs)

    def sign_in(self, start: str = "/login") -> requests.Response:
        """The real flow: GAS → the provider's form → /authcallback; the callback's answer."""
        to_provider = self.get(start)
        assert to_provider.status_code == 302, to_provider.text[:500]
        form = {"email": self.email, "name": self.name, "institution": "Attack Lab"}
        answer = requests.post(to_provider.headers["Location"], data=form,
                               allow_redirects=False, timeout=HTTP_TIMEOUT_SECONDS)
        assert answer.status_code == 302, answer.text[:500]
        back = urlsplit(answer.headers["Location"])
        return self.get(f"{back.path}?{back.query}")

    @property
    def cookie(self) -> str | None:
        """The session cookie's value."""
        return self.http.cookies.get("gas_session")

    def csrf(self, path: str = "/profile") -> str:
        """The CSRF token of the form on `path`."""
        match = CSRF_RE.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def upload_form(self) -> tuple[str, dict[str, str], str]:
        """The upload page's presigned POST: its URL, hidden fields and key head."""
        page = self.get("/annotate").text
        action = re.search(r'id="upload-form" method="post" action="([^"]+)"', page).group(1)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        return action, fields, re.search(r'data-key-head="([^"]+)"', page).group(1)

    def upload(self, content: bytes = VCF, name: str = "sample.vcf") -> tuple[requests.Response,
                                                                              str]:
        """Upload straight to S3 as a script would (the key's name part as given), then follow
        S3's redirect into the app; the app's answer and the key."""
        action, fields, key_head = self.upload_form()
        key = key_head + name
        stored = requests.post(action, data={**fields, "key": key}, files={"file": (name, content)},
                               allow_redirects=False, timeout=HTTP_TIMEOUT_SECONDS)
        assert stored.status_code == 303, stored.text[:500]
        target = urlsplit(stored.headers["Location"])
        return self.get(f"{target.path}?{target.query}"), key

    def submit(self, name: str = "sample.vcf", content: bytes = VCF) -> str:
        """Upload and submit; the new job's id."""
        response, _ = self.upload(content, name)
        assert response.status_code == 303, response.text[:500]
        return response.headers["Location"].rsplit("/", 1)[-1]

    def job(self, job_id: str) -> dict:
        """The job as the API shows it."""
        response = self.get(f"/api/v1/jobs/{job_id}")
        assert response.status_code == 200, response.text[:500]
        return response.json()

    def wait_until(self, job_id: str, status: str = "COMPLETED") -> dict:
        """Wait for the job to reach `status`."""
        return wait_for(f"job {job_id} to be {status}",
                        lambda: (job := self.job(job_id))["status"] == status and job)
