"""The local stack's settings: ports and data dir from the environment, dev secrets, stack.env.

`stack.env` (KEY=VALUE lines, in `GAS_DATA_DIR`) holds everything a process or the `gas` command
needs to reach the running stack; `gas.config.load_settings` reads it in dev.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gas.config import read_env_file

SECRETS_FILE_NAME = "secrets.env"
LOOPBACK = "127.0.0.1"
DEFAULT_PORTS = {"PORT": 5000, "GAS_EMULATOR_PORT": 5010, "GAS_IDP_PORT": 5020}
# Settings the caller's environment may override (same name), with their local defaults.
OVERRIDABLE_DEFAULTS = {
    "AWS_REGION": "us-east-1",
    "GAS_NAME": "gas-local",
    "FREE_USER_DATA_RETENTION": "300",
    "GAS_ARCHIVE_BACKEND": "s3-glacier",
}
# Credentials that would otherwise leak from the caller's shell into requests to the emulator.
AWS_VARIABLES_TO_DROP = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                         "AWS_SECURITY_TOKEN")


@dataclass(frozen=True)
class StackPorts:
    """The three loopback ports of the local stack."""

    web: int
    emulator: int
    idp: int


def write_env_file(path: Path, values: Mapping[str, str], header: str) -> None:
    """Write KEY=VALUE lines atomically, readable by the owner only (they hold secrets)."""
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"# {header}\n")
        handle.writelines(f"{key}={value}\n" for key, value in values.items())
    os.replace(temporary, path)


def dev_secrets(data_dir: Path) -> dict[str, str]:
    """Return the stack's dev secrets, generating any missing one once into secrets.env."""
    path = data_dir / SECRETS_FILE_NAME
    stored = read_env_file(path)
    wanted = {
        "SECRET_KEY": lambda: secrets.token_hex(32),
        "GLOBUS_CLIENT_ID": lambda: str(uuid.uuid4()),
        "GLOBUS_CLIENT_SECRET": lambda: secrets.token_urlsafe(32),
    }
    missing = {key: make() for key, make in wanted.items() if not stored.get(key)}
    if missing or not path.is_file():
        stored.update(missing)
        write_env_file(path, stored, "development secrets of the local stack (generated once)")
    return stored


def resolve_ports(environ: Mapping[str, str]) -> StackPorts:
    """Ports from PORT, GAS_EMULATOR_PORT and GAS_IDP_PORT (defaults 5000, 5010, 5020)."""
    ports = {}
    for key, default in DEFAULT_PORTS.items():
        raw = environ.get(key) or str(default)
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise ValueError(f"{key}={raw!r} is not a TCP port number")
        ports[key] = int(raw)
    return StackPorts(ports["PORT"], ports["GAS_EMULATOR_PORT"], ports["GAS_IDP_PORT"])


def stack_env(data_dir: Path, ports: StackPorts, environ: Mapping[str, str]) -> dict[str, str]:
    """Everything a process needs to reach the stack; the caller's values win where allowed."""
    data_dir = data_dir.resolve()
    values = {
        "GAS_ENV": "dev",
        "AWS_ENDPOINT_URL": f"http://{LOOPBACK}:{ports.emulator}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "GLOBUS_SDK_SERVICE_URL_AUTH": f"http://{LOOPBACK}:{ports.idp}/",
        "PORT": str(ports.web),
        "GAS_EMULATOR_PORT": str(ports.emulator),
        "GAS_IDP_PORT": str(ports.idp),
        "GAS_DATA_DIR": str(data_dir),
    }
    overridable = {
        **OVERRIDABLE_DEFAULTS,
        "GAS_BASE_URL": f"http://{LOOPBACK}:{ports.web}",
        "DATABASE_URL": f"sqlite:///{data_dir / 'accounts.db'}",
        **dev_secrets(data_dir),
    }
    for key, default in overridable.items():
        values[key] = environ.get(key) or default
    values["AWS_DEFAULT_REGION"] = values["AWS_REGION"]
    return values


def child_environment(environ: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    """A stack process's environment: the caller's, minus real AWS credentials, plus stack.env."""
    kept = {k: v for k, v in environ.items() if k not in AWS_VARIABLES_TO_DROP}
    return {**kept, **values}
