"""Every message GAS sends over SNS/SQS: typed, versioned records, one encoder, one decoder."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import ClassVar

from gas import aws
from gas.config import Settings
from gas.jobs import ASSEMBLIES, AUTO_ASSEMBLY
from gas.keys import is_uuid

MAX_MESSAGE_BYTES = 262_144  # SQS/SNS message size limit
_FIELD_TYPES = {"str": str, "int": int}


class MessageError(ValueError):
    """A body that is not a GAS message of a known type and version."""


@dataclass(frozen=True)
class Message:
    """Base of every message; subclasses set `type` and `version`."""

    type: ClassVar[str] = ""
    version: ClassVar[int] = 1
    topic: ClassVar[str] = ""
    # Fields added after version 1, with the version that added them: an older body lacks
    # them and decodes with their defaults, so messages queued before an upgrade still work.
    added_in: ClassVar[dict[str, int]] = {}

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            # bool is an int subclass; a JSON true must not pass as a time.
            if type(value) is not _FIELD_TYPES[f.type]:
                raise MessageError(f"{self.type}: {f.name} must be {f.type}, got {value!r}")
            # Ids are job ids or identity ids; nothing else is accepted.
            if f.name.endswith("_id") and not is_uuid(value):
                raise MessageError(f"{self.type}: {f.name} {value!r} is not a valid id")
            if f.name == "assembly" and value not in ASSEMBLIES:
                raise MessageError(f"{self.type}: assembly {value[:20]!r} is not one of "
                                   f"{', '.join(ASSEMBLIES)}")

    @classmethod
    def fields_of_version(cls, version: int) -> set[str]:
        """The field names a body of `version` carries."""
        return {f.name for f in fields(cls) if cls.added_in.get(f.name, 1) <= version}


@dataclass(frozen=True)
class JobRequest(Message):
    """web → annotator: annotate this job (the job row holds the details; v2 adds assembly)."""

    type: ClassVar[str] = "job_request"
    version: ClassVar[int] = 2
    topic: ClassVar[str] = "job_requests"
    added_in: ClassVar[dict[str, int]] = {"assembly": 2}
    job_id: str
    user_id: str
    assembly: str = AUTO_ASSEMBLY


@dataclass(frozen=True)
class JobResult(Message):
    """annotator → notify, archive: a job reached a final state."""

    type: ClassVar[str] = "job_result"
    topic: ClassVar[str] = "job_results"
    job_id: str
    user_id: str
    status: str
    complete_time: int


@dataclass(frozen=True)
class RestoreRequest(Message):
    """web → restore: this user became Premium; bring their archived results back."""

    type: ClassVar[str] = "restore_request"
    topic: ClassVar[str] = "restore"
    user_id: str
    requested_at: int


@dataclass(frozen=True)
class ThawRequest(Message):
    """restore → thaw: a retrieval was started for this job; finish it when it is ready."""

    type: ClassVar[str] = "thaw_request"
    topic: ClassVar[str] = "thaw"
    job_id: str
    user_id: str
    retrieval: str
    tier: str
    requested_at: int


# Every version a consumer still reads, each mapped to the current record.
MESSAGE_TYPES: dict[tuple[str, int], type[Message]] = {
    (cls.type, version): cls
    for cls in (JobRequest, JobResult, RestoreRequest, ThawRequest)
    for version in range(1, cls.version + 1)
}


def encode(message: Message) -> str:
    """Serialise a message to the JSON body published on its topic."""
    return json.dumps({"type": message.type, "version": message.version, **asdict(message)})


def decode(body: str) -> Message:
    """Parse a queue body (raw, or wrapped in an SNS envelope) into its message record.

    Anything that is not exactly a known message raises MessageError, whatever its shape:
    a body nested too deep for the parser, a list where a name belongs, a non-string envelope.
    """
    if len(body.encode()) > MAX_MESSAGE_BYTES:
        raise MessageError("message larger than the SQS limit")
    try:
        data = json.loads(body)
        if isinstance(data, dict) and data.get("Type") == "Notification":
            data = json.loads(data["Message"])
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise MessageError(f"body is not a JSON message: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise MessageError("body is not a JSON object")
    kind, version = data.get("type"), data.get("version")
    # Only a str type and an int version can name a message (a list or dict is unhashable).
    cls = None
    if isinstance(kind, str) and type(version) is int:
        cls = MESSAGE_TYPES.get((kind, version))
    if cls is None:
        raise MessageError(f"unknown message type/version {str(kind)[:50]!r}/{str(version)[:20]}")
    names = cls.fields_of_version(version)
    if set(data) - {"type", "version"} != names:
        raise MessageError(f"{cls.type} v{version}: expected fields {sorted(names)}")
    try:
        return cls(**{name: data[name] for name in names})
    except (TypeError, KeyError) as exc:
        raise MessageError(f"{cls.type}: {exc}") from None


def publish(settings: Settings, message: Message) -> str:
    """Publish a message on its topic; return the SNS message id."""
    sns = aws.client("sns", settings)
    response = sns.publish(TopicArn=aws.topic_arn(settings, message.topic), Message=encode(message))
    return response["MessageId"]
