"""In-process delivery from moto's Kinesis streams and DynamoDB table streams, and failure
records sent to moto's SQS queues and SNS topics."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List

import boto3
import pytest

from .delivery_support import moto_world, recorder

moto = pytest.importorskip("moto")

@pytest.fixture
def aws(monkeypatch):
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    with moto_world(kinesis="kinesis", ddb="dynamodb", sqs="sqs") as esm:
        yield esm


def _stream(aws: Any, shards: int = 1) -> str:
    aws.kinesis.create_stream(StreamName="orders", ShardCount=shards)
    return aws.kinesis.describe_stream(StreamName="orders")["StreamDescription"]["StreamARN"]


def _table(aws: Any) -> str:
    return aws.ddb.create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]


def _data(records: List[Dict[str, Any]]) -> List[str]:
    return [base64.b64decode(r["kinesis"]["data"]).decode() for r in records]


def test_records_put_with_boto3_reach_the_handler_in_kinesis_shape(aws):
    arn = _stream(aws)
    aws.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker",
                                        StartingPosition="TRIM_HORIZON")
    handler, events = recorder()
    aws.register_function("worker", handler)
    put = aws.kinesis.put_record(StreamName="orders", Data=b"hello", PartitionKey="p1")

    [invocation] = aws.poll()

    [record] = events[0]["Records"]
    assert record["kinesis"]["sequenceNumber"] == put["SequenceNumber"]
    assert record["eventID"] == f"{put['ShardId']}:{put['SequenceNumber']}"
    assert record["kinesis"]["partitionKey"] == "p1"
    assert base64.b64decode(record["kinesis"]["data"]) == b"hello"
    assert record["kinesis"]["approximateArrivalTimestamp"] == 1767323045.0
    assert (record["eventSourceARN"], record["eventName"]) == (arn, "aws:kinesis:record")
    assert invocation.succeeded and aws.poll() == []


def test_each_moto_shard_is_read_in_order(aws):
    arn = _stream(aws, shards=2)
    aws.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker",
                                        StartingPosition="TRIM_HORIZON", BatchSize=100)
    handler, events = recorder()
    aws.register_function("worker", handler)
    sent: Dict[str, List[str]] = {}
    for n in range(8):
        put = aws.kinesis.put_record(StreamName="orders", Data=str(n).encode(),
                                     PartitionKey=f"key-{n}")
        sent.setdefault(put["ShardId"], []).append(str(n))

    aws.poll()

    got = {e["Records"][0]["eventID"].split(":")[0]: _data(e["Records"]) for e in events}
    assert got == sent and len(sent) == 2


def test_latest_skips_records_put_before_the_mapping(aws):
    arn = _stream(aws)
    aws.kinesis.put_record(StreamName="orders", Data=b"old", PartitionKey="k")
    aws.frozen.tick(1)
    aws.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker",
                                        StartingPosition="LATEST")
    aws.frozen.tick(1)
    aws.kinesis.put_record(StreamName="orders", Data=b"new", PartitionKey="k")
    handler, events = recorder()
    aws.register_function("worker", handler)

    aws.poll()

    assert [_data(e["Records"]) for e in events] == [["new"]]


def test_dynamodb_table_changes_reach_the_handler_as_stream_records(aws):
    arn = _table(aws)
    aws.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker",
                                        StartingPosition="TRIM_HORIZON")
    handler, events = recorder()
    aws.register_function("worker", handler)
    aws.ddb.put_item(TableName="orders", Item={"id": {"S": "1"}, "n": {"N": "1"}})
    aws.ddb.put_item(TableName="orders", Item={"id": {"S": "1"}, "n": {"N": "2"}})
    aws.ddb.delete_item(TableName="orders", Key={"id": {"S": "1"}})

    [invocation] = aws.poll()

    records = events[0]["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert all(r["eventSourceARN"] == arn and r["awsRegion"] == "us-east-1" for r in records)
    assert records[0]["dynamodb"]["Keys"] == {"id": {"S": "1"}}
    assert records[1]["dynamodb"]["OldImage"]["n"] == {"N": "1"}
    assert records[1]["dynamodb"]["NewImage"]["n"] == {"N": "2"}
    assert records[0]["dynamodb"]["ApproximateCreationDateTime"] == 1767323045.0
    assert records[0]["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    json.dumps(invocation.event)  # every value is JSON, as Lambda delivers it


MOTO_RELEASE = tuple(int(part) for part in moto.__version__.split(".")[:2])


@pytest.mark.skipif(MOTO_RELEASE < (5, 2), reason=(
    "moto before 5.2 answers DynamoDB Streams GetRecords with binary values base64-encoded "
    "twice; mock_esm hands on what the API answers"))
def test_binary_and_nested_attributes_arrive_as_stream_json(aws):
    arn = _table(aws)
    aws.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker",
                                        StartingPosition="TRIM_HORIZON")
    handler, events = recorder()
    aws.register_function("worker", handler)
    aws.ddb.put_item(TableName="orders", Item={
        "id": {"S": "1"}, "blob": {"B": b"\x00\x01"},
        "meta": {"M": {"tags": {"L": [{"S": "a"}, {"N": "2"}]}}}})

    aws.poll()

    image = events[0]["Records"][0]["dynamodb"]["NewImage"]
    assert image["blob"] == {"B": base64.b64encode(b"\x00\x01").decode()}
    assert image["meta"] == {"M": {"tags": {"L": [{"S": "a"}, {"N": "2"}]}}}


def test_exhausted_retries_send_the_failure_record_to_a_moto_sqs_queue(aws):
    arn = _table(aws)
    url = aws.sqs.create_queue(QueueName="failures")["QueueUrl"]
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    aws.lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="worker", StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    aws.register_function("worker", recorder(RuntimeError("boom"))[0])
    aws.ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})

    report = aws.poll()

    [message] = aws.sqs.receive_message(QueueUrl=url)["Messages"]
    body = json.loads(message["Body"])
    assert body == report.failures[0]
    assert body["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert body["requestContext"]["approximateInvokeCount"] == 2
    assert body["DDBStreamBatchInfo"]["streamArn"] == arn
    assert body["DDBStreamBatchInfo"]["batchSize"] == 1


def test_failure_record_is_published_to_a_moto_sns_topic(aws):
    arn = _stream(aws)
    sns = boto3.client("sns", region_name="us-east-1")
    topic = sns.create_topic(Name="failures")["TopicArn"]
    url = aws.sqs.create_queue(QueueName="subscriber")["QueueUrl"]
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    aws.lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="worker", StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=0, DestinationConfig={"OnFailure": {"Destination": topic}})
    aws.register_function("worker", recorder(RuntimeError("boom"))[0])
    aws.kinesis.put_record(StreamName="orders", Data=b"x", PartitionKey="k")

    aws.poll()

    [message] = aws.sqs.receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"])["KinesisBatchInfo"]["streamArn"] == arn


def test_report_batch_item_failures_and_last_processing_result_with_moto(aws):
    arn = _stream(aws)
    uuid = aws.lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="worker", StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    batches: List[List[str]] = []

    def handler(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
        batches.append(_data(event["Records"]))
        if len(batches) == 1:
            second = event["Records"][1]["kinesis"]["sequenceNumber"]
            return {"batchItemFailures": [{"itemIdentifier": second}]}
        return {"batchItemFailures": []}

    aws.register_function("worker", handler)
    for value in "abc":
        aws.kinesis.put_record(StreamName="orders", Data=value.encode(), PartitionKey="k")

    aws.poll()
    aws.poll()

    assert batches == [["a", "b", "c"], ["b", "c"]]
    assert aws.lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK"


def test_put_records_refuses_a_stream_moto_holds(aws):
    arn = _stream(aws)
    with pytest.raises(ValueError, match="moto holds"):
        aws.put_records(arn, [{"Data": b"x", "PartitionKey": "k"}])


def test_at_timestamp_batch_size_and_batching_window_on_a_moto_stream(aws):
    arn = _stream(aws)
    aws.kinesis.put_record(StreamName="orders", Data=b"early", PartitionKey="k")
    aws.frozen.tick(10)
    for value in "abc":
        aws.kinesis.put_record(StreamName="orders", Data=value.encode(), PartitionKey="k")
    aws.lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="worker", StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=1767323045 + 10, BatchSize=2,
        MaximumBatchingWindowInSeconds=5)
    handler, events = recorder()
    aws.register_function("worker", handler)

    aws.poll()  # the full batch goes at once; the single "c" waits for the window
    assert [_data(e["Records"]) for e in events] == [["a", "b"]]
    aws.frozen.tick(5)
    aws.poll()

    assert [_data(e["Records"]) for e in events] == [["a", "b"], ["c"]]


def test_bisection_filters_and_parallel_lanes_on_a_moto_stream(aws):
    arn = _stream(aws)
    pattern = {"data": {"ok": [True, False]}}
    aws.lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="worker", StartingPosition="TRIM_HORIZON",
        BisectBatchOnFunctionError=True, MaximumRetryAttempts=0, ParallelizationFactor=2,
        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    batches: List[List[str]] = []

    def handler(event: Dict[str, Any], context: Any) -> None:
        batches.append([r["kinesis"]["partitionKey"] + ":" + str(json.loads(
            base64.b64decode(r["kinesis"]["data"]))["n"]) for r in event["Records"]])
        if any(not json.loads(base64.b64decode(r["kinesis"]["data"]))["ok"]
               for r in event["Records"]):
            raise RuntimeError("bad")

    aws.register_function("worker", handler)
    rows = [("a", 0, True), ("a", 1, False), ("b", 2, True), ("a", 3, True), ("b", 4, None)]
    for key, n, ok in rows:
        aws.kinesis.put_record(StreamName="orders", Data=json.dumps({"n": n, "ok": ok}).encode(),
                               PartitionKey=key)

    report = aws.poll()

    # Lane 0 holds key "b" (its bytes sum to an even number), lane 1 key "a"; "b:4" is
    # filtered out; "a:1" fails alone after two halvings and is given up (no retries).
    assert batches == [["b:2"], ["a:0", "a:1", "a:3"], ["a:0", "a:1"], ["a:0"], ["a:1"],
                       ["a:3"]]
    assert len(report.filtered) == 1 and len(report.failures) == 1


def test_tumbling_window_state_on_a_moto_table_stream(aws):
    arn = _table(aws)
    aws.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker",
                                        StartingPosition="TRIM_HORIZON",
                                        TumblingWindowInSeconds=30, BatchSize=1)
    seen: List[Any] = []

    def handler(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
        seen.append((event["state"], event["isFinalInvokeForWindow"], event["shardId"]))
        return {"state": {"count": event["state"].get("count", 0) + len(event["Records"])}}

    aws.register_function("worker", handler)
    for n in range(2):
        aws.ddb.put_item(TableName="orders", Item={"id": {"S": str(n)}})
    aws.frozen.tick(30)
    aws.ddb.put_item(TableName="orders", Item={"id": {"S": "next window"}})

    aws.poll()
    aws.frozen.tick(30)
    aws.poll()

    shard = seen[0][2]
    # Window one ends with its last record (the clock is past its end when it goes); window
    # two starts with fresh state and ends with an invocation that carries no records.
    assert seen == [({}, False, shard), ({"count": 1}, True, shard), ({}, False, shard),
                    ({"count": 1}, True, shard)]


def test_records_older_than_the_age_limit_are_given_up_with_moto(aws):
    arn = _stream(aws)
    aws.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker",
                                        StartingPosition="TRIM_HORIZON",
                                        MaximumRecordAgeInSeconds=60)
    handler, events = recorder(RuntimeError("boom"))
    aws.register_function("worker", handler)
    aws.kinesis.put_record(StreamName="orders", Data=b"x", PartitionKey="k")
    aws.poll()  # fails; unlimited retries, so it waits for the next poll
    aws.frozen.tick(61)

    report = aws.poll()

    assert len(events) == 1 and list(report) == []
    [failure] = report.failures
    assert failure["requestContext"]["condition"] == "RecordAgeExceeded"
    assert "responseContext" not in failure
    assert failure["KinesisBatchInfo"]["approximateArrivalOfFirstRecord"] == (
        "2026-01-02T03:04:05.000Z")
