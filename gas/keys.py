"""Job ids and S3 keys: always derived from the job id, never from unchecked user input."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

# Job ids (`new_job_id`) and identity ids (Globus, the dev provider) are lower-case UUID strings.
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# What an input file name may keep in a key; everything else becomes "_".
_UNSAFE_CHARS_RE = re.compile(r"[^A-Za-z0-9._-]")
_DISPLAY_NAME_RE = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,255}$")
# What a downloaded file's name may keep (a quoted Content-Disposition filename); "~" included:
# it is common in file names and safe there.
_DOWNLOAD_UNSAFE_CHARS_RE = re.compile(r"[^A-Za-z0-9._~-]")
MAX_FILE_NAME_CHARS = 100
MAX_KEY_BYTES = 1024  # S3 object key limit


class ForgedKeyError(ValueError):
    """A key or id that GAS did not make (forged, malformed, or another user's)."""


def new_job_id() -> str:
    """Return a fresh random job id."""
    return str(uuid.uuid4())


def is_uuid(value: object) -> bool:
    """True when `value` is a UUID string as GAS writes ids (the whole string, nothing after)."""
    return isinstance(value, str) and _UUID_RE.fullmatch(value) is not None


def is_job_id(value: str) -> bool:
    """True when `value` has the shape of a job id."""
    return is_uuid(value)


def safe_file_name(file_name: str) -> str:
    """Reduce a user's file name to the characters a key may carry (display keeps the original)."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE_CHARS_RE.sub("_", base).lstrip(".")[-MAX_FILE_NAME_CHARS:]
    return cleaned or "input.vcf"


def is_display_name(name: str) -> bool:
    """True for a file name GAS shows as the user gave it (no path, no control characters)."""
    return _DISPLAY_NAME_RE.fullmatch(name) is not None


def download_name(key: str) -> str:
    """The name a stored object is offered under: all of the key after its job id's "~"."""
    tail = key.rsplit("/", 1)[-1]
    name = tail.partition("~")[2] or tail  # the first "~" ends the job id; the name may hold more
    cleaned = _DOWNLOAD_UNSAFE_CHARS_RE.sub("_", name).lstrip(".")[-MAX_FILE_NAME_CHARS:]
    return cleaned or "download"


def fits_a_key(key: str) -> bool:
    """True when `key` can be an S3 key at all: UTF-8 (no lone surrogates) and short enough."""
    try:
        return len(key.encode()) <= MAX_KEY_BYTES
    except UnicodeEncodeError:
        return False


def user_prefix(prefix: str, user_id: str) -> str:
    """Key prefix under which one user's files live (ends with '/')."""
    return f"{prefix}/{user_id}/"


def input_key(prefix: str, user_id: str, job_id: str, file_name: str) -> str:
    """Key of a job's uploaded input file."""
    return f"{user_prefix(prefix, user_id)}{job_id}~{safe_file_name(file_name)}"


@dataclass(frozen=True)
class InputKey:
    """The parts of a checked input key."""

    user_id: str
    job_id: str
    file_name: str


def parse_input_key(prefix: str, user_id: str, key: str) -> InputKey:
    """Check that `key` is an input key of this user that GAS could have made; return its parts."""
    head = user_prefix(prefix, user_id)
    if not fits_a_key(key) or not key.startswith(head):
        raise ForgedKeyError("the upload key does not belong to this user")
    job_id, sep, file_name = key[len(head):].partition("~")
    # The name part came from the browser (S3 fills ${filename}); it is display text only.
    if not sep or not is_job_id(job_id) or not _DISPLAY_NAME_RE.match(file_name):
        raise ForgedKeyError("the upload key is not one GAS issued")
    return InputKey(user_id=user_id, job_id=job_id, file_name=file_name)


def file_stem(file_name: str) -> str:
    """File name without its .vcf.gz, .vcf.bgz, .gz, .bgz or .vcf ending (the one definition)."""
    for suffix in (".gz", ".bgz", ".vcf"):
        if file_name.lower().endswith(suffix):
            file_name = file_name[: -len(suffix)]
    return file_name or "input"


def result_keys(prefix: str, user_id: str, job_id: str, file_name: str) -> dict[str, str]:
    """Keys of a job's result (plain, bgzip and its tabix index), count log and summary files."""
    base = f"{user_prefix(prefix, user_id)}{job_id}~{file_stem(safe_file_name(file_name))}"
    return {
        "s3_key_result_file": f"{base}.annot.vcf",
        "s3_key_result_bgzip": f"{base}.annot.vcf.gz",
        "s3_key_result_index": f"{base}.annot.vcf.gz.tbi",
        "s3_key_log_file": f"{base}.vcf.count.log",
        "s3_key_summary_file": f"{base}.summary.json",
    }
