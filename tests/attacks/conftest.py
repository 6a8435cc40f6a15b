"""The attack catalogue's live stack (issue 11 item 3): one local stack for all the probes —
emulator, identity provider, web under gunicorn with two workers, annotator and the four util
workers, each its own process, loopback only — and two signed-in users, Alice and Mallory.

Every test in this folder is one probe; the terminal summary counts them ("N probes, all held").
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gas import aws
from gas.config import Settings, load_settings
from tests.attacks.support import User

REPO = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_SECONDS = 2.0  # idle workers sit in a 20 s long poll; nothing here needs a clean stop
_outcomes: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every probe starts real processes."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record each probe's outcome (a failed set-up or teardown counts against it)."""
    if report.failed:
        _outcomes[report.nodeid] = "broke"
    elif report.when == "call":
        _outcomes.setdefault(report.nodeid, "held")
    elif report.skipped:
        _outcomes.setdefault(report.nodeid, "skipped")


def pytest_terminal_summary(terminalreporter) -> None:
    """One line: how many probes ran and whether every one held."""
    if not _outcomes:
        return
    broke = sorted(node for node, outcome in _outcomes.items() if outcome == "broke")
    skipped = sum(outcome == "skipped" for outcome in _outcomes.values())
    ran = len(_outcomes) - skipped
    verdict = "all held" if not broke else f"{len(broke)} broke: " + ", ".join(broke)
    extra = f" ({skipped} skipped)" if skipped else ""
    terminalreporter.write_line(f"attack catalogue: {ran} probes, {verdict}{extra}")


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The whole local stack, on free loopback ports, for every probe."""
    data = Path(os.environ.get("GAS_ANNOTATION_DATA", REPO / ".cache" / "annotation-data"))
    if not (data / "manifest.json").is_file():
        pytest.skip(f"no annotation bundle at {data}: run `python -m ann build-data` first")
    from devstack.net import wait_until_up
    from devstack.stack import LocalStack

    environ = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environ |= {"GAS_NAME": f"atk{uuid.uuid4().hex[:8]}", "GAS_ANNOTATION_DATA": str(data),
                "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}
    with LocalStack(tmp_path_factory.mktemp("attack-stack"), environ=environ,
                    stop_timeout=STOP_TIMEOUT_SECONDS) as running:
        wait_until_up(running.web_url + "/", timeout=60)
        yield running


@pytest.fixture(scope="package")
def settings(stack) -> Settings:
    """The stack's settings, as its processes read them (stack.env)."""
    aws.reset_clients()
    return load_settings({"GAS_DATA_DIR": str(stack.data_dir)})


def _signed_in(stack, email: str, name: str) -> User:
    """A user who signed in through the provider."""
    user = User(stack.web_url, email, name)
    assert user.sign_in().status_code == 302
    return user


@pytest.fixture(scope="package")
def alice(stack) -> User:
    """The victim: a Free user with jobs."""
    return _signed_in(stack, f"alice-{uuid.uuid4().hex[:6]}@example.org", "Alice")


@pytest.fixture(scope="package")
def mallory(stack) -> User:
    """The attacker: another signed-in Free user."""
    return _signed_in(stack, f"mallory-{uuid.uuid4().hex[:6]}@example.org", "Mallory")


@pytest.fixture
def visitor(stack) -> User:
    """Someone who has not signed in (a fresh browser each probe)."""
    return User(stack.web_url, f"visitor-{uuid.uuid4().hex[:6]}@example.org", "Visitor")


@pytest.fixture
def newcomer(stack) -> User:
    """A user who signs in during the probe (their session can be spent)."""
    return _signed_in(stack, f"new-{uuid.uuid4().hex[:6]}@example.org", "Newcomer")


@pytest.fixture(scope="package")
def alice_job(alice) -> dict:
    """Alice's completed job (its routes are what Mallory probes)."""
    return alice.wait_until(alice.submit("alice private sample.vcf"))
