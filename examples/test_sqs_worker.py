"""How a user tests an SQS-triggered handler in-process: the example in docs/delivery.md."""

import json

import boto3
import pytest

from mock_esm import mock_esm

from .sqs_worker import handle_orders


def test_only_orders_reach_the_worker_and_bad_ones_come_back():
    # With moto the queue is moto's, and freezegun moves time past its visibility timeout.
    moto = pytest.importorskip("moto")
    freeze_time = pytest.importorskip("freezegun").freeze_time
    with freeze_time("2026-01-01") as clock, moto.mock_aws(), \
            mock_esm(transition_seconds=0) as esm:
        sqs = boto3.client("sqs", region_name="us-east-1")
        lam = boto3.client("lambda", region_name="us-east-1")
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]
        arn = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        esm.register_function("order-worker", handle_orders)
        mapping = lam.create_event_source_mapping(
            EventSourceArn=arn, FunctionName="order-worker", BatchSize=10,
            FunctionResponseTypes=["ReportBatchItemFailures"],
            FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"type": ["order"]}})}]})

        for body in ({"type": "order", "total": 5}, {"type": "order", "total": -1},
                     {"type": "ping"}):
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))

        report = esm.poll()
        [invocation] = report
        assert invocation.mapping_uuid == mapping["UUID"]
        assert [json.loads(r["body"])["total"] for r in invocation.records] == [5, -1]
        assert len(report.filtered) == 1             # the ping was deleted, never delivered
        assert len(invocation.failed_item_ids) == 1  # the bad order stays in the queue

        clock.tick(31)                               # past the queue's 30 s visibility timeout
        [retry] = esm.poll()
        assert json.loads(retry.records[0]["body"])["total"] == -1
        assert retry.records[0]["attributes"]["ApproximateReceiveCount"] == "2"


def test_without_moto_messages_come_from_put_records():
    queue = "arn:aws:sqs:us-east-1:123456789012:orders"
    with mock_esm(transition_seconds=0) as esm:
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.create_event_source_mapping(EventSourceArn=queue, FunctionName="order-worker")
        esm.register_function("order-worker", handle_orders)
        esm.put_records(queue, [json.dumps({"type": "order", "total": 3})])
        [invocation] = esm.poll()
        assert invocation.succeeded and invocation.result == {"batchItemFailures": []}
