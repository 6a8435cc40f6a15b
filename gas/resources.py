"""`gas init`: create every AWS resource a deployment needs, idempotently (emulator or AWS)."""

from __future__ import annotations

import json
import logging

from botocore.exceptions import ClientError

from gas import aws
from gas.config import MAX_SQS_DELAY_SECONDS, Settings
from gas.jobs import USER_INDEX

log = logging.getLogger(__name__)

TOPICS = ("job_requests", "job_results", "restore", "thaw")
# queue → the topic that feeds it (raw delivery, so a body is exactly the published message)
QUEUES = {
    "job_requests": "job_requests",
    "notify": "job_results",
    "archive": "job_results",
    "restore": "restore",
    "thaw": "thaw",
}
QUEUE_VISIBILITY_SECONDS = 60
DLQ_RETENTION_SECONDS = 1_209_600  # SQS maximum retention, 14 days
# The worker loop dead-letters explicitly after GAS_MAX_RECEIVES; SQS redrive is the backstop
# for a worker that dies while handling, so it allows a couple more receives.
REDRIVE_SLACK = 2


def ensure_resources(settings: Settings) -> None:
    """Create or update buckets, table, topics, queues, subscriptions, vault and mail identity."""
    for bucket in (settings.inputs_bucket, settings.results_bucket):
        _ensure_bucket(settings, bucket)
    _ensure_table(settings)
    topic_arns = {t: _ensure_topic(settings, t) for t in TOPICS}
    for queue, topic in QUEUES.items():
        queue_arn = _ensure_queue(settings, queue, topic_arns[topic])
        _ensure_subscription(settings, topic_arns[topic], queue_arn)
    if settings.archive_backend == "glacier-vault":  # no vaults for accounts after 2025-12-15
        aws.client("glacier", settings).create_vault(vaultName=settings.vault_name)
    aws.client("ses", settings).verify_email_identity(EmailAddress=settings.mail_sender)
    log.info("resources for %s are in place", settings.name)


def _ensure_bucket(settings: Settings, bucket: str) -> None:
    """A private, encrypted bucket; the inputs bucket also accepts browser POSTs from the app."""
    s3 = aws.client("s3", settings)
    try:
        params = {"Bucket": bucket}
        if settings.aws_region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": settings.aws_region}
        s3.create_bucket(**params)
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        pass
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        },
    )
    if bucket == settings.inputs_bucket:
        s3.put_bucket_cors(
            Bucket=bucket,
            CORSConfiguration={"CORSRules": [{
                "AllowedOrigins": [settings.base_url], "AllowedMethods": ["POST"],
                "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000,
            }]},
        )


def _ensure_table(settings: Settings) -> None:
    """The job table keyed by job_id, with the per-user index sorted by submit time."""
    ddb = aws.client("dynamodb", settings)
    try:
        ddb.create_table(
            TableName=settings.jobs_table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "job_id", "AttributeType": "S"},
                {"AttributeName": "user_id", "AttributeType": "S"},
                {"AttributeName": "submit_time", "AttributeType": "N"},
            ],
            KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{
                "IndexName": USER_INDEX,
                "KeySchema": [
                    {"AttributeName": "user_id", "KeyType": "HASH"},
                    {"AttributeName": "submit_time", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }],
            SSESpecification={"Enabled": True},
        )
    except ddb.exceptions.ResourceInUseException:
        return
    ddb.get_waiter("table_exists").wait(TableName=settings.jobs_table)


def _ensure_topic(settings: Settings, topic: str) -> str:
    """Create (or find) a topic; return its ARN."""
    return aws.client("sns", settings).create_topic(Name=settings.topic_name(topic))["TopicArn"]


def _ensure_queue(settings: Settings, queue: str, topic_arn: str) -> str:
    """Create a queue with its dead-letter queue and a policy letting its topic send; its ARN."""
    sqs = aws.client("sqs", settings)
    dlq_url = sqs.create_queue(
        QueueName=settings.queue_name(f"{queue}_dlq"),
        Attributes={"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)},
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    url = sqs.create_queue(QueueName=settings.queue_name(queue))["QueueUrl"]
    arn = _queue_arn(sqs, url)
    delay = 0
    if queue == "archive":  # longer windows: the archive worker returns the message until due
        delay = min(settings.free_user_data_retention, MAX_SQS_DELAY_SECONDS)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
        }],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={
        "VisibilityTimeout": str(QUEUE_VISIBILITY_SECONDS),
        "DelaySeconds": str(delay),
        "RedrivePolicy": json.dumps({
            "deadLetterTargetArn": dlq_arn,
            "maxReceiveCount": str(settings.max_receives + REDRIVE_SLACK),
        }),
        "Policy": json.dumps(policy),
    })
    return arn


def _queue_arn(sqs, url: str) -> str:
    """ARN of a queue given its URL."""
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return attributes["Attributes"]["QueueArn"]


def _ensure_subscription(settings: Settings, topic_arn: str, queue_arn: str) -> None:
    """Subscribe a queue to a topic once, with raw message delivery."""
    sns = aws.client("sns", settings)
    paginator = sns.get_paginator("list_subscriptions_by_topic")
    for page in paginator.paginate(TopicArn=topic_arn):
        for sub in page["Subscriptions"]:
            if sub["Endpoint"] == queue_arn and sub["Protocol"] == "sqs":
                return
    try:
        sns.subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "true"}, ReturnSubscriptionArn=True,
        )
    except ClientError:
        log.error("subscribing %s to %s failed", queue_arn, topic_arn)
        raise
