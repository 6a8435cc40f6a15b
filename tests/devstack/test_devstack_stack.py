"""The local stack: settings files, provisioning, state across restarts, clean Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
from pathlib import Path

import pytest

from devstack.emulator_state import STATE_FILE_NAME
from devstack.net import free_port, wait_until_up
from devstack.stack import LocalStack, module_exists
from gas.config import read_env_file
from tests.devstack.devstack_helpers import (
    STOP_TIMEOUT_SECONDS,
    aws_client,
    process_alive,
    wait_for,
)

pytestmark = pytest.mark.integration

BASE_ENVIRON = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}


def mode_of(path: Path) -> int:
    """Permission bits of a file."""
    return stat.S_IMODE(path.stat().st_mode)


def test_stack_provisions_and_keeps_state_across_restarts(tmp_path: Path) -> None:
    data_dir = tmp_path / "gas"
    caller = {**BASE_ENVIRON, "GAS_NAME": "gas-test", "SECRET_KEY": "from-the-caller"}
    with LocalStack(data_dir, environ=caller, programs=[]) as stack:
        env = read_env_file(data_dir / "stack.env")
        assert env["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{stack.ports.emulator}"
        assert env["GLOBUS_SDK_SERVICE_URL_AUTH"] == f"http://127.0.0.1:{stack.ports.idp}/"
        assert env["GAS_BASE_URL"] == stack.web_url
        assert env["DATABASE_URL"] == f"sqlite:///{data_dir.resolve() / 'accounts.db'}"
        assert (env["GAS_ENV"], env["GAS_NAME"], env["SECRET_KEY"]) == (
            "dev", "gas-test", "from-the-caller")
        assert mode_of(data_dir / "stack.env") == mode_of(data_dir / "secrets.env") == 0o600
        queues = aws_client("sqs", stack.emulator_url).list_queues()["QueueUrls"]
        assert any(url.endswith("/gas-test-job-requests") for url in queues)
        aws_client("s3", stack.emulator_url).put_object(
            Bucket="gas-test-inputs", Key="u/j~a.vcf", Body=b"kept")
        with pytest.raises(RuntimeError, match="another local stack is running"):
            LocalStack(data_dir, environ=caller, programs=[]).start()
        pids = stack.supervisor.pids()
    assert pids.keys() == {"emulator", "idp"}
    assert not any(process_alive(pid) for pid in pids.values())
    assert (data_dir / "emulator" / STATE_FILE_NAME).is_file()
    secrets = read_env_file(data_dir / "secrets.env")

    # A restart provisions again (`gas init` at start-up, as `make run` does): that must find
    # the restored buckets, not replace them with empty ones.
    with LocalStack(data_dir, environ=caller, programs=[]) as again:
        s3 = aws_client("s3", again.emulator_url)
        body = s3.get_object(Bucket="gas-test-inputs", Key="u/j~a.vcf")["Body"].read()
        assert body == b"kept"
        assert read_env_file(data_dir / "secrets.env") == secrets
        assert again.env["GLOBUS_CLIENT_SECRET"] == secrets["GLOBUS_CLIENT_SECRET"]


def test_make_run_path_prints_the_url_and_stops_on_ctrl_c(spawn, tmp_path: Path) -> None:
    data_dir = tmp_path / "gas"
    ports = {"PORT": free_port(), "GAS_EMULATOR_PORT": free_port(), "GAS_IDP_PORT": free_port()}
    env = {"GAS_DATA_DIR": str(data_dir), "GAS_STACK_PROGRAMS": "none",
           **{key: str(value) for key, value in ports.items()}}
    process = spawn("devstack", env=env, log_name="stack.out")
    log = tmp_path / "stack.out"
    wait_for(lambda: "Mail sent by GAS" in log.read_text(), 60, "the stack to start")
    emulator = f"http://127.0.0.1:{ports['GAS_EMULATOR_PORT']}"
    assert f"{emulator}/gas-dev/mail.json" in log.read_text()
    wait_until_up(f"{emulator}/moto-api/", timeout=5)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=STOP_TIMEOUT_SECONDS + 10) == 0
    output = log.read_text()
    children = [int(pid) for pid in re.findall(r"started \w+ \(pid (\d+)\)", output)]
    assert len(children) == 2
    assert not any(process_alive(pid) for pid in children)
    assert "saved emulator state" in output
    assert (data_dir / "emulator" / STATE_FILE_NAME).is_file()


def test_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=rf"port {port} \(GAS_EMULATOR_PORT\) is in use"):
            LocalStack(tmp_path, emulator_port=port, environ=BASE_ENVIRON, programs=[]).start()


@pytest.mark.parametrize(
    ("files", "module", "expected"),
    [
        (["util/notify.py"], "util.notify", True),
        (["web/wsgi/__init__.py"], "web.wsgi", True),
        (["util/notify.py"], "util.thaw", False),
        ([], "ann.annotator", False),
    ],
)
def test_programs_start_only_when_their_module_exists(tmp_path, files, module, expected) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert module_exists(module, root=tmp_path) is expected


@pytest.mark.parametrize(
    ("programs", "annotators", "expected"),
    [
        (None, 1, ["web", "annotator", "notify"]),
        (None, 2, ["web", "annotator", "annotator-2", "notify"]),
        (["annotator"], 2, ["annotator", "annotator-2"]),
        (["none"], 1, []),
    ],
)
def test_stack_runs_the_programs_that_exist_and_were_asked_for(
    tmp_path, programs, annotators, expected
) -> None:
    for name in ("web/wsgi.py", "web/gunicorn.conf.py", "ann/annotator.py", "util/notify.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    stack = LocalStack(tmp_path / "data", environ=BASE_ENVIRON, programs=programs,
                       annotators=annotators, root=tmp_path)
    found = stack.applications()
    assert [program.name for program in found] == expected
    for program in found:
        assert program.cwd == str(tmp_path)
        assert program.env["AWS_ENDPOINT_URL"] == stack.emulator_url
    if "web" in expected:
        assert found[0].argv[1:] == ["-m", "gunicorn", "-c", "web/gunicorn.conf.py",
                                     "web.wsgi:app", "-b", f"127.0.0.1:{stack.ports.web}"]


def test_wait_until_up_times_out_on_a_closed_port() -> None:
    with pytest.raises(TimeoutError):
        wait_until_up(f"http://127.0.0.1:{free_port()}/", timeout=0.5)
