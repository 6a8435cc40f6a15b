"""The AWS emulator keeps its whole state across restarts and refuses what it cannot load."""

from __future__ import annotations

import io
import logging
import pickle
import signal
import threading
import time
from pathlib import Path

import moto
import pytest

from devstack.emulator_state import STATE_FILE_NAME, restore_state
from tests.devstack.devstack_helpers import (
    STOP_TIMEOUT_SECONDS,
    aws_client,
    start_emulator,
    wait_for,
)

pytestmark = pytest.mark.integration

BUCKET, KEY, TABLE, QUEUE, TOPIC = "devstack-inputs", "user/job~a.vcf", "jobs", "work", "events"


def fill(endpoint: str) -> dict[str, str]:
    """Create an S3 object, a DynamoDB item, an SQS message and an SNS subscription."""
    s3, dynamodb = aws_client("s3", endpoint), aws_client("dynamodb", endpoint)
    sqs, sns = aws_client("sqs", endpoint), aws_client("sns", endpoint)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"##fileformat=VCFv4.2\n")
    dynamodb.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "job_id", "AttributeType": "S"}],
    )
    dynamodb.put_item(TableName=TABLE, Item={"job_id": {"S": "j1"}, "status": {"S": "PENDING"}})
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody="before restart")
    queue_arn = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic_arn = sns.create_topic(Name=TOPIC)["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn,
                                 Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    return {"queue_url": queue_url, "topic_arn": topic_arn, "subscription": subscription}


def receive_bodies(endpoint: str, queue_url: str) -> list[str]:
    """Receive (and delete) what is in the queue now."""
    sqs = aws_client("sqs", endpoint)
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                   WaitTimeSeconds=1).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return sorted(message["Body"] for message in messages)


def stop_cleanly(process) -> int:
    """SIGTERM the emulator and return its exit code."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=STOP_TIMEOUT_SECONDS)


def test_state_survives_a_clean_restart(spawn, tmp_path: Path) -> None:
    state_dir = tmp_path / "emulator"
    process, endpoint = start_emulator(spawn, state_dir)
    made = fill(endpoint)
    assert stop_cleanly(process) == 0
    assert (state_dir / STATE_FILE_NAME).is_file()

    _, endpoint = start_emulator(spawn, state_dir)
    s3 = aws_client("s3", endpoint)
    # Creating a restored bucket again (what `gas init` does at every start; idempotent in
    # us-east-1) must find it, not replace it with an empty one.
    s3.create_bucket(Bucket=BUCKET)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [KEY]
    body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    assert body == b"##fileformat=VCFv4.2\n"
    item = aws_client("dynamodb", endpoint).get_item(TableName=TABLE, Key={"job_id": {"S": "j1"}})
    assert item["Item"]["status"] == {"S": "PENDING"}
    subscriptions = aws_client("sns", endpoint).list_subscriptions()["Subscriptions"]
    assert [s["SubscriptionArn"] for s in subscriptions] == [made["subscription"]]
    assert receive_bodies(endpoint, made["queue_url"]) == ["before restart"]
    # The restored subscription still delivers: SNS finds the restored queue through moto's
    # module-level backends, so they must have been written back in place.
    aws_client("sns", endpoint).publish(TopicArn=made["topic_arn"], Message="after restart")
    assert receive_bodies(endpoint, made["queue_url"]) == ["after restart"]


def test_a_snapshot_survives_kill_9(spawn, tmp_path: Path) -> None:
    state_dir = tmp_path / "emulator"
    process, endpoint = start_emulator(spawn, state_dir, snapshot_seconds=0.3)
    body = b"kept-across-a-crash-7f3a9c"
    aws_client("s3", endpoint).create_bucket(Bucket=BUCKET)
    aws_client("s3", endpoint).put_object(Bucket=BUCKET, Key=KEY, Body=body)
    state_file = state_dir / STATE_FILE_NAME
    # Object bodies are pickled as bytes: wait for a snapshot that holds this one.
    wait_for(lambda: state_file.is_file() and body in state_file.read_bytes(),
             timeout=10, what="a snapshot holding the upload")
    process.kill()
    process.wait(timeout=STOP_TIMEOUT_SECONDS)

    _, endpoint = start_emulator(spawn, state_dir)
    assert aws_client("s3", endpoint).get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == body


def test_a_snapshot_does_not_wait_for_a_long_poll(spawn, tmp_path: Path) -> None:
    _, endpoint = start_emulator(spawn, tmp_path / "emulator", snapshot_seconds=0.3)
    sqs, s3 = aws_client("sqs", endpoint), aws_client("s3", endpoint)
    queue_url = sqs.create_queue(QueueName="idle")["QueueUrl"]
    log = tmp_path / "emulator.log"
    received = []
    poll = threading.Thread(target=lambda: received.append(sqs.receive_message(
        QueueUrl=queue_url, WaitTimeSeconds=15)))
    poll.start()
    time.sleep(0.2)
    before = log.read_text().count("snapshot: ")
    # Had a snapshot to wait for the poll, none would complete until the poll ends.
    wait_for(lambda: log.read_text().count("snapshot: ") >= before + 2, timeout=8,
             what="snapshots while a long poll waits")
    started = time.monotonic()
    s3.list_buckets()
    assert time.monotonic() - started < 2.0
    aws_client("sqs", endpoint).send_message(QueueUrl=queue_url, MessageBody="wake up")
    poll.join(timeout=10)
    assert received[0]["Messages"][0]["Body"] == "wake up"  # the parked poll still works


def write_state_of_moto(state_dir: Path, version: str) -> Path:
    """Write a state file claiming to come from another moto version."""
    state_dir.mkdir(parents=True)
    buffer = io.BytesIO()
    pickle.dump({"moto_version": version, "format": 1}, buffer)
    pickle.dump({}, buffer)
    path = state_dir / STATE_FILE_NAME
    path.write_bytes(buffer.getvalue())
    return path


def test_state_from_another_moto_version_is_refused(tmp_path: Path, caplog) -> None:
    path = write_state_of_moto(tmp_path / "emulator", "4.0.0")
    with caplog.at_level(logging.ERROR, logger="devstack.emulator_state"):
        assert restore_state(path.parent) is False
    assert f"moto 4.0.0 (format 1), this is moto {moto.__version__}" in caplog.text
    assert not path.exists()
    assert path.with_name(f"{STATE_FILE_NAME}.rejected").is_file()


def test_emulator_starts_empty_after_refusing_state(spawn, tmp_path: Path) -> None:
    path = write_state_of_moto(tmp_path / "emulator", "4.0.0")
    _, endpoint = start_emulator(spawn, path.parent)
    assert aws_client("s3", endpoint).list_buckets()["Buckets"] == []
    assert "refusing saved emulator state" in (tmp_path / "emulator.log").read_text()


def test_emulator_refuses_a_non_loopback_host(spawn, tmp_path: Path) -> None:
    process = spawn("devstack.emulator", "--host", "0.0.0.0", "--port", "0",
                    "--state-dir", str(tmp_path / "emulator"), log_name="emulator.log")
    assert process.wait(timeout=STOP_TIMEOUT_SECONDS) == 2
    assert "refusing to listen on '0.0.0.0'" in (tmp_path / "emulator.log").read_text()


def test_concurrent_conditional_updates_have_one_winner(spawn, tmp_path) -> None:
    # moto alone let two of eight concurrent claims of one item succeed (2 rounds in 30 in one
    # manual run; intermittent, it did not show in two runs of this test without the fix). The
    # fault suite's duplicate check showed it as a file copied back three times.
    _, url = start_emulator(spawn, tmp_path / "state")
    ddb = aws_client("dynamodb", url)
    ddb.create_table(TableName="race", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    clients = [aws_client("dynamodb", url) for _ in range(8)]
    doubled = 0
    for round_ in range(100):
        key = {"k": {"S": f"r{round_}"}}
        ddb.put_item(TableName="race", Item=key)
        wins, start = [], threading.Barrier(len(clients))

        def claim(client, n, key=key, wins=wins, start=start):
            start.wait()
            try:
                client.update_item(TableName="race", Key=key, UpdateExpression="SET c = :n",
                                   ConditionExpression="attribute_not_exists(c)",
                                   ExpressionAttributeValues={":n": {"S": str(n)}})
                wins.append(n)
            except client.exceptions.ConditionalCheckFailedException:
                pass

        threads = [threading.Thread(target=claim, args=(c, n)) for n, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        doubled += len(wins) != 1
    assert doubled == 0
