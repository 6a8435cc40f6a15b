"""What a failed `gas` command says: one line on stderr, no traceback, with what to do next."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from sqlalchemy.exc import SQLAlchemyError

from gas.config import STACK_ENV_FILE_NAME, Settings

# Error codes AWS answers when a resource `gas init` creates is not there.
MISSING_RESOURCE_CODES = ("404", "NoSuchBucket", "ResourceNotFoundException", "NotFound",
                          "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")
EXPLAINED = (BotoCoreError, ClientError, SQLAlchemyError)


class CliError(Exception):
    """A failure reported as one line; `status` is the exit status (1 failed, 2 bad input)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _no_stack_hint(settings: Settings | None) -> str:
    """Where gas looked for the local stack, and how to point it there (dev without one)."""
    if settings is None or settings.env != "dev" or settings.aws_endpoint_url:
        return "configure AWS credentials (environment, ~/.aws or the instance role)"
    return (f"no local stack found ({settings.data_dir / STACK_ENV_FILE_NAME} does not exist): "
            "start it with `make run` and run gas in the repository or set GAS_DATA_DIR to its "
            "data directory; for AWS, configure credentials")


def explain(exc: Exception, settings: Settings | None) -> str:
    """One line for an error from AWS or the accounts database."""
    endpoint = (settings.aws_endpoint_url if settings else None) or "AWS"
    if isinstance(exc, NoCredentialsError | NoRegionError):
        return f"{exc}: {_no_stack_hint(settings)}"
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        hint = " (is the local stack running? `make run`)" if settings and \
            settings.aws_endpoint_url else ""
        return f"cannot reach {endpoint}: {exc}{hint}"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "?"), error.get("Message") or ""
        hint = " (are the resources created? `gas init`)" if code in MISSING_RESOURCE_CODES else ""
        return f"{endpoint} refused {exc.operation_name}: {code} {message}".rstrip() + hint
    if isinstance(exc, SQLAlchemyError):
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"accounts database: {detail}"
    return f"{type(exc).__name__}: {exc}"
