"""`gas init` creates everything once; a second run changes nothing."""

import json

from gas import aws
from gas.resources import QUEUES, ensure_resources


def snapshot(settings):
    sqs, sns = aws.client("sqs", settings), aws.client("sns", settings)
    queues = sorted(u for u in sqs.list_queues(QueueNamePrefix=settings.name).get("QueueUrls", []))
    # Every page: the session's emulator holds many deployments' subscriptions (100 a page).
    pages = sns.get_paginator("list_subscriptions").paginate()
    subs = sorted(
        (s["TopicArn"], s["Endpoint"]) for page in pages for s in page["Subscriptions"]
        if settings.name in s["TopicArn"]
    )
    return queues, subs


def test_init_is_idempotent(settings):
    before = snapshot(settings)
    ensure_resources(settings)
    assert snapshot(settings) == before
    queues, subs = before
    assert len(queues) == 2 * len(QUEUES)  # each queue and its dead-letter queue
    assert len(subs) == len(QUEUES)


def test_queues_have_redrive_and_archive_delay(settings):
    sqs = aws.client("sqs", settings)
    attrs = sqs.get_queue_attributes(
        QueueUrl=aws.queue_url(settings, "archive"), AttributeNames=["All"])["Attributes"]
    assert attrs["DelaySeconds"] == str(min(settings.free_user_data_retention, 900))
    assert "deadLetterTargetArn" in json.loads(attrs["RedrivePolicy"])


def test_subscriptions_use_raw_delivery(settings):
    sns = aws.client("sns", settings)
    pages = sns.get_paginator("list_subscriptions").paginate()
    subs = [s for page in pages for s in page["Subscriptions"] if settings.name in s["TopicArn"]]
    assert len(subs) == len(QUEUES)
    for sub in subs:
        attributes = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])
        assert attributes["Attributes"]["RawMessageDelivery"] == "true"
