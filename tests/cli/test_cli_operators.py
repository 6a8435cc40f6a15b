"""`gas user role` and `gas dlq list|redrive` against the emulator."""

from __future__ import annotations

import json

from gas import aws
from gas.accounts import FREE, PREMIUM
from gas.messages import JobResult, RestoreRequest, decode, encode
from tests.workers.workers_support import queue_bodies

USER = "6c5e1f7a-3b2d-4e8f-9a0b-1c2d3e4f5a6b"
JOB = "0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99"


def test_premium_publishes_the_restore_request_as_the_upgrade_button_does(
        settings, accounts, gas, make_user):
    identity_id = make_user("ada@example.org")
    status, out, _ = gas("user", "role", "ada@example.org", "premium")
    assert status == 0 and out == (f"ada@example.org ({identity_id}): free → premium; restore of "
                                   "archived results requested\n")
    assert accounts.get(identity_id).role == PREMIUM
    [request] = [decode(body) for body in queue_bodies(settings, "restore")]
    assert isinstance(request, RestoreRequest) and request.user_id == identity_id


def test_an_unchanged_role_publishes_nothing_and_free_goes_back(settings, accounts, gas,
                                                                 make_user):
    identity_id = make_user("ada@example.org")
    accounts.set_role(identity_id, PREMIUM)
    assert "premium already; nothing changed" in gas("user", "role", identity_id, "premium")[1]
    assert queue_bodies(settings, "restore") == []
    assert "premium → free" in gas("user", "role", "ada@example.org", "free")[1]
    assert accounts.get(identity_id).role == FREE


def test_a_role_change_names_one_user_or_refuses(settings, accounts, gas, make_user):
    first, second = make_user("twin@example.org"), make_user("twin@example.org")
    status, _, err = gas("user", "role", "twin@example.org", "premium")
    assert status == 1 and f"2 users have e-mail address twin@example.org ({first}, {second})" \
        in err
    assert gas("user", "role", second, "premium")[0] == 0
    assert (accounts.get(first).role, accounts.get(second).role) == (FREE, PREMIUM)


def dead_letter(settings, queue: str, body: str, reason: str | None) -> None:
    """Put a message on QUEUE_dlq as the worker loop (with a reason) or SQS redrive would."""
    attributes = {"gas_error": {"DataType": "String", "StringValue": reason}} if reason else {}
    aws.client("sqs", settings).send_message(
        QueueUrl=aws.queue_url(settings, f"{queue}_dlq"), MessageBody=body,
        MessageAttributes=attributes)


def test_dlq_list_shows_every_message_and_leaves_it_there(settings, gas):
    result = encode(JobResult(job_id=JOB, user_id=USER, status="COMPLETED", complete_time=1))
    dead_letter(settings, "notify", "{poison", "undecodable: body is not a JSON message")
    dead_letter(settings, "notify", result, None)
    status, out, _ = gas("dlq", "list", "notify")
    assert status == 0 and out.splitlines()[0] == "notify_dlq: 2 message(s)"
    assert "undecodable: body is not a JSON message\n    {poison" in out
    assert "moved by the queue's redrive policy" in out and result in out
    _, again, _ = gas("dlq", "list", "notify_dlq", "--json")  # looking consumed nothing
    assert sorted(json.loads(line)["body"] for line in again.splitlines()) == sorted(
        ["{poison", result])


def test_dlq_redrive_moves_every_message_back_and_counts(settings, gas):
    bodies = [f'{{"n": {n}}}' for n in range(12)]  # more than one receive batch
    for body in bodies:
        dead_letter(settings, "thaw", body, "retries exceeded: storage is down")
    assert gas("dlq", "redrive", "thaw") == (
        0, "moved 12 message(s) from thaw_dlq back to thaw\n", "")
    assert sorted(queue_bodies(settings, "thaw")) == sorted(bodies)
    assert gas("dlq", "list", "thaw")[1] == "thaw_dlq: 0 message(s)\n"


def test_dlq_of_an_unknown_queue_lists_the_queues(settings, gas):
    status, _, err = gas("dlq", "redrive", "mail")
    assert status == 2
    assert err == "gas: no queue 'mail'; the queues are job_requests, notify, archive, " \
                  "restore, thaw\n"
