"""AWS clients, made on demand (never at import time), pointed at the emulator when set."""

from __future__ import annotations

import threading
from functools import lru_cache

import boto3
from botocore.config import Config

from gas.config import Settings

_lock = threading.Lock()
_clients: dict[tuple, object] = {}
RETRY_CONFIG = Config(retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=20)
SIGV4_S3_CONFIG = RETRY_CONFIG.merge(Config(signature_version="s3v4"))


def client(service: str, settings: Settings):
    """Return a shared, thread-safe boto3 client for `service` under these settings."""
    key = (service, settings.aws_region, settings.aws_endpoint_url, settings.aws_access_key_id)
    with _lock:
        if key not in _clients:
            # A session per client: boto3's default session is not thread-safe to create from.
            session = boto3.session.Session(
                region_name=settings.aws_region,
                aws_access_key_id=settings.aws_access_key_id,
                aws_secret_access_key=settings.aws_secret_access_key,
            )
            _clients[key] = session.client(
                service,
                endpoint_url=settings.aws_endpoint_url,
                config=SIGV4_S3_CONFIG if service == "s3" else RETRY_CONFIG,
            )
        return _clients[key]


def reset_clients() -> None:
    """Forget cached clients and lookups (tests that restart the emulator on a new port)."""
    with _lock:
        _clients.clear()
    queue_url.cache_clear()
    account_id.cache_clear()


@lru_cache(maxsize=64)
def account_id(settings: Settings) -> str:
    """The AWS account id these credentials belong to."""
    return client("sts", settings).get_caller_identity()["Account"]


def topic_arn(settings: Settings, topic: str) -> str:
    """ARN of a logical topic (job_requests, job_results, restore, thaw)."""
    name = settings.topic_name(topic)
    return f"arn:aws:sns:{settings.aws_region}:{account_id(settings)}:{name}"


@lru_cache(maxsize=64)
def queue_url(settings: Settings, queue: str) -> str:
    """URL of a logical queue (job_requests, notify, archive, restore, thaw, or NAME-dlq)."""
    sqs = client("sqs", settings)
    return sqs.get_queue_url(QueueName=settings.queue_name(queue))["QueueUrl"]
