"""In-process delivery from SQS without moto: messages from ``esm.put_records``.

Every test drives time with freezegun; handlers are plain functions, as users write them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any, Dict, List

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm
from mock_esm.delivery import MarshalError, TaskTimedOut

from .conftest import FIFO_ARN, QUEUE_ARN, freeze_time

START = "2026-01-02 03:04:05"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:worker"


class Recorder:
    """A handler that records what it got and answers what the test tells it to."""

    def __init__(self, answer: Any = None, fail: bool = False) -> None:
        self.events: List[Dict[str, Any]] = []
        self.contexts: List[Any] = []
        self.answer = answer
        self.fail = fail

    def __call__(self, event: Dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        self.contexts.append(context)
        if self.fail:
            raise RuntimeError("boom")
        return self.answer(event) if callable(self.answer) else self.answer

    def bodies(self) -> List[List[str]]:
        return [[r["body"] for r in event["Records"]] for event in self.events]


@pytest.fixture
def esm():
    with freeze_time(START) as frozen, mock_esm(transition_seconds=0) as controller:
        controller.frozen = frozen
        yield controller


def _mapping(client: Any, source: str = QUEUE_ARN, function: str = "worker", **kwargs: Any) -> str:
    return client.create_event_source_mapping(EventSourceArn=source, FunctionName=function,
                                              **kwargs)["UUID"]


# --- the event -----------------------------------------------------------------------------


def test_standard_queue_record_has_exactly_the_fields_lambda_sends(esm, lambda_client):
    _mapping(lambda_client)
    handler = Recorder()
    esm.register_function("worker", handler)
    [message_id] = esm.put_records(QUEUE_ARN, [{
        "Id": "1", "MessageBody": "hello",
        "MessageAttributes": {
            "kind": {"DataType": "String", "StringValue": "greeting"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}}}])
    esm.frozen.tick(2)
    esm.poll()
    [record] = handler.events[0]["Records"]
    assert set(handler.events[0]) == {"Records"}
    assert set(record) == {"messageId", "receiptHandle", "body", "attributes",
                           "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                           "awsRegion"}
    assert record["messageId"] == message_id
    assert record["body"] == "hello"
    assert record["md5OfBody"] == hashlib.md5(b"hello").hexdigest()
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == QUEUE_ARN
    assert record["awsRegion"] == "us-east-1"
    sent = 1767323045000  # START in epoch milliseconds
    assert record["attributes"] == {
        "ApproximateReceiveCount": "1", "SentTimestamp": str(sent),
        "SenderId": record["attributes"]["SenderId"],
        "ApproximateFirstReceiveTimestamp": str(sent + 2000)}
    assert re.fullmatch(r"[A-Z0-9]{21}", record["attributes"]["SenderId"])
    assert record["messageAttributes"] == {
        "kind": {"stringValue": "greeting", "stringListValues": [], "binaryListValues": [],
                 "dataType": "String"},
        "blob": {"binaryValue": base64.b64encode(b"\x00\x01").decode(), "stringListValues": [],
                 "binaryListValues": [], "dataType": "Binary"}}


def test_fifo_record_carries_group_deduplication_and_increasing_sequence_numbers(
        esm, lambda_client):
    _mapping(lambda_client, FIFO_ARN)
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(FIFO_ARN, [
        {"Id": "a", "MessageBody": "one", "MessageGroupId": "g", "MessageDeduplicationId": "d1"},
        {"Id": "b", "MessageBody": "two", "MessageGroupId": "g"}])
    esm.poll()
    first, second = handler.events[0]["Records"]
    assert first["attributes"]["MessageGroupId"] == "g"
    assert first["attributes"]["MessageDeduplicationId"] == "d1"
    # Without an explicit ID the deduplication ID is the body's SHA-256, as content-based.
    assert second["attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"two").hexdigest()
    numbers = [int(r["attributes"]["SequenceNumber"]) for r in (first, second)]
    assert numbers[0] < numbers[1]
    assert all(len(r["attributes"]["SequenceNumber"]) == 20 for r in (first, second))


def test_standard_record_has_no_fifo_attributes(esm, lambda_client):
    _mapping(lambda_client)
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["x"])
    esm.poll()
    attributes = handler.events[0]["Records"][0]["attributes"]
    assert not {"SequenceNumber", "MessageGroupId", "MessageDeduplicationId"} & set(attributes)


def test_fifo_duplicate_within_five_minutes_is_dropped(esm, lambda_client):
    _mapping(lambda_client, FIFO_ARN)
    handler = Recorder()
    esm.register_function("worker", handler)
    first = esm.put_records(FIFO_ARN, [{"MessageBody": "x", "MessageGroupId": "g",
                                        "MessageDeduplicationId": "same"}])
    again = esm.put_records(FIFO_ARN, [{"MessageBody": "x", "MessageGroupId": "g",
                                        "MessageDeduplicationId": "same"}])
    assert again == first
    esm.poll()
    assert handler.bodies() == [["x"]]


def test_fifo_deduplication_outlives_delivery_for_five_minutes(lambda_client):
    # SQS remembers a deduplication ID for five minutes from the send, whether or not the
    # message was received and deleted meanwhile.
    with freeze_time("2024-01-01 12:00:00") as frozen, mock_esm(transition_seconds=0) as esm:
        _mapping(lambda_client, FIFO_ARN)
        handler = Recorder()
        esm.register_function("worker", handler)
        entry = {"MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "same"}
        [first] = esm.put_records(FIFO_ARN, [entry])
        esm.poll()
        frozen.tick(299)
        assert esm.put_records(FIFO_ARN, [entry]) == [first]
        assert esm.poll() == []
        frozen.tick(1)
        [second] = esm.put_records(FIFO_ARN, [entry])
        assert second != first
        esm.poll()
    assert handler.bodies() == [["x"], ["x"]]



def test_a_handler_that_edits_its_event_changes_neither_the_report_nor_the_deletes(
        esm, lambda_client):
    _mapping(lambda_client)

    def vandal(event, context):
        for record in event["Records"]:
            record["receiptHandle"] = "gone"
        event["Records"].clear()

    esm.register_function("worker", vandal)
    esm.put_records(QUEUE_ARN, ["a"])
    [invocation] = esm.poll()
    assert [r["body"] for r in invocation.event["Records"]] == ["a"]
    esm.frozen.tick(3600)
    assert esm.poll() == []  # the message was deleted with its real receipt handle

# --- the context ---------------------------------------------------------------------------


def test_context_has_the_python_runtime_fields(esm, lambda_client):
    _mapping(lambda_client, function="worker:7")
    handler = Recorder()
    esm.register_function("worker", handler, memory_size=512)
    esm.put_records(QUEUE_ARN, ["a"])
    esm.poll()
    [context] = handler.contexts
    assert context.function_name == "worker"
    assert context.function_version == "7"
    assert context.invoked_function_arn == FUNCTION_ARN + ":7"
    assert context.memory_limit_in_mb == "512"  # a string, as the Python runtime gives it
    assert context.log_group_name == "/aws/lambda/worker"
    assert re.fullmatch(r"2026/01/02/\[7\][0-9a-f]{32}", context.log_stream_name)
    assert re.fullmatch(r"[0-9a-f-]{36}", context.aws_request_id)


def test_remaining_time_counts_down_on_the_mock_clock(esm, lambda_client):
    _mapping(lambda_client)
    seen = []

    def handler(event, context):
        seen.append(context.get_remaining_time_in_millis())
        esm.frozen.tick(1.25)
        seen.append(context.get_remaining_time_in_millis())

    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["a"])
    report = esm.poll()
    assert seen == [3000, 1750]
    assert report[0].error is None


def test_running_past_the_timeout_is_a_function_error_and_the_batch_stays(esm, lambda_client):
    _mapping(lambda_client)
    calls = []

    def slow(event, context):
        calls.append(event)
        esm.frozen.tick(context.get_remaining_time_in_millis() / 1000 + 1)
        assert context.get_remaining_time_in_millis() == 0
        return "done"

    esm.register_function("worker", slow)
    esm.put_records(QUEUE_ARN, ["a"])
    [invocation] = esm.poll()
    assert isinstance(invocation.error, TaskTimedOut)
    assert str(invocation.error) == "Task timed out after 3.00 seconds"
    assert invocation.failed_item_ids == (invocation.records[0]["messageId"],)
    esm.frozen.tick(31)
    assert len(esm.poll()) == 1


def test_unserialisable_return_value_is_a_marshal_error(esm, lambda_client):
    _mapping(lambda_client)
    esm.register_function("worker", lambda event, context: {1, 2})
    esm.put_records(QUEUE_ARN, ["a"])
    [invocation] = esm.poll()
    assert isinstance(invocation.error, MarshalError)
    assert str(invocation.error).startswith("Unable to marshal response: ")
    assert not invocation.succeeded


# --- which function runs -------------------------------------------------------------------


def _deliver_one(esm: Any, client: Any, queue: str, registration: str) -> Recorder:
    """Map ``queue`` to worker, register ``registration``, send one message, poll."""
    _mapping(client, queue)
    handler = Recorder()
    esm.register_function(registration, handler)
    esm.put_records(queue, ["a"])
    esm.poll()
    return handler


def test_bare_name_serves_every_account_and_region():
    with freeze_time(START), mock_esm(transition_seconds=0, account_id="111122223333") as esm:
        handler = _deliver_one(esm, boto3.client("lambda", region_name="eu-west-1"),
                               "arn:aws:sqs:eu-west-1:111122223333:jobs", "worker")
        assert handler.contexts[0].invoked_function_arn == (
            "arn:aws:lambda:eu-west-1:111122223333:function:worker")
        assert handler.events[0]["Records"][0]["awsRegion"] == "eu-west-1"


def test_full_arn_serves_only_its_own_region(esm, lambda_client):
    west = boto3.client("lambda", region_name="us-west-2")
    west_queue = "arn:aws:sqs:us-west-2:123456789012:jobs"
    _mapping(lambda_client)
    _mapping(west, west_queue)
    handler = Recorder()
    esm.register_function(FUNCTION_ARN, handler)
    esm.put_records(QUEUE_ARN, ["east"])
    esm.put_records(west_queue, ["west"])
    esm.poll()
    assert handler.bodies() == [["east"]]


def test_partial_arn_serves_every_region(esm):
    handler = _deliver_one(esm, boto3.client("lambda", region_name="us-west-2"),
                           "arn:aws:sqs:us-west-2:123456789012:jobs",
                           "123456789012:function:worker")
    assert handler.bodies() == [["a"]]


def test_qualified_registration_serves_only_its_qualifier_and_beats_unqualified(
        esm, lambda_client):
    live_queue = "arn:aws:sqs:us-east-1:123456789012:live"
    beta_queue = "arn:aws:sqs:us-east-1:123456789012:beta"
    _mapping(lambda_client, live_queue, "worker:live")
    _mapping(lambda_client, beta_queue, "worker:beta")
    live, fallback = Recorder(), Recorder()
    esm.register_function("worker:live", live)
    esm.register_function("worker", fallback)
    esm.put_records(live_queue, ["to-live"])
    esm.put_records(beta_queue, ["to-beta"])
    esm.poll()
    assert live.bodies() == [["to-live"]]
    assert fallback.bodies() == [["to-beta"]]
    assert fallback.contexts[0].invoked_function_arn == FUNCTION_ARN + ":beta"
    assert fallback.contexts[0].function_version == "$LATEST"


def test_qualified_registration_does_not_serve_the_unqualified_function(esm, lambda_client):
    _mapping(lambda_client)
    handler = Recorder()
    esm.register_function("worker:live", handler)
    esm.put_records(QUEUE_ARN, ["a"])
    assert esm.poll() == []
    assert handler.events == []


def test_mapping_without_a_registered_function_keeps_its_messages(esm, lambda_client):
    _mapping(lambda_client)
    esm.put_records(QUEUE_ARN, ["a"])
    assert esm.poll() == []
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.poll()
    assert handler.bodies() == [["a"]]


@pytest.mark.parametrize(("function", "handler", "kwargs", "error"), [
    ("bad name!", lambda e, c: None, {}, ValueError),
    (42, lambda e, c: None, {}, TypeError),
    ("worker", "not callable", {}, TypeError),
    ("worker", lambda e, c: None, {"timeout": 0}, ValueError),
    ("worker", lambda e, c: None, {"timeout": 901}, ValueError),
    ("worker", lambda e, c: None, {"memory_size": 64}, ValueError),
])
def test_register_function_refuses_bad_arguments(esm, function, handler, kwargs, error):
    with pytest.raises(error, match="register_function"):
        esm.register_function(function, handler, **kwargs)


# --- poll ----------------------------------------------------------------------------------


def test_poll_delivers_batch_after_batch_until_the_queue_is_empty(esm, lambda_client):
    uuid = _mapping(lambda_client, BatchSize=3)
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, [str(i) for i in range(7)])
    report = esm.poll()
    assert [i.batch_size for i in report] == [3, 3, 1]
    assert handler.bodies() == [["0", "1", "2"], ["3", "4", "5"], ["6"]]
    assert all(i.mapping_uuid == uuid and i.function_arn == FUNCTION_ARN for i in report)
    assert report.records() == [r for e in handler.events for r in e["Records"]]
    assert esm.poll() == []


def test_poll_with_a_uuid_delivers_only_that_mapping(esm, lambda_client):
    other_queue = "arn:aws:sqs:us-east-1:123456789012:other"
    uuid = _mapping(lambda_client)
    _mapping(lambda_client, other_queue)
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["mine"])
    esm.put_records(other_queue, ["theirs"])
    esm.poll(uuid)
    assert handler.bodies() == [["mine"]]


def test_poll_of_an_unknown_uuid_raises_lookup_error(esm):
    with pytest.raises(LookupError, match="no event source mapping has this UUID"):
        esm.poll("00000000-0000-0000-0000-000000000000")


def test_only_enabled_mappings_deliver():
    with freeze_time(START) as frozen, mock_esm(transition_seconds=1) as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = _mapping(client)
        handler = Recorder()
        esm.register_function("worker", handler)
        esm.put_records(QUEUE_ARN, ["a"])
        assert esm.poll() == []  # still Creating
        frozen.tick(1)
        assert len(esm.poll()) == 1
        client.update_event_source_mapping(UUID=uuid, Enabled=False)
        esm.put_records(QUEUE_ARN, ["b"])
        frozen.tick(1)
        assert client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
        assert esm.poll() == []
        assert esm.poll(uuid) == []
        assert handler.bodies() == [["a"]]


def test_messages_sent_with_a_delay_wait_for_it(esm, lambda_client):
    _mapping(lambda_client)
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, [{"Id": "1", "MessageBody": "later", "DelaySeconds": 10}, "now"])
    esm.poll()
    esm.frozen.tick(10)
    esm.poll()
    assert handler.bodies() == [["now"], ["later"]]


# --- errors and redelivery -----------------------------------------------------------------


def test_handler_exception_is_reported_and_the_batch_returns_after_the_visibility_timeout(
        esm, lambda_client):
    _mapping(lambda_client)
    handler = Recorder(fail=True)
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["a", "b"])
    [invocation] = esm.poll()  # never raises
    assert isinstance(invocation.error, RuntimeError)
    assert invocation.failed_item_ids == tuple(r["messageId"] for r in invocation.records)
    assert invocation.result is None
    esm.frozen.tick(29)
    assert esm.poll() == []  # still in flight
    handler.fail = False
    esm.frozen.tick(1)
    [again] = esm.poll()
    assert [r["body"] for r in again.records] == ["a", "b"]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in again.records] == ["2", "2"]
    first_receive = invocation.records[0]["attributes"]["ApproximateFirstReceiveTimestamp"]
    assert again.records[0]["attributes"]["ApproximateFirstReceiveTimestamp"] == first_receive
    assert again.records[0]["receiptHandle"] != invocation.records[0]["receiptHandle"]
    assert esm.poll() == []


def test_success_deletes_the_batch(esm, lambda_client):
    _mapping(lambda_client)
    handler = Recorder(answer="ok")
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["a"])
    [invocation] = esm.poll()
    assert invocation.result == "ok" and invocation.succeeded
    esm.frozen.tick(3600)
    assert esm.poll() == []


# --- batching ------------------------------------------------------------------------------


def test_batching_window_holds_a_small_batch_until_it_has_elapsed(esm, lambda_client):
    _mapping(lambda_client, BatchSize=5, MaximumBatchingWindowInSeconds=20)
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["a"])
    esm.frozen.tick(5)
    esm.put_records(QUEUE_ARN, ["b"])
    esm.frozen.tick(14)
    assert esm.poll() == []  # 19 s since "a" became available
    esm.frozen.tick(1)
    [invocation] = esm.poll()
    assert [r["body"] for r in invocation.records] == ["a", "b"]


def test_batching_window_does_not_hold_a_full_batch(esm, lambda_client):
    _mapping(lambda_client, BatchSize=3, MaximumBatchingWindowInSeconds=20)
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["a", "b", "c", "d"])
    report = esm.poll()
    assert handler.bodies() == [["a", "b", "c"]]
    assert len(report) == 1
    esm.frozen.tick(20)
    esm.poll()
    assert handler.bodies()[1:] == [["d"]]


def test_fifo_group_waits_until_its_previous_batch_succeeded(esm, lambda_client):
    _mapping(lambda_client, FIFO_ARN, BatchSize=2)
    failing = {"a1"}
    delivered: List[List[str]] = []

    def handler(event, context):
        bodies = [r["body"] for r in event["Records"]]
        delivered.append(bodies)
        if failing & set(bodies):
            raise RuntimeError("a1 is poison for now")

    esm.register_function("worker", handler)
    esm.put_records(FIFO_ARN, [
        {"MessageBody": "a1", "MessageGroupId": "A"},
        {"MessageBody": "a2", "MessageGroupId": "A"},
        {"MessageBody": "a3", "MessageGroupId": "A"},
        {"MessageBody": "b1", "MessageGroupId": "B"}])
    esm.poll()
    # Group A's first batch failed: a3 waits behind it; group B goes on.
    assert delivered == [["a1", "a2"], ["b1"]]
    failing.clear()
    esm.frozen.tick(31)
    esm.poll()
    assert delivered[2:] == [["a1", "a2"], ["a3"]]


_clients: List[Any] = []


def _shared_client() -> Any:
    """One client for every example: making a boto3 client costs more than the example."""
    if not _clients:
        _clients.append(boto3.client("lambda", region_name="us-east-1"))
    return _clients[0]


# Bounds: up to 25 messages and batch sizes up to 10 keep each example to a few
# milliseconds; 30 examples cover the boundaries (size 1, exact multiples, one message).
@settings(max_examples=30, deadline=None, database=None)
@given(count=st.integers(min_value=1, max_value=25), size=st.integers(min_value=1, max_value=10))
def test_every_message_is_delivered_once_in_order_in_batches_of_at_most_batch_size(count, size):
    # No frozen clock: nothing here depends on time, and starting freezegun per example is slow.
    with mock_esm(transition_seconds=0) as esm:
        _mapping(_shared_client(), BatchSize=size)
        handler = Recorder()
        esm.register_function("worker", handler)
        esm.put_records(QUEUE_ARN, [str(i) for i in range(count)])
        report = esm.poll()
        assert [b for batch in handler.bodies() for b in batch] == [str(i) for i in range(count)]
        assert all(1 <= i.batch_size <= size for i in report)
        assert len(report) == -(-count // size)


# --- filters -------------------------------------------------------------------------------


def _filtered_mapping(client: Any, *patterns: Dict[str, Any], **kwargs: Any) -> str:
    return _mapping(client, FilterCriteria={
        "Filters": [{"Pattern": json.dumps(p)} for p in patterns]}, **kwargs)


def test_messages_no_filter_keeps_are_deleted_not_delivered(esm, lambda_client):
    uuid = _filtered_mapping(lambda_client, {"body": {"kind": ["order"]}})
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, [json.dumps({"kind": "order", "id": 1}),
                                json.dumps({"kind": "refund"}), "not json"])
    report = esm.poll()
    assert [json.loads(b[0]) for b in handler.bodies()] == [{"kind": "order", "id": 1}]
    assert sorted(f.record["body"] for f in report.filtered) == ["not json",
                                                                 '{"kind": "refund"}']
    assert all(f.mapping_uuid == uuid for f in report.filtered)
    esm.frozen.tick(3600)
    assert esm.poll() == [] and handler.bodies() == [['{"kind": "order", "id": 1}']]


def test_filters_are_ored_and_plain_bodies_match_string_patterns(esm, lambda_client):
    _filtered_mapping(lambda_client, {"body": ["ping"]}, {"body": {"n": [{"numeric": [">", 5]}]}})
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["ping", "pong", '{"n": 9}', '{"n": 1}'])
    esm.poll()
    assert [b for batch in handler.bodies() for b in batch] == ["ping", '{"n": 9}']


def test_filters_see_attributes_and_message_attributes(esm, lambda_client):
    _filtered_mapping(lambda_client, {
        "attributes": {"ApproximateReceiveCount": ["1"]},
        "messageAttributes": {"tenant": {"stringValue": [{"prefix": "acme-"}]}}})
    handler = Recorder()
    esm.register_function("worker", handler)

    def tenant(name: str) -> Dict[str, Any]:
        return {"tenant": {"DataType": "String", "StringValue": name}}

    esm.put_records(QUEUE_ARN, [{"MessageBody": "yes", "MessageAttributes": tenant("acme-1")},
                                {"MessageBody": "no", "MessageAttributes": tenant("other")}])
    esm.poll()
    assert handler.bodies() == [["yes"]]


def test_a_batch_left_empty_by_filters_invokes_nothing(esm, lambda_client):
    _filtered_mapping(lambda_client, {"body": {"kind": ["order"]}})
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["x", "y"])
    report = esm.poll()
    assert report == [] and handler.events == [] and len(report.filtered) == 2


# --- partial batch responses ---------------------------------------------------------------


def _partial(esm: Any, client: Any, answer: Any, count: int = 3):
    _mapping(client, FunctionResponseTypes=["ReportBatchItemFailures"])
    handler = Recorder(answer=answer)
    esm.register_function("worker", handler)
    ids = esm.put_records(QUEUE_ARN, [f"m{i}" for i in range(count)])
    [invocation] = esm.poll()
    handler.answer = None
    esm.frozen.tick(31)
    redelivered = [r["messageId"] for inv in esm.poll() for r in inv.records]
    return ids, invocation, redelivered


def test_reported_item_failures_alone_are_redelivered(esm, lambda_client):
    ids, invocation, redelivered = _partial(
        esm, lambda_client,
        lambda event: {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]})
    assert invocation.failed_item_ids == (ids[1],)
    assert not invocation.succeeded and invocation.error is None
    assert redelivered == [ids[1]]


@pytest.mark.parametrize("answer", [
    None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}, {"statusCode": 200}],
    ids=["null", "empty-object", "empty-list", "null-list", "no-key"])
def test_responses_aws_treats_as_complete_success(esm, lambda_client, answer):
    _, invocation, redelivered = _partial(esm, lambda_client, answer)
    assert invocation.succeeded and redelivered == []


@pytest.mark.parametrize("answer", [
    "ok", ["m0"], {"batchItemFailures": "m0"},
    {"batchItemFailures": [{"itemIdentifier": ""}]},
    {"batchItemFailures": [{"itemIdentifier": None}]},
    {"batchItemFailures": [{"messageId": "x"}]},
    {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]},
    {"batchItemFailures": ["m0"]}],
    ids=["string", "list", "not-a-list", "empty-id", "null-id", "bad-key", "unknown-id",
         "bare-id"])
def test_malformed_partial_responses_fail_the_whole_batch(esm, lambda_client, answer):
    ids, invocation, redelivered = _partial(esm, lambda_client, answer)
    assert invocation.failed_item_ids == tuple(ids) and invocation.error is None
    assert redelivered == ids


def test_partial_response_is_ignored_without_report_batch_item_failures(esm, lambda_client):
    _mapping(lambda_client)
    handler = Recorder(answer=lambda event: {
        "batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]})
    esm.register_function("worker", handler)
    esm.put_records(QUEUE_ARN, ["a"])
    [invocation] = esm.poll()
    assert invocation.succeeded
    esm.frozen.tick(31)
    assert esm.poll() == []


def test_an_exception_fails_the_whole_batch_even_with_report_batch_item_failures(
        esm, lambda_client):
    _mapping(lambda_client, FunctionResponseTypes=["ReportBatchItemFailures"])
    esm.register_function("worker", Recorder(fail=True))
    ids = esm.put_records(QUEUE_ARN, ["a", "b"])
    [invocation] = esm.poll()
    assert invocation.failed_item_ids == tuple(ids)


# --- put_records and lifecycle -------------------------------------------------------------


@pytest.mark.parametrize(("source", "records", "error", "words"), [
    (QUEUE_ARN, "just a string", TypeError, "list of message bodies"),
    (QUEUE_ARN, [3], TypeError, "entry 0 must be a message body"),
    (QUEUE_ARN, [{"Body": "x"}], ValueError, "unknown keys"),
    (QUEUE_ARN, [{"MessageBody": ""}], ValueError, "non-empty MessageBody"),
    (QUEUE_ARN, [{"MessageBody": "x", "DelaySeconds": 901}], ValueError, "DelaySeconds"),
    (QUEUE_ARN, [{"MessageBody": "x", "MessageAttributes": {"a": {"StringValue": "v"}}}],
     ValueError, "DataType"),
    (FIFO_ARN, ["no group"], ValueError, "MessageGroupId"),
    (FIFO_ARN, [{"MessageBody": "x", "MessageGroupId": "g", "DelaySeconds": 5}], ValueError,
     "DelaySeconds"),
    ("not-an-arn", ["x"], ValueError, "not an event source ARN"),
    (42, ["x"], TypeError, "ARN as a string"),
])
def test_put_records_refuses_bad_input(esm, source, records, error, words):
    with pytest.raises(error, match=words):
        esm.put_records(source, records)


def test_reset_forgets_functions_and_queued_messages(esm, lambda_client):
    esm.register_function("worker", Recorder())
    esm.put_records(QUEUE_ARN, ["a"])
    esm.reset()
    _mapping(lambda_client)
    assert esm.poll() == []  # no function registered any more
    handler = Recorder()
    esm.register_function("worker", handler)
    assert esm.poll() == [] and handler.events == []  # and no message left


def test_a_new_activation_starts_without_functions_or_messages():
    with freeze_time(START), mock_esm(transition_seconds=0) as esm:
        esm.register_function("worker", Recorder())
        esm.put_records(QUEUE_ARN, ["left over"])
    with freeze_time(START), mock_esm(transition_seconds=0) as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        _mapping(client)
        assert esm.poll() == []
        handler = Recorder()
        esm.register_function("worker", handler)
        assert esm.poll() == []


def test_users_can_check_a_pattern_against_an_sqs_record_with_filters_matches():
    from mock_esm.service import filters

    record = {"body": {"kind": "order", "total": 12}, "attributes": {"SenderId": "AIDA"}}
    pattern = {"body": {"kind": ["order"], "total": [{"numeric": [">=", 10]}]}}
    assert filters.matches(pattern, record) is True
    assert filters.matches(json.dumps(pattern), record) is True
    assert filters.matches({"body": {"kind": ["refund"]}}, record) is False
    with pytest.raises(ValueError, match=r"^Invalid filter pattern definition\.$"):
        filters.matches({"body": "order"}, record)
    with pytest.raises(ValueError, match=r"^Invalid filter pattern definition\.$"):
        filters.matches("not json", record)


def test_time_machine_drives_visibility_and_remaining_time_too():
    time_machine = pytest.importorskip("time_machine")
    with time_machine.travel(START, tick=False) as traveller, \
            mock_esm(transition_seconds=0) as esm:
        _mapping(boto3.client("lambda", region_name="us-east-1"))
        remaining: List[int] = []

        def handler(event, context):
            traveller.shift(0.5)
            remaining.append(context.get_remaining_time_in_millis())
            raise RuntimeError("again")

        esm.register_function("worker", handler)
        esm.put_records(QUEUE_ARN, ["a"])
        esm.poll()
        traveller.shift(29)
        assert esm.poll() == []
        traveller.shift(1)
        assert len(esm.poll()) == 1
        assert remaining == [2500, 2500]


def test_the_delivery_core_imports_neither_botocore_nor_moto():
    import subprocess
    import sys

    code = ("import sys, mock_esm.delivery; "
            "print(sorted(m for m in ('botocore', 'moto') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
