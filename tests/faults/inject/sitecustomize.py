"""Fault injection and call recording in GAS's own processes, through botocore event hooks.

The fault suite puts this folder on the PYTHONPATH of the local stack's processes; Python imports
`sitecustomize` at start-up, and it does nothing unless one of these is set:

- GAS_FAULTS=s3,dynamodb,sqs,ses: every GAS_FAULTS_EVERY-th (7) HTTP attempt to each named
  service is answered, without reaching the emulator, by an injected error, alternately a
  throttling error (DynamoDB/SQS ThrottlingException, S3 503 SlowDown, SES Throttling) and a
  5xx. Injected at `before-send`, so botocore's retry handler (standard mode, backoff with
  jitter) sees them exactly as it would see AWS's. Each injection is a line in GAS_FAULTS_LOG.
- GAS_CALL_LOG=FILE: a line per call of the operations the duplicate checks count (SendEmail,
  CopyObject, RestoreObject, UploadArchive, InitiateJob), once botocore has its answer:
  `pid operation key storage-class status`.
"""

from __future__ import annotations

import json
import os
import threading

_SERVICES = {name for name in os.environ.get("GAS_FAULTS", "").split(",") if name}
_EVERY = int(os.environ.get("GAS_FAULTS_EVERY") or 7)
_FAULT_LOG = os.environ.get("GAS_FAULTS_LOG")
_CALL_LOG = os.environ.get("GAS_CALL_LOG")
_COUNTED = ("SendEmail", "CopyObject", "RestoreObject", "UploadArchive", "InitiateJob")
_lock = threading.Lock()
_attempts: dict[str, int] = {}


class _Body:
    """The raw stream botocore reads an injected response from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs):
        yield self._data


def _error(service: str, throttle: bool) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an AWS error in the service's own protocol."""
    if service in ("dynamodb", "sqs"):  # AWS JSON 1.0
        code = "ThrottlingException" if throttle else "InternalFailure"
        body = json.dumps({"__type": f"com.amazonaws.{service}#{code}", "message": "injected"})
        return (400 if throttle else 503), {"Content-Type": "application/x-amz-json-1.0"}, \
            body.encode()
    if service == "s3":  # REST-XML: S3 throttles with 503 SlowDown
        code = "SlowDown" if throttle else "InternalError"
        body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>"
        return (503 if throttle else 500), {"Content-Type": "application/xml"}, body.encode()
    code, kind = ("Throttling", "Sender") if throttle else ("ServiceUnavailable", "Receiver")
    body = (f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>injected"
            "</Message></Error><RequestId>injected</RequestId></ErrorResponse>")
    return (400 if throttle else 503), {"Content-Type": "text/xml"}, body.encode()


def _append(path: str, line: str) -> None:
    """One line, appended atomically (O_APPEND) by any process."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _before_send(request, event_name: str = "", **_kwargs):
    """Answer every n-th attempt to an injected service with an error; else send as usual."""
    service, operation = (event_name.split(".") + ["", ""])[1:3]
    if service not in _SERVICES:
        return None
    with _lock:
        _attempts[service] = count = _attempts.get(service, 0) + 1
    if count % _EVERY:
        return None
    from botocore.awsrequest import AWSResponse

    throttle = (count // _EVERY) % 2 == 1
    status, headers, body = _error(service, throttle)
    if _FAULT_LOG:
        _append(_FAULT_LOG, f"{os.getpid()} {service} {operation} "
                            f"{'throttle' if throttle else '5xx'} {status}")
    return AWSResponse(request.url, status, headers, _Body(body))


def _before_call(params, event_name: str = "", context=None, **_kwargs) -> None:
    """Note what a counted call is about (its key and storage class) for `_after_call`."""
    operation = event_name.rsplit(".", 1)[-1]
    if operation in _COUNTED and context is not None:
        key = params.get("Key") or params.get("vaultName") or ",".join(
            params.get("Destination", {}).get("ToAddresses", []))
        context["gas_counted"] = f"{operation} {key} {params.get('StorageClass', '-')}"


def _after_call(http_response=None, context=None, **_kwargs) -> None:
    """Record a counted call with its final HTTP status (after botocore's retries)."""
    if context and "gas_counted" in context and http_response is not None:
        _append(_CALL_LOG, f"{os.getpid()} {context['gas_counted']} {http_response.status_code}")


def _install() -> None:
    """Register the hooks on every botocore client this process creates."""
    import botocore.session

    create_client = botocore.session.Session.create_client

    def create_client_with_hooks(self, *args, **kwargs):
        client = create_client(self, *args, **kwargs)
        if _SERVICES:
            client.meta.events.register("before-send", _before_send)
        if _CALL_LOG:
            client.meta.events.register("before-parameter-build", _before_call)
            client.meta.events.register("after-call", _after_call)
        return client

    botocore.session.Session.create_client = create_client_with_hooks


if _SERVICES or _CALL_LOG:
    _install()
