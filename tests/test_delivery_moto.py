"""In-process delivery from moto's SQS queues: moto's visibility, receive counts and redrive."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List

import pytest

from .delivery_support import moto_world, recorder

moto = pytest.importorskip("moto")

ACCOUNT = "123456789012"


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    with moto_world(sqs="sqs") as esm:
        yield esm


def _queue(aws: Any, name: str, **attributes: str) -> Dict[str, str]:
    url = aws.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return {"url": url, "arn": arn}


def _counts(aws: Any, url: str) -> List[int]:
    attributes = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return [int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"])]


def test_messages_sent_with_boto3_reach_the_handler_and_are_deleted(aws):
    queue = _queue(aws, "jobs")
    aws.lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="worker",
                                        BatchSize=2)
    handler, events = recorder()
    aws.register_function("worker", handler)
    sent = [aws.sqs.send_message(QueueUrl=queue["url"], MessageBody=f"m{i}",
                                 MessageAttributes={"blob": {"DataType": "Binary",
                                                             "BinaryValue": b"\x01"}})
            for i in range(3)]
    report = aws.poll()
    assert [i.batch_size for i in report] == [2, 1]
    records = [r for e in events for r in e["Records"]]
    assert [r["messageId"] for r in records] == [s["MessageId"] for s in sent]
    assert records[0]["md5OfBody"] == sent[0]["MD5OfMessageBody"]
    assert records[0]["eventSourceARN"] == queue["arn"]
    assert records[0]["attributes"]["ApproximateReceiveCount"] == "1"
    assert records[0]["messageAttributes"]["blob"] == {
        "binaryValue": base64.b64encode(b"\x01").decode(), "stringListValues": [],
        "binaryListValues": [], "dataType": "Binary"}
    assert _counts(aws, queue["url"]) == [0, 0]


def test_a_failed_batch_stays_in_flight_for_moto_visibility_timeout(aws):
    queue = _queue(aws, "jobs", VisibilityTimeout="60")
    aws.lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="worker")
    handler, _events = recorder(RuntimeError("boom"))
    aws.register_function("worker", handler)
    aws.sqs.send_message(QueueUrl=queue["url"], MessageBody="m")
    [invocation] = aws.poll()
    assert isinstance(invocation.error, RuntimeError)
    assert _counts(aws, queue["url"]) == [0, 1]
    aws.frozen.tick(59)
    assert aws.poll() == []
    aws.frozen.tick(2)
    [again] = aws.poll()
    assert again.records[0]["attributes"]["ApproximateReceiveCount"] == "2"


def test_moto_redrive_policy_moves_a_failing_message_to_the_dead_letter_queue(aws):
    dlq = _queue(aws, "jobs-dlq")
    queue = _queue(aws, "jobs", VisibilityTimeout="10", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": dlq["arn"], "maxReceiveCount": 2}))
    aws.lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="worker")
    handler, events = recorder(RuntimeError("poison"))
    aws.register_function("worker", handler)
    aws.sqs.send_message(QueueUrl=queue["url"], MessageBody="poison")
    for _ in range(3):
        aws.poll()
        aws.frozen.tick(11)
    assert len(events) == 2  # maxReceiveCount deliveries, then the dead-letter queue
    assert _counts(aws, queue["url"]) == [0, 0]
    [moved] = aws.sqs.receive_message(QueueUrl=dlq["url"])["Messages"]
    assert moved["Body"] == "poison"


def test_report_batch_item_failures_leaves_only_the_listed_message_in_moto(aws):
    queue = _queue(aws, "jobs")
    aws.lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="worker",
                                        FunctionResponseTypes=["ReportBatchItemFailures"])
    handler, _events = recorder(lambda event: {"batchItemFailures": [
        {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "bad"]})
    aws.register_function("worker", handler)
    for body in ("good", "bad", "fine"):
        aws.sqs.send_message(QueueUrl=queue["url"], MessageBody=body)
    [invocation] = aws.poll()
    assert [r["body"] for r in invocation.records] == ["good", "bad", "fine"]
    assert _counts(aws, queue["url"]) == [0, 1]


def test_fifo_queue_in_moto_keeps_group_order_and_fifo_attributes(aws):
    queue = _queue(aws, "jobs.fifo", FifoQueue="true", ContentBasedDeduplication="true")
    aws.lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="worker",
                                        BatchSize=1)
    failing = {"a1"}

    def handler(event, context):
        bodies.append(event["Records"][0]["body"])
        records.append(event["Records"][0])
        if event["Records"][0]["body"] in failing:
            raise RuntimeError("not yet")

    bodies: List[str] = []
    records: List[Dict[str, Any]] = []
    aws.register_function("worker", handler)
    for body, group in (("a1", "A"), ("a2", "A"), ("b1", "B")):
        aws.sqs.send_message(QueueUrl=queue["url"], MessageBody=body, MessageGroupId=group)
    aws.poll()
    assert bodies == ["a1", "b1"]  # a2 waits behind the failed a1
    failing.clear()
    aws.frozen.tick(31)
    aws.poll()
    assert bodies[2:] == ["a1", "a2"]
    attributes = records[0]["attributes"]
    assert attributes["MessageGroupId"] == "A"
    assert {"SequenceNumber", "MessageDeduplicationId"} <= set(attributes)


def test_filters_delete_unmatched_messages_from_the_moto_queue(aws):
    queue = _queue(aws, "jobs")
    aws.lam.create_event_source_mapping(
        EventSourceArn=queue["arn"], FunctionName="worker",
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"ok": [True]}})}]})
    handler, events = recorder()
    aws.register_function("worker", handler)
    for body in ('{"ok": true}', '{"ok": false}', "text"):
        aws.sqs.send_message(QueueUrl=queue["url"], MessageBody=body)
    report = aws.poll()
    assert [r["body"] for e in events for r in e["Records"]] == ['{"ok": true}']
    assert len(report.filtered) == 2
    assert _counts(aws, queue["url"]) == [0, 0]


def test_put_records_sends_into_the_moto_queue(aws):
    queue = _queue(aws, "jobs")
    [message_id] = aws.put_records(queue["arn"], ["via the mock"])
    [message] = aws.sqs.receive_message(QueueUrl=queue["url"])["Messages"]
    assert (message["MessageId"], message["Body"]) == (message_id, "via the mock")


def test_a_batching_window_holds_moto_messages_in_flight_until_reset_hands_them_back(aws):
    queue = _queue(aws, "jobs")
    aws.lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="worker",
                                        BatchSize=10, MaximumBatchingWindowInSeconds=20)
    handler, _events = recorder()
    aws.register_function("worker", handler)
    aws.sqs.send_message(QueueUrl=queue["url"], MessageBody="waiting")
    assert aws.poll() == []
    assert _counts(aws, queue["url"]) == [0, 1]  # received by the poller, as Lambda's would
    aws.frozen.tick(20)
    [invocation] = aws.poll()
    assert [r["body"] for r in invocation.records] == ["waiting"]
    assert invocation.records[0]["attributes"]["ApproximateReceiveCount"] == "1"

    aws.sqs.send_message(QueueUrl=queue["url"], MessageBody="held")
    assert aws.poll() == []
    aws.reset()
    aws.frozen.tick(1)  # visible again from the next instant, not after the 30 s timeout
    assert _counts(aws, queue["url"]) == [1, 0]
