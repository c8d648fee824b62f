"""In-process delivery from Kinesis and DynamoDB streams without moto: ``esm.put_records``.

Every test drives time with freezegun; handlers are plain functions, as users write them.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm

from .conftest import STREAM_ARN, TABLE_STREAM_ARN, freeze_time
from .delivery_support import START, esm_fixture  # noqa: F401 (a fixture)

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:worker"


class Recorder:
    """A handler that records its events and answers what the test tells it to."""

    def __init__(self, answer: Any = None) -> None:
        self.events: List[Dict[str, Any]] = []
        self.answer = answer

    def __call__(self, event: Dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer(event) if callable(self.answer) else self.answer

    def data(self) -> List[List[str]]:
        """The Kinesis data of each invocation, decoded."""
        return [[base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]]
                for event in self.events]


def _mapping(esm: Any, source: str = STREAM_ARN, **kwargs: Any) -> str:
    kwargs.setdefault("StartingPosition", "TRIM_HORIZON")
    return esm.lam.create_event_source_mapping(EventSourceArn=source, FunctionName="worker",
                                               **kwargs)["UUID"]


def _put(esm: Any, *values: str, key: str = "k") -> List[str]:
    return esm.put_records(STREAM_ARN, [{"Data": v, "PartitionKey": key} for v in values])


def test_kinesis_record_has_the_shape_lambda_gives_it(esm):
    _mapping(esm)
    handler = Recorder()
    esm.register_function("worker", handler)
    [sequence] = esm.put_records(STREAM_ARN, [{"Data": b"hello", "PartitionKey": "p1"}])

    [invocation] = esm.poll()

    assert invocation.event == {"Records": [{
        "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "p1",
                    "sequenceNumber": sequence, "data": base64.b64encode(b"hello").decode(),
                    "approximateArrivalTimestamp": 1767323045.0},
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/worker-role",
        "awsRegion": "us-east-1",
        "eventSourceARN": STREAM_ARN,
    }]}
    assert len(sequence) == 56 and invocation.succeeded


def test_dynamodb_record_has_the_shape_lambda_gives_it(esm):
    _mapping(esm, TABLE_STREAM_ARN)
    handler = Recorder()
    esm.register_function("worker", handler)
    keys = {"id": {"S": "1"}}
    esm.put_records(TABLE_STREAM_ARN, [
        {"dynamodb": {"Keys": keys, "NewImage": {"id": {"S": "1"}, "n": {"N": "1"}}}},
        {"dynamodb": {"Keys": keys, "OldImage": {"id": {"S": "1"}, "n": {"N": "1"}},
                      "NewImage": {"id": {"S": "1"}, "n": {"N": "2"}}}},
        {"eventName": "REMOVE", "dynamodb": {"Keys": keys, "StreamViewType": "KEYS_ONLY"}},
    ])

    [invocation] = esm.poll()

    records = invocation.records
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    first = records[0]
    assert set(first) == {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                          "dynamodb", "eventSourceARN"}
    assert (first["eventSource"], first["eventVersion"], first["awsRegion"],
            first["eventSourceARN"]) == ("aws:dynamodb", "1.1", "us-east-1", TABLE_STREAM_ARN)
    assert first["dynamodb"]["Keys"] == keys
    assert first["dynamodb"]["NewImage"]["n"] == {"N": "1"}
    assert first["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert first["dynamodb"]["ApproximateCreationDateTime"] == 1767323045.0
    assert first["dynamodb"]["SizeBytes"] > 0
    assert records[1]["dynamodb"]["OldImage"]["n"] == {"N": "1"}
    assert "NewImage" not in records[2]["dynamodb"]
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequences == sorted(sequences) and len(str(sequences[0])) == 21


def test_a_stream_record_is_what_was_put_whatever_the_caller_changes_afterwards(esm):
    _mapping(esm, TABLE_STREAM_ARN)
    esm.register_function("worker", lambda event, context: None)
    image = {"id": {"S": "1"}, "tags": {"L": [{"S": "a"}]}}
    record = {"eventID": "first", "dynamodb": {"Keys": {"id": {"S": "1"}}, "NewImage": image}}
    esm.put_records(TABLE_STREAM_ARN, [record])
    image["tags"]["L"].append({"S": "added later"})
    record["eventID"] = "changed"

    [delivered] = esm.poll().records()

    assert delivered["eventID"] == "first"
    assert delivered["dynamodb"]["NewImage"]["tags"] == {"L": [{"S": "a"}]}


def test_trim_horizon_reads_records_put_before_the_mapping_and_latest_does_not(esm):
    _put(esm, "old")
    esm.frozen.tick(1)
    trim = _mapping(esm, StartingPosition="TRIM_HORIZON")
    esm.lam.create_event_source_mapping(EventSourceArn=STREAM_ARN, FunctionName="other",
                                        StartingPosition="LATEST")
    esm.frozen.tick(1)
    _put(esm, "new")
    worker, other = Recorder(), Recorder()
    esm.register_function("worker", worker)
    esm.register_function("other", other)

    report = esm.poll()

    assert worker.data() == [["old", "new"]]
    assert other.data() == [["new"]]
    assert report[0].mapping_uuid == trim


def test_a_mapping_on_a_stream_consumer_reads_its_stream(esm):
    _mapping(esm, STREAM_ARN + "/consumer/fan-out:1767323045")
    handler = Recorder()
    esm.register_function("worker", handler)
    _put(esm, "a")

    [invocation] = esm.poll()

    assert handler.data() == [["a"]]
    assert invocation.records[0]["eventSourceARN"] == STREAM_ARN


def test_at_timestamp_starts_at_the_first_record_from_that_time(esm):
    _put(esm, "before")
    esm.frozen.tick(10)
    _put(esm, "at")
    esm.frozen.tick(10)
    _put(esm, "after")
    _mapping(esm, StartingPosition="AT_TIMESTAMP",
             StartingPositionTimestamp=1767323045 + 10)
    handler = Recorder()
    esm.register_function("worker", handler)

    esm.poll()

    assert handler.data() == [["at", "after"]]


def test_batches_follow_batch_size_in_shard_order_and_each_record_goes_once(esm):
    _mapping(esm, BatchSize=2)
    handler = Recorder()
    esm.register_function("worker", handler)
    _put(esm, "a", "b", "c", "d", "e")

    assert len(esm.poll()) == 3
    assert handler.data() == [["a", "b"], ["c", "d"], ["e"]]
    assert esm.poll() == []


def test_batching_window_holds_a_small_batch_until_it_passes_on_the_mock_clock(esm):
    _mapping(esm, BatchSize=10, MaximumBatchingWindowInSeconds=5)
    handler = Recorder()
    esm.register_function("worker", handler)
    _put(esm, "a")
    esm.frozen.tick(4)
    _put(esm, "b")

    assert esm.poll() == []
    esm.frozen.tick(1)
    assert handler.data() == [] and len(esm.poll()) == 1
    assert handler.data() == [["a", "b"]]


def test_parallelization_keeps_each_key_in_order_and_a_failing_key_blocks_only_its_lane(esm):
    _mapping(esm, ParallelizationFactor=2, BatchSize=10)

    def handler(event: Dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            if base64.b64decode(record["kinesis"]["data"]) == b"bad":
                raise RuntimeError("bad record")

    esm.register_function("worker", handler)
    # "a" and "b" fall in different lanes (byte sums 97 and 98 modulo 2).
    esm.put_records(STREAM_ARN, [{"Data": "bad", "PartitionKey": "a"},
                                 {"Data": "b1", "PartitionKey": "b"},
                                 {"Data": "a2", "PartitionKey": "a"},
                                 {"Data": "b2", "PartitionKey": "b"}])

    report = esm.poll()

    delivered = {r["kinesis"]["partitionKey"]: [] for r in report.records()}
    for item in report:
        key = item.records[0]["kinesis"]["partitionKey"]
        delivered[key].append((item.succeeded, [base64.b64decode(r["kinesis"]["data"]).decode()
                                                for r in item.records]))
    assert delivered == {"a": [(False, ["bad", "a2"])], "b": [(True, ["b1", "b2"])]}
    # The failing lane is retried (unlimited retries) on the next poll, still in order.
    assert [base64.b64decode(r["kinesis"]["data"]) for r in esm.poll().records()] == [
        b"bad", b"a2"]


def test_filters_match_kinesis_data_as_json_and_skip_the_rest(esm):
    pattern = {"data": {"type": ["order"]}}
    _mapping(esm, FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    handler = Recorder()
    esm.register_function("worker", handler)
    _put(esm, json.dumps({"type": "order", "n": 1}), json.dumps({"type": "ping"}), "not json")

    report = esm.poll()

    assert [json.loads(d)["n"] for d in handler.data()[0]] == [1]
    assert len(report.filtered) == 2
    assert esm.poll() == []  # skipped records are not delivered later either


def test_filters_match_the_dynamodb_part_of_a_stream_record(esm):
    pattern = {"dynamodb": {"NewImage": {"status": {"S": ["paid"]}}}}
    _mapping(esm, TABLE_STREAM_ARN, FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    handler = Recorder()
    esm.register_function("worker", handler)
    esm.put_records(TABLE_STREAM_ARN, [
        {"Keys": {"id": {"S": str(n)}}, "NewImage": {"id": {"S": str(n)}, "status": {"S": s}}}
        for n, s in ((1, "paid"), (2, "open"))])

    report = esm.poll()

    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in report.records()] == ["1"]
    assert len(report.filtered) == 1


def test_retries_stop_after_maximum_retry_attempts_and_the_failure_record_is_reported(esm):
    _mapping(esm, MaximumRetryAttempts=2, BatchSize=10)
    handler = Recorder(RuntimeError("boom"))
    esm.register_function("worker", handler)
    first = _put(esm, "a", "b")[0]
    [last] = _put(esm, "c")
    report = esm.poll()

    # One call and two retries of the same batch, then the shard moves on past it.
    assert [item.succeeded for item in report] == [False, False, False]
    assert handler.data() == [["a", "b", "c"]] * 3
    [failure] = report.failures
    assert failure["requestContext"] == {
        "requestId": report[-1].aws_request_id, "functionArn": FUNCTION_ARN,
        "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 3}
    assert failure["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                          "functionError": "Unhandled"}
    assert failure["version"] == "1.0"
    assert failure["timestamp"] == "2026-01-02T03:04:05.000Z"
    assert failure["KinesisBatchInfo"] == {
        "shardId": "shardId-000000000000", "startSequenceNumber": first,
        "endSequenceNumber": last,
        "approximateArrivalOfFirstRecord": "2026-01-02T03:04:05.000Z",
        "approximateArrivalOfLastRecord": "2026-01-02T03:04:05.000Z",
        "batchSize": 3, "streamArn": STREAM_ARN}
    handler.answer = None
    _put(esm, "d")
    esm.poll()
    assert handler.data()[-1] == ["d"]  # the given-up batch is not delivered again


def test_unlimited_retries_block_the_shard_and_retry_on_each_poll(esm):
    _mapping(esm)
    handler = Recorder(RuntimeError("boom"))
    esm.register_function("worker", handler)
    _put(esm, "a")

    assert [i.succeeded for i in esm.poll()] == [False]
    _put(esm, "b")
    assert [i.succeeded for i in esm.poll()] == [False]  # one retry per poll, "b" behind "a"
    handler.answer = None
    assert [i.succeeded for i in esm.poll()] == [True]
    assert handler.data() == [["a"], ["a", "b"], ["a", "b"]]
    assert esm.poll() == []


def test_record_age_limit_gives_up_a_batch_that_has_grown_too_old(esm):
    _mapping(esm, MaximumRecordAgeInSeconds=60)
    handler = Recorder(RuntimeError("boom"))
    esm.register_function("worker", handler)
    _put(esm, "a")
    assert len(esm.poll()) == 1
    esm.frozen.tick(61)

    report = esm.poll()

    assert len(report) == 0  # too old to be retried
    [failure] = report.failures
    assert failure["requestContext"]["condition"] == "RecordAgeExceeded"
    assert failure["KinesisBatchInfo"]["batchSize"] == 1
    assert esm.poll() == []


def test_bisect_halves_the_failing_batch_until_the_bad_record_is_alone(esm):
    _mapping(esm, BisectBatchOnFunctionError=True, MaximumRetryAttempts=0, BatchSize=4)

    def handler(event: Dict[str, Any], context: Any) -> None:
        if any(base64.b64decode(r["kinesis"]["data"]) == b"c" for r in event["Records"]):
            raise RuntimeError("bad")

    esm.register_function("worker", handler)
    _put(esm, "a", "b", "c", "d")

    report = esm.poll()

    sizes = [(item.batch_size, item.succeeded) for item in report]
    assert sizes == [(4, False), (2, True), (2, False), (1, False), (1, True)]
    [failure] = report.failures
    assert failure["KinesisBatchInfo"]["batchSize"] == 1


def test_report_batch_item_failures_checkpoints_at_the_lowest_failed_sequence(esm):
    _mapping(esm, FunctionResponseTypes=["ReportBatchItemFailures"], BatchSize=10)
    calls = []

    def handler(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
        records = event["Records"]
        calls.append([base64.b64decode(r["kinesis"]["data"]).decode() for r in records])
        if len(calls) > 1:
            return {"batchItemFailures": []}
        named = [r["kinesis"]["sequenceNumber"] for r in records[2:0:-1]]  # "c" then "b"
        return {"batchItemFailures": [{"itemIdentifier": s} for s in named]}

    esm.register_function("worker", handler)
    _put(esm, "a", "b", "c", "d")

    esm.poll()
    esm.poll()

    assert calls == [["a", "b", "c", "d"], ["b", "c", "d"]]


def test_on_failure_destination_without_moto_is_reported(esm):
    destination = "arn:aws:sqs:us-east-1:123456789012:failures"
    _mapping(esm, TABLE_STREAM_ARN, MaximumRetryAttempts=0,
             DestinationConfig={"OnFailure": {"Destination": destination}})
    esm.register_function("worker", Recorder(RuntimeError("boom")))
    [sequence] = esm.put_records(TABLE_STREAM_ARN, [{"Keys": {"id": {"S": "1"}}}])

    [failure] = esm.poll().failures

    assert failure["DDBStreamBatchInfo"]["startSequenceNumber"] == sequence
    assert failure["DDBStreamBatchInfo"]["streamArn"] == TABLE_STREAM_ARN
    assert set(failure) == {"requestContext", "responseContext", "version", "timestamp",
                            "DDBStreamBatchInfo"}


def test_last_processing_result_becomes_ok_after_a_successful_delivery(esm):
    uuid = _mapping(esm)
    esm.register_function("worker", Recorder(RuntimeError("boom")))
    _put(esm, "a")
    esm.poll()
    assert esm.lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == (
        "No records processed")

    esm.register_function("worker", Recorder())
    esm.poll()

    assert esm.lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK"


def test_tumbling_window_carries_state_and_ends_with_a_final_invocation(esm):
    _mapping(esm, TumblingWindowInSeconds=60, BatchSize=2)

    def handler(event: Dict[str, Any]) -> Dict[str, Any]:
        total = event["state"].get("total", 0) + len(event["Records"])
        return {"state": {"total": total}}

    recorder = Recorder(handler)
    esm.register_function("worker", recorder)
    esm.frozen.move_to("2026-01-02 03:05:00")
    _put(esm, "a", "b", "c")

    esm.poll()
    esm.frozen.tick(60)
    esm.poll()

    seen = [(len(e["Records"]), e["state"], e["isFinalInvokeForWindow"]) for e in recorder.events]
    assert seen == [(2, {}, False), (1, {"total": 2}, False), (0, {"total": 3}, True)]
    last = recorder.events[-1]
    assert last["window"] == {"start": "2026-01-02T03:05:00Z", "end": "2026-01-02T03:06:00Z"}
    assert last["shardId"] == "shardId-000000000000"
    assert last["eventSourceARN"] == STREAM_ARN
    assert last["isWindowTerminatedEarly"] is False


@pytest.mark.parametrize("records, error, message", [
    ("x", TypeError, "list of PutRecords entries"),
    ([{"Data": "x"}], ValueError, "PartitionKey"),
    ([{"Data": 5, "PartitionKey": "k"}], ValueError, "Data as bytes or str"),
    ([{"Data": "x", "PartitionKey": "k", "Extra": 1}], ValueError, "unknown keys"),
])
def test_kinesis_put_records_refuses_bad_input(esm, records, error, message):
    with pytest.raises(error, match=message):
        esm.put_records(STREAM_ARN, records)


@pytest.mark.parametrize("record, message", [
    ({"NewImage": {}}, "dynamodb.Keys"),
    ({"Keys": {"id": {"S": "1"}}, "StreamViewType": "ALL"}, "StreamViewType"),
    ({"eventName": "UPSERT", "dynamodb": {"Keys": {"id": {"S": "1"}}}}, "eventName"),
    ({"Keys": {"id": {"B": b"\x00"}}}, "base64 strings"),
    ({"eventID": 7, "dynamodb": {"Keys": {"id": {"S": "1"}}}}, "eventID must be a string"),
])
def test_dynamodb_put_records_refuses_bad_input(esm, record, message):
    with pytest.raises(ValueError, match=message):
        esm.put_records(TABLE_STREAM_ARN, [record])


# Bounds: up to 12 records over 3 keys and batch sizes 1-5 keep each example to a few
# invocations; 25 examples hold the test under a second.
@settings(max_examples=25, deadline=None)
@given(keys=st.lists(st.sampled_from("xyz"), min_size=1, max_size=12),
       batch=st.integers(min_value=1, max_value=5), factor=st.integers(min_value=1, max_value=3))
def test_every_record_is_delivered_once_in_key_order(client, keys, batch, factor):
    with freeze_time(START), mock_esm(transition_seconds=0) as esm:
        client.create_event_source_mapping(
            EventSourceArn=STREAM_ARN, FunctionName="worker", StartingPosition="TRIM_HORIZON",
            BatchSize=batch, ParallelizationFactor=factor)
        esm.register_function("worker", lambda event, context: None)
        esm.put_records(STREAM_ARN, [{"Data": str(n), "PartitionKey": k}
                                     for n, k in enumerate(keys)])
        delivered = esm.poll().records()
    assert sorted(int(base64.b64decode(r["kinesis"]["data"])) for r in delivered) == list(
        range(len(keys)))
    for key in set(keys):
        mine = [int(base64.b64decode(r["kinesis"]["data"])) for r in delivered
                if r["kinesis"]["partitionKey"] == key]
        assert mine == sorted(mine)


def test_a_windowed_response_without_state_fails_the_batch(esm):
    _mapping(esm, TumblingWindowInSeconds=60, MaximumRetryAttempts=0)
    esm.register_function("worker", Recorder({"batchItemFailures": []}))
    _put(esm, "a")

    report = esm.poll()

    [invocation] = report  # the handler returned normally, but Lambda needs the state back
    assert not invocation.succeeded and invocation.error is None
    assert len(report.failures) == 1  # no retries allowed, so the batch is given up
