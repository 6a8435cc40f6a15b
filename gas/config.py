"""GAS configuration: read once from the environment into one frozen object.

Precedence: the process environment, then (dev only) the running local stack's
`$GAS_DATA_DIR/stack.env`, then (production) the JSON secret named by `GAS_SECRETS_ID` in AWS
Secrets Manager, then defaults. Required production settings have no default.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENVIRONMENTS = ("dev", "prod")
ARCHIVE_BACKENDS = ("s3-glacier", "glacier-vault")
# S3 storage classes the s3-glacier backend archives into (GAS_ARCHIVE_STORAGE_CLASS).
ARCHIVE_STORAGE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
MAX_SQS_DELAY_SECONDS = 900  # SQS DelaySeconds maximum
MAX_TRUSTED_PROXIES = 10  # more forwarded hops than this is a misconfiguration, not a topology
# The local stack writes its endpoints here, under GAS_DATA_DIR; dev settings read it back.
STACK_ENV_FILE_NAME = "stack.env"
REQUIRED_IN_PROD = (
    "AWS_REGION", "GAS_NAME", "DATABASE_URL", "SECRET_KEY", "GLOBUS_CLIENT_ID",
    "GLOBUS_CLIENT_SECRET", "GAS_BASE_URL", "GAS_MAIL_SENDER",
)
SECRET_KEYS = ("SECRET_KEY", "GLOBUS_CLIENT_SECRET", "DATABASE_URL")


class SettingsError(Exception):
    """A setting is missing or out of range; the message names it."""


def _named(suffix: str, doc: str) -> property:
    """A resource name derived from the deployment's name prefix."""
    return property(lambda self: f"{self.name}-{suffix}", doc=doc)


@dataclass(frozen=True)
class Settings:
    """Every setting a GAS process reads; built by `load_settings`."""

    env: str
    aws_region: str
    aws_endpoint_url: str | None
    # Explicit keys only for the emulator (read from stack.env); on AWS the instance role is used.
    aws_access_key_id: str | None = field(repr=False, compare=False, kw_only=True, default=None)
    aws_secret_access_key: str | None = field(repr=False, compare=False, kw_only=True,
                                              default=None)
    name: str
    key_prefix: str
    database_url: str = field(repr=False)  # secret: kept out of logs
    secret_key: str = field(repr=False)  # secret: kept out of logs
    globus_client_id: str
    globus_client_secret: str = field(repr=False)  # secret: kept out of logs
    base_url: str
    mail_sender: str
    free_user_data_retention: int
    free_user_max_upload_bytes: int
    premium_user_max_upload_bytes: int
    archive_backend: str
    archive_storage_class: str
    data_dir: Path
    port: int
    annotation_data: Path | None
    annotator_concurrency: int
    annotator_processes: int
    annotator_time_limit: int
    annotator_lease_seconds: int
    max_receives: int
    stalled_job_seconds: int
    log_level: str
    # Proxies in front whose X-Forwarded-* headers are trusted (0: none; behind an ALB: 1).
    trusted_proxies: int

    inputs_bucket = _named("inputs", "Bucket holding uploaded input files.")
    results_bucket = _named("results", "Bucket holding annotated results, logs and summaries.")
    jobs_table = _named("annotations", "DynamoDB table of job rows.")
    vault_name = _named("archive", "Glacier vault used by the `glacier-vault` archive backend.")

    def topic_name(self, topic: str) -> str:
        """SNS topic name for a logical topic (job_requests, job_results, restore, thaw)."""
        return f"{self.name}-{topic.replace('_', '-')}"

    def queue_name(self, queue: str) -> str:
        """SQS queue name for a logical queue (job_requests, notify, archive, restore, thaw)."""
        return f"{self.name}-{queue.replace('_', '-')}"


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines (blank lines and # comments skipped); {} if the file is missing."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _layered(environ: Mapping[str, str]) -> dict[str, str]:
    """Merge the environment over the local stack's stack.env (dev only)."""
    values = dict(environ)
    if values.get("GAS_ENV", "dev") == "dev":
        stack_env = Path(values.get("GAS_DATA_DIR", ".gas")) / STACK_ENV_FILE_NAME
        values = {**read_env_file(stack_env), **values}
    return values


def _load_secrets(values: dict[str, str]) -> dict[str, str]:
    """Fill unset secret settings from the Secrets Manager JSON secret `GAS_SECRETS_ID`."""
    secret_id = values.get("GAS_SECRETS_ID")
    if not secret_id or all(values.get(k) for k in SECRET_KEYS):
        return values
    import boto3  # local import: only production start-up needs it

    client = boto3.client("secretsmanager", region_name=values.get("AWS_REGION"))
    stored = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    return {**{k: str(v) for k, v in stored.items() if k in SECRET_KEYS}, **values}


def _int(values: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    """Read an integer setting and check its range."""
    raw = values.get(key) or str(default)
    try:
        number = int(raw)
    except ValueError:
        raise SettingsError(f"{key}={raw!r} is not an integer in [{low}, {high}]") from None
    if not low <= number <= high:
        raise SettingsError(f"{key}={number} is out of range [{low}, {high}]")
    return number


def _choice(values: Mapping[str, str], key: str, default: str, allowed: tuple[str, ...]) -> str:
    """Read a setting that must be one of `allowed`."""
    value = values.get(key) or default
    if value not in allowed:
        raise SettingsError(f"{key}={value!r} must be one of {', '.join(allowed)}")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from the environment; raise SettingsError naming what is wrong."""
    values = _layered(os.environ if environ is None else environ)
    env = _choice(values, "GAS_ENV", "dev", ENVIRONMENTS)
    if env == "prod":
        values = _load_secrets(values)
        missing = [key for key in REQUIRED_IN_PROD if not values.get(key)]
        if missing:
            raise SettingsError(f"missing required settings: {', '.join(missing)}")
    data_dir = Path(values.get("GAS_DATA_DIR") or ".gas").resolve()
    port = _int(values, "PORT", 5000, 1, 65535)
    annotation_data = values.get("GAS_ANNOTATION_DATA")
    return Settings(
        env=env,
        aws_region=values.get("AWS_REGION") or "us-east-1",
        aws_endpoint_url=values.get("AWS_ENDPOINT_URL") or None,
        aws_access_key_id=values.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=values.get("AWS_SECRET_ACCESS_KEY") or None,
        name=values.get("GAS_NAME") or "gas-local",
        key_prefix=values.get("GAS_KEY_PREFIX") or "gas",
        database_url=values.get("DATABASE_URL") or f"sqlite:///{data_dir / 'accounts.db'}",
        # Dev without a running stack: a per-process random key (sessions end with the process).
        secret_key=values.get("SECRET_KEY") or secrets.token_hex(32),
        globus_client_id=values.get("GLOBUS_CLIENT_ID") or "",
        globus_client_secret=values.get("GLOBUS_CLIENT_SECRET") or "",
        base_url=(values.get("GAS_BASE_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
        mail_sender=values.get("GAS_MAIL_SENDER") or "gas@example.org",
        free_user_data_retention=_int(values, "FREE_USER_DATA_RETENTION", 300, 0, 10**8),
        free_user_max_upload_bytes=_int(values, "FREE_USER_MAX_UPLOAD_BYTES", 153600, 1, 10**12),
        premium_user_max_upload_bytes=_int(
            values, "PREMIUM_USER_MAX_UPLOAD_BYTES", 5 * 2**30, 1, 5 * 2**30
        ),
        archive_backend=_choice(values, "GAS_ARCHIVE_BACKEND", "s3-glacier", ARCHIVE_BACKENDS),
        archive_storage_class=_choice(
            values, "GAS_ARCHIVE_STORAGE_CLASS", "GLACIER", ARCHIVE_STORAGE_CLASSES
        ),
        data_dir=data_dir,
        port=port,
        annotation_data=Path(annotation_data).resolve() if annotation_data else None,
        annotator_concurrency=_int(values, "GAS_ANNOTATOR_CONCURRENCY", 2, 1, 64),
        annotator_processes=_int(values, "GAS_ANNOTATOR_PROCESSES", 1, 1, 64),
        annotator_time_limit=_int(values, "GAS_ANNOTATOR_TIME_LIMIT", 3600, 1, 86400),
        # A dead annotator's job is taken over within this many seconds.
        annotator_lease_seconds=_int(values, "GAS_ANNOTATOR_LEASE_SECONDS", 60, 3, 3600),
        max_receives=_int(values, "GAS_MAX_RECEIVES", 3, 1, 1000),
        # A job left PENDING/RUNNING (or unannounced) this long is requested again.
        stalled_job_seconds=_int(values, "GAS_STALLED_JOB_SECONDS", 300, 5, 86400),
        log_level=_choice(values, "GAS_LOG_LEVEL", "INFO", LOG_LEVELS),
        trusted_proxies=_int(values, "GAS_TRUSTED_PROXIES", 0, 0, MAX_TRUSTED_PROXIES),
    )
