"""The job store: every read and conditional write of a job row (DynamoDB table `annotations`)."""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from gas import aws
from gas.config import Settings
from gas.keys import is_job_id

if TYPE_CHECKING:
    from gas.archive.base import Archived

PENDING, RUNNING, COMPLETED, FAILED = "PENDING", "RUNNING", "COMPLETED", "FAILED"
STATUSES = (PENDING, RUNNING, COMPLETED, FAILED)
# A job's `assembly` option: detected from the header, or forced (NCBI36 input is lifted to
# GRCh37 for the look-ups and keeps its own coordinates). The engine takes None for "auto".
AUTO_ASSEMBLY = "auto"
ASSEMBLIES = (AUTO_ASSEMBLY, "GRCh37", "GRCh38", "NCBI36")
USER_INDEX = "user_id_index"
MAX_PAGE_SIZE = 100
MAX_REASON_CHARS = 2000

_NAME_RE = re.compile(r"#(\w+)")


class InvalidPageToken(ValueError):
    """A page token GAS did not issue to this user (garbled, forged or another user's)."""

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_python(value: Any) -> Any:
    """Turn DynamoDB Decimals back into ints/floats, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    return value


def _to_dynamo(value: Any) -> dict:
    """Serialise a Python value (floats allowed) to a DynamoDB attribute value."""
    if isinstance(value, float):
        value = Decimal(str(value))
    elif isinstance(value, dict):
        return {"M": {k: _to_dynamo(v) for k, v in value.items()}}
    return _serializer.serialize(value)


def _from_item(item: dict) -> dict:
    """Deserialise a DynamoDB item into a plain dict."""
    return _to_python({k: _deserializer.deserialize(v) for k, v in item.items()})


class JobStore:
    """Reads and state changes of job rows; every change is conditional on the current state."""

    def __init__(self, settings: Settings) -> None:
        self._ddb = aws.client("dynamodb", settings)
        self._table = settings.jobs_table

    # --- reads -------------------------------------------------------------------------------
    def get(self, job_id: str) -> dict | None:
        """Return the job row, or None when there is no such job."""
        if not is_job_id(job_id):
            return None
        response = self._ddb.get_item(
            TableName=self._table, Key={"job_id": {"S": job_id}}, ConsistentRead=True
        )
        return _from_item(response["Item"]) if "Item" in response else None

    def get_owned(self, job_id: str, user_id: str) -> dict | None:
        """Return the job row only if it belongs to `user_id` (None otherwise, never another's)."""
        job = self.get(job_id)
        return job if job and job.get("user_id") == user_id else None

    def list_for_user(
        self, user_id: str, limit: int = 20, page_token: str | None = None
    ) -> tuple[list[dict], str | None]:
        """Return one page of the user's jobs, newest first, and the token of the next page.

        InvalidPageToken for a token this store did not issue to this user.
        """
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": USER_INDEX,
            "KeyConditionExpression": "user_id = :u",
            "ExpressionAttributeValues": {":u": {"S": user_id}},
            "ScanIndexForward": False,
            "Limit": max(1, min(limit, MAX_PAGE_SIZE)),
        }
        start_key = _decode_page_token(page_token, user_id)
        if start_key:
            params["ExclusiveStartKey"] = start_key
        response = self._ddb.query(**params)
        jobs = [_from_item(item) for item in response.get("Items", [])]
        return jobs, _encode_page_token(response.get("LastEvaluatedKey"))

    def all_for_user(self, user_id: str) -> list[dict]:
        """Return every job of the user (workers walking a user's jobs)."""
        jobs, token = self.list_for_user(user_id, MAX_PAGE_SIZE)
        while token:
            page, token = self.list_for_user(user_id, MAX_PAGE_SIZE, token)
            jobs.extend(page)
        return jobs

    def every_job(self) -> Iterator[dict]:
        """Every job row, in no order: a table scan, for operators' listings only."""
        for page in self._ddb.get_paginator("scan").paginate(TableName=self._table):
            yield from (_from_item(item) for item in page.get("Items", []))

    def count_pending_before(self, submit_time: int, user_id: str | None = None) -> int:
        """PENDING jobs submitted before `submit_time`: the user's (an index query) or everyone's
        (a table scan: fine for the job page of one PENDING job, not for listings)."""
        params: dict[str, Any] = {
            "TableName": self._table, "Select": "COUNT",
            "FilterExpression": "job_status = :pending",
            "ExpressionAttributeValues": {":pending": {"S": PENDING},
                                          ":t": {"N": str(int(submit_time))}},
        }
        if user_id is None:
            params["FilterExpression"] += " AND submit_time < :t"
            pages = self._ddb.get_paginator("scan").paginate(**params)
        else:
            params |= {"IndexName": USER_INDEX,
                       "KeyConditionExpression": "user_id = :u AND submit_time < :t"}
            params["ExpressionAttributeValues"][":u"] = {"S": user_id}
            pages = self._ddb.get_paginator("query").paginate(**params)
        return sum(page.get("Count", 0) for page in pages)

    def unsettled(self) -> Iterator[dict]:
        """Rows that may need a worker (PENDING, RUNNING, unannounced): a scan, for the sweep."""
        paginator = self._ddb.get_paginator("scan")
        pages = paginator.paginate(
            TableName=self._table,
            FilterExpression="#s IN (:pending, :running) OR attribute_not_exists(#published)",
            ExpressionAttributeNames={"#s": "job_status", "#published": "result_published_at"},
            ExpressionAttributeValues={":pending": {"S": PENDING}, ":running": {"S": RUNNING}},
        )
        for page in pages:
            yield from (_from_item(item) for item in page.get("Items", []))

    # --- writes ------------------------------------------------------------------------------
    def create(self, job: dict) -> bool:
        """Insert a new PENDING job row; False if a row with this job id already exists."""
        item = {k: _to_dynamo(v) for k, v in {**job, "job_status": PENDING}.items()}
        try:
            self._ddb.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(job_id)"
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def update(
        self,
        job_id: str,
        set_values: dict | None = None,
        remove: tuple[str, ...] = (),
        condition: str = "attribute_exists(#job_id)",
        condition_values: dict | None = None,
    ) -> dict | None:
        """Apply one conditional update; return the new row, or None if the condition failed."""
        set_values = set_values or {}
        names = {f"#{k}": k for k in set_values} | {f"#{k}": k for k in remove}
        values = {f":{k}": _to_dynamo(v) for k, v in set_values.items()}
        values |= {k: _to_dynamo(v) for k, v in (condition_values or {}).items()}
        clauses = []
        if set_values:
            clauses.append("SET " + ", ".join(f"#{k} = :{k}" for k in set_values))
        if remove:
            clauses.append("REMOVE " + ", ".join(f"#{k}" for k in remove))
        # Conditions name attributes as #name (many are DynamoDB reserved words).
        names |= {f"#{word}": word for word in _NAME_RE.findall(condition)}
        params: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"job_id": {"S": job_id}},
            "UpdateExpression": " ".join(clauses),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ReturnValues": "ALL_NEW",
        }
        if values:
            params["ExpressionAttributeValues"] = values
        try:
            response = self._ddb.update_item(**params)
        except self._ddb.exceptions.ConditionalCheckFailedException:
            return None
        return _from_item(response["Attributes"])

    def claim(self, job_id: str, run_id: str, lease_seconds: int) -> dict | None:
        """PENDING → RUNNING (or take over a RUNNING job whose lease ran out); None if not ours."""
        now = int(time.time())
        return self.update(
            job_id,
            {"job_status": RUNNING, "run_id": run_id, "lease_until": now + lease_seconds,
             "start_time": now, "progress": 0},
            condition="#job_status = :pending OR (#job_status = :running AND #lease_until < :now)",
            condition_values={":pending": PENDING, ":running": RUNNING, ":now": now},
        )

    def release(self, job_id: str, run_id: str) -> dict | None:
        """RUNNING → PENDING after a transient failure, so the next attempt can claim it at once."""
        return self._owned_update(job_id, run_id, {"job_status": PENDING},
                                  remove=("run_id", "lease_until"))

    def heartbeat(self, job_id: str, run_id: str, progress: int, lease_seconds: int) -> bool:
        """Record progress and extend the lease while this run still owns the job."""
        now = int(time.time())
        return self._owned_update(
            job_id, run_id, {"progress": progress, "lease_until": now + lease_seconds}
        ) is not None

    def complete(self, job_id: str, run_id: str, details: dict) -> dict | None:
        """RUNNING → COMPLETED by the run that owns the job, with result keys and counts."""
        values = {**details, "job_status": COMPLETED, "complete_time": int(time.time())}
        return self._owned_update(job_id, run_id, values, remove=("lease_until",))

    def fail(self, job_id: str, reason: str, run_id: str | None = None) -> dict | None:
        """PENDING/RUNNING → FAILED with a user-readable reason (by the owning run if given)."""
        values = {"job_status": FAILED, "failure_reason": reason[:MAX_REASON_CHARS],
                  "complete_time": int(time.time())}
        if run_id:
            return self._owned_update(job_id, run_id, values, remove=("lease_until",))
        return self.update(
            job_id, values, remove=("lease_until",),
            condition="#job_status IN (:pending, :running)",
            condition_values={":pending": PENDING, ":running": RUNNING},
        )

    def mark_swept(self, job_id: str, now: int, before: int) -> dict | None:
        """Take the right to request a stalled job again; None if a sweep did since `before`."""
        # Conditional, so several annotators' sweeps request each stalled job once per period.
        return self.update(
            job_id, {"swept_at": now},
            condition="attribute_exists(#job_id) AND "
                      "(attribute_not_exists(#swept_at) OR #swept_at < :before)",
            condition_values={":before": before},
        )

    def mark_published(self, job_id: str) -> dict | None:
        """Record that the job's final-state message went out (so a retry publishes it again)."""
        return self.update(
            job_id, {"result_published_at": int(time.time())},
            condition="#job_status IN (:completed, :failed)",
            condition_values={":completed": COMPLETED, ":failed": FAILED},
        )

    def _owned_update(
        self, job_id: str, run_id: str, values: dict, remove: tuple[str, ...] = ()
    ) -> dict | None:
        """Update a RUNNING job only if `run_id` still owns it."""
        return self.update(
            job_id, values, remove=remove,
            condition="#job_status = :running AND #run_id = :run",
            condition_values={":running": RUNNING, ":run": run_id},
        )

    # --- archive, restore, notify ------------------------------------------------------------
    # Coordination fields are top-level so a write to one never overwrites another's map;
    # `restore` itself ({tier, requested_at, retrieval}) is what the web page shows.
    def mark_archived(self, job_id: str, backend: str, archived: Archived) -> dict | None:
        """Record an archived result file (an `Archived`), unless archived or restored before."""
        return self.update(
            job_id,
            {"results_file_archive_id": archived.archive_id, "archive_backend": backend,
             "archive_size": archived.size, "archive_sha256": archived.sha256,
             "archived_at": int(time.time())},
            condition="#job_status = :completed AND attribute_not_exists(#results_file_archive_id)"
                      " AND attribute_not_exists(#restored_at)",
            condition_values={":completed": COMPLETED},
        )

    def claim_restore(self, job_id: str, token: str, stale_before: int) -> dict | None:
        """Take the right to start this archived job's retrieval (a stale claim can be taken)."""
        return self._claim(
            job_id, "restore", token,
            "attribute_exists(#results_file_archive_id) AND attribute_not_exists(#restore)",
            stale_before=stale_before,
        )

    def release_restore_claim(self, job_id: str, token: str) -> dict | None:
        """Give the claim back after a failed start, so a retry can start the retrieval."""
        return self._as_holder(job_id, "restore", token, release=True)

    def record_retrieval(self, job_id: str, token: str, restore: dict) -> dict | None:
        """Record the started retrieval ({tier, requested_at, retrieval}) by the claim holder."""
        return self._as_holder(job_id, "restore", token, {"restore": restore},
                               condition="attribute_not_exists(#restore)", release=True)

    def replace_retrieval(self, job_id: str, old_retrieval: str, restore: dict) -> dict | None:
        """Swap a lost retrieval for a new one (if `old_retrieval` is still the current one)."""
        return self.update(
            job_id, {"restore": restore},
            remove=("restore_announced_at", "thaw_claim", "thaw_claimed_at"),
            condition="#restore.#retrieval = :old", condition_values={":old": old_retrieval},
        )

    def mark_restore_announced(self, job_id: str, retrieval: str) -> dict | None:
        """Record that the thaw request for the current retrieval was published."""
        return self.update(
            job_id, {"restore_announced_at": int(time.time())},
            condition="#restore.#retrieval = :r", condition_values={":r": retrieval},
        )

    def claim_thaw(self, job_id: str, retrieval: str, token: str, stale_before: int) -> dict | None:
        """Take the right to put the file back (one copy back even with duplicate messages)."""
        return self._claim(
            job_id, "thaw", token,
            "#restore.#retrieval = :r AND attribute_exists(#results_file_archive_id)",
            {":r": retrieval}, stale_before=stale_before,
        )

    def release_thaw_claim(self, job_id: str, token: str) -> dict | None:
        """Give the thaw claim back after a failure, so a retry can finish."""
        return self._as_holder(job_id, "thaw", token, release=True)

    def finish_restore(self, job_id: str, token: str) -> dict | None:
        """The file is back: clear the archived and restoring marks (by the thaw claim holder)."""
        return self._as_holder(
            job_id, "thaw", token, {"restored_at": int(time.time())},
            remove=("results_file_archive_id", "restore", "restore_announced_at", "archive_size",
                    "archive_sha256"),
            release=True,
        )

    def claim_notification(self, job_id: str, token: str) -> dict | None:
        """Take the one right to e-mail about this job (never granted twice)."""
        return self._claim(
            job_id, "notify", token,
            "#job_status IN (:completed, :failed) AND attribute_not_exists(#notified_at)",
            {":completed": COMPLETED, ":failed": FAILED},
        )

    def release_notification(self, job_id: str, token: str) -> dict | None:
        """Give the right back after SES refused the mail (it was certainly not sent)."""
        return self._as_holder(job_id, "notify", token,
                               condition="attribute_not_exists(#notified_at)", release=True)

    def mark_notified(self, job_id: str, token: str, message_id: str) -> dict | None:
        """Record the sent mail (by the claim holder)."""
        return self._as_holder(
            job_id, "notify", token,
            {"notified_at": int(time.time()), "notify_message_id": message_id},
        )

    # --- claims ------------------------------------------------------------------------------
    # A claim gives one worker at a time the right to do a step that must happen once: the
    # holder's token in `{kind}_claim`, the time in `{kind}_claimed_at`. A claim older than
    # `stale_before` belonged to a worker that died and can be taken; without it, never.
    def _claim(
        self, job_id: str, kind: str, token: str, condition: str,
        values: dict | None = None, stale_before: int | None = None,
    ) -> dict | None:
        """Take the `kind` claim if `condition` holds and nobody (alive) holds it."""
        claim = f"{kind}_claim"
        free = f"attribute_not_exists(#{claim})"
        values = dict(values or {})
        if stale_before is not None:
            free = f"({free} OR #{claim}ed_at < :stale)"
            values[":stale"] = stale_before
        return self.update(job_id, {claim: token, f"{claim}ed_at": int(time.time())},
                           condition=f"{condition} AND {free}", condition_values=values)

    def _as_holder(
        self, job_id: str, kind: str, token: str, set_values: dict | None = None,
        remove: tuple[str, ...] = (), condition: str = "", release: bool = False,
    ) -> dict | None:
        """Update on behalf of the `kind` claim's holder; `release` gives the claim back too."""
        if release:
            remove = (*remove, f"{kind}_claim", f"{kind}_claimed_at")
        holder = f"#{kind}_claim = :token"
        return self.update(job_id, set_values, remove=remove,
                           condition=f"{holder} AND {condition}" if condition else holder,
                           condition_values={":token": token})


def _encode_page_token(last_key: dict | None) -> str | None:
    """Opaque token for the next page (None on the last page)."""
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key).encode()).decode()


def _decode_page_token(token: str | None, user_id: str) -> dict | None:
    """The start key a page token names; InvalidPageToken unless GAS made it for this user."""
    if not token:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, RecursionError):  # JSON and Unicode errors included
        raise InvalidPageToken(token) from None
    if not _is_start_key(key, user_id):
        raise InvalidPageToken(token)
    return key


def _is_start_key(key: object, user_id: str) -> bool:
    """Exactly the shape _encode_page_token writes: DynamoDB refuses other types with an error."""
    if not (isinstance(key, dict) and set(key) == {"job_id", "user_id", "submit_time"}):
        return False
    job_id, submit_time = key["job_id"], key["submit_time"]
    return (
        key["user_id"] == {"S": user_id}
        and isinstance(job_id, dict) and set(job_id) == {"S"} and isinstance(job_id["S"], str)
        and is_job_id(job_id["S"])
        and isinstance(submit_time, dict) and set(submit_time) == {"N"}
        and isinstance(submit_time["N"], str) and re.fullmatch(r"[0-9]{1,20}", submit_time["N"])
        is not None
    )


def public_view(job: dict) -> dict:
    """The fields of a job shown to its owner (JSON API and `gas status`), without internals."""
    restore = job.get("restore")
    return {
        "job_id": job["job_id"],
        "status": job["job_status"],
        "progress": job.get("progress", 0),
        "submit_time": job.get("submit_time"),
        "complete_time": job.get("complete_time"),
        "input_file_name": job.get("input_file_name"),
        "failure_reason": job.get("failure_reason"),
        "archived": bool(job.get("results_file_archive_id")),
        "restore": {"tier": restore["tier"], "requested_at": restore["requested_at"]}
        if restore else None,
        "summary": job.get("summary"),
        "assembly": job.get("assembly", AUTO_ASSEMBLY),
        "rerun_of": job.get("rerun_of"),
        "archived_at": job.get("archived_at"),
    }
