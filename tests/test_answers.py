"""Answers reach users exactly as botocore's own parser makes them from the bytes the mock sends:
values, types, key order, time zones, and a fresh copy with its own request id each time."""

from __future__ import annotations

import datetime
import functools
import json
import os
import random
import time
import unittest.mock
import uuid
from typing import Any, Dict, Iterator, List

import boto3
import botocore.session
import pytest
from botocore import parsers

from mock_esm import mock_esm
from mock_esm.wire import interceptor

from .conftest import FIFO_ARN, QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN
from .parse_support import identical
from .rules_support import BASIC_AUTH, DOCDB_ARN, MQ_ARN, MSK_ARN, SELF_MANAGED

BEFORE = 1767323045  # a StartingPositionTimestamp in the past of every test clock

# One create per source kind, each with the nested members its kind takes, so every branch of
# the output shape that a mapping can fill is answered at least once.
CREATES: Dict[str, Dict[str, Any]] = {
    "sqs": {"EventSourceArn": QUEUE_ARN, "BatchSize": 50, "MaximumBatchingWindowInSeconds": 5,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": 5},
            "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"kind": ["a"]}}'}]},
            "Tags": {"team": "core"}},
    "sqs-fifo": {"EventSourceArn": FIFO_ARN, "Enabled": False},
    "kinesis": {"EventSourceArn": STREAM_ARN, "StartingPosition": "AT_TIMESTAMP",
                "StartingPositionTimestamp": BEFORE, "ParallelizationFactor": 2,
                "DestinationConfig": {"OnFailure": {
                    "Destination": "arn:aws:sqs:us-east-1:123456789012:dlq"}},
                "BisectBatchOnFunctionError": True, "MaximumRetryAttempts": 3,
                "MaximumRecordAgeInSeconds": 3600, "TumblingWindowInSeconds": 60},
    "dynamodb": {"EventSourceArn": TABLE_STREAM_ARN, "StartingPosition": "TRIM_HORIZON"},
    "msk": {"EventSourceArn": MSK_ARN, "Topics": ["orders"], "StartingPosition": "LATEST",
            "AmazonManagedKafkaEventSourceConfig": {"ConsumerGroupId": "group-1"}},
    "kafka": {**SELF_MANAGED, "Topics": ["orders"], "StartingPosition": "TRIM_HORIZON",
              "SourceAccessConfigurations": BASIC_AUTH},
    "mq": {"EventSourceArn": MQ_ARN, "Queues": ["orders"],
           "SourceAccessConfigurations": BASIC_AUTH},
    "documentdb": {"EventSourceArn": DOCDB_ARN, "StartingPosition": "LATEST",
                   "DocumentDBEventSourceConfig": {"DatabaseName": "db", "CollectionName": "c",
                                                   "FullDocument": "UpdateLookup"}},
}


@functools.cache
def _own_lambda_model() -> Any:
    return botocore.session.Session().get_service_model("lambda")


def _botocore_parse(operation: str, response: Dict[str, Any], body: bytes) -> Dict[str, Any]:
    """What botocore makes of the bytes with a Lambda model loaded here, apart from the one
    mock_esm shares between clients."""
    metadata = response["ResponseMetadata"]
    model = _own_lambda_model()
    return parsers.create_parser("rest-json").parse(
        {"status_code": metadata["HTTPStatusCode"], "headers": metadata["HTTPHeaders"],
         "body": body}, model.operation_model(operation).output_shape)


@pytest.fixture
def recorded() -> Iterator[List[Any]]:
    """A client whose every answer is recorded with its raw bytes: (operation, parsed, body)."""
    calls: List[Any] = []

    def keep(http_response: Any, parsed: Any, model: Any, **kwargs: Any) -> None:
        calls.append((model.name, parsed, http_response.content))

    with mock_esm() as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        client.meta.events.register("after-call.lambda", keep)
        yield [client, calls, esm]


@pytest.mark.parametrize("kind", sorted(CREATES))
def test_every_operation_answers_exactly_what_botocore_parses_from_the_bytes(kind, recorded):
    client, calls, esm = recorded
    uuid = client.create_event_source_mapping(FunctionName="worker", **CREATES[kind])["UUID"]
    client.create_event_source_mapping(FunctionName="other", **CREATES[kind])
    client.get_event_source_mapping(UUID=uuid)
    client.list_event_source_mappings()
    client.list_event_source_mappings(MaxItems=1)
    esm.settle()  # Update and Delete wait for the mapping to leave Creating
    client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    esm.settle()
    client.delete_event_source_mapping(UUID=uuid)
    operations = {operation for operation, _, _ in calls}
    assert operations == set(interceptor.ESM_OPERATIONS)
    for operation, parsed, body in calls:
        assert identical(parsed, _botocore_parse(operation, parsed, body)), (operation, parsed)


def test_timestamps_come_back_as_botocore_makes_them(recorded):
    client, _, _ = recorded
    created = client.create_event_source_mapping(FunctionName="worker", **CREATES["kinesis"])
    got = client.get_event_source_mapping(UUID=created["UUID"])
    expected = parsers.DEFAULT_TIMESTAMP_PARSER(BEFORE)
    assert isinstance(got["LastModified"], datetime.datetime)
    assert got["StartingPositionTimestamp"] == expected
    assert repr(got["StartingPositionTimestamp"].tzinfo) == repr(expected.tzinfo)


def test_timestamps_follow_freezegun_datetime_class_in_and_out_of_a_freeze(recorded):
    freezegun = pytest.importorskip("freezegun")
    client, _, esm = recorded
    uuid = client.create_event_source_mapping(FunctionName="worker", **CREATES["sqs"])["UUID"]
    esm.settle()
    outside = client.get_event_source_mapping(UUID=uuid)["LastModified"]
    with freezegun.freeze_time("2030-01-01"):
        inside = client.get_event_source_mapping(UUID=uuid)["LastModified"]
        assert type(inside) is type(parsers.DEFAULT_TIMESTAMP_PARSER(1.0))
    again = client.get_event_source_mapping(UUID=uuid)["LastModified"]
    assert type(again) is type(outside) is datetime.datetime
    assert inside == outside == again


def test_each_answer_is_a_private_copy_with_its_own_request_id(recorded):
    client, _, _ = recorded
    uuid = client.create_event_source_mapping(FunctionName="worker",
                                              **CREATES["kinesis"])["UUID"]
    first = client.get_event_source_mapping(UUID=uuid)
    first["DestinationConfig"]["OnFailure"]["Destination"] = "mutated by the caller"
    first["FunctionResponseTypes"].append("mutated")
    listed = client.list_event_source_mappings()
    listed["EventSourceMappings"][0]["BatchSize"] = -1
    second = client.get_event_source_mapping(UUID=uuid)
    assert second["DestinationConfig"] == {"OnFailure": {
        "Destination": "arn:aws:sqs:us-east-1:123456789012:dlq"}}
    assert second["FunctionResponseTypes"] == []
    assert second["BatchSize"] == 100
    assert second["ResponseMetadata"]["RequestId"] != first["ResponseMetadata"]["RequestId"]
    assert (second["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
            == second["ResponseMetadata"]["RequestId"])


def test_a_changed_mapping_answers_its_new_settings():
    with mock_esm(transition_seconds=0):
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                  FunctionName="f")["UUID"]
        assert client.get_event_source_mapping(UUID=uuid)["BatchSize"] == 10
        client.update_event_source_mapping(UUID=uuid, BatchSize=3)
        assert client.get_event_source_mapping(UUID=uuid)["BatchSize"] == 3
        assert client.list_event_source_mappings()["EventSourceMappings"][0]["BatchSize"] == 3


@pytest.fixture
def time_zone(monkeypatch) -> Iterator[Any]:
    """Switch the process's time zone as TZ plus ``time.tzset()`` do, restoring it after."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")

    def switch(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield switch
    monkeypatch.undo()
    time.tzset()


def test_a_time_zone_change_is_followed_by_the_answers(recorded, time_zone):
    client, calls, esm = recorded
    uuid = client.create_event_source_mapping(FunctionName="worker", **CREATES["sqs"])["UUID"]
    esm.settle()
    seen = []
    for zone in ("UTC", "America/New_York", "Asia/Tokyo", "UTC"):
        time_zone(zone)
        got = client.get_event_source_mapping(UUID=uuid)
        body = calls[-1][2]
        assert identical(got, _botocore_parse("GetEventSourceMapping", got, body)), zone
        seen.append(got["LastModified"].utcoffset())
    assert seen[1] != seen[2] and seen[0] == seen[3]


# Instants whose milliseconds end in zeros, or have none, as well as a plain one: LastModified's
# text must be the one json.dumps writes for the value whatever the clock reads.
@pytest.mark.parametrize("instant", [1764977121.34, 1764977121.3, 1764977121.0, 1764977121.668])
def test_bodies_are_compact_ascii_json_as_json_dumps_writes_them(recorded, instant):
    client, calls, _ = recorded
    pattern = '{"body": {"city": ["Zürich"], "note": ["line\\nbreak"]}}'
    with unittest.mock.patch.object(time, "time", return_value=instant):
        client.create_event_source_mapping(
            FunctionName="worker", EventSourceArn=QUEUE_ARN,
            FilterCriteria={"Filters": [{"Pattern": pattern}]})
    body = calls[-1][2]
    assert json.loads(body)["LastModified"] == instant
    assert body == json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert b"Z\\u00fcrich" in body and body.isascii()


def test_mapping_uuids_and_request_ids_are_random_version_4_uuids(recorded):
    client, _, _ = recorded
    answers = [client.create_event_source_mapping(FunctionName="worker",
                                                  EventSourceArn=f"{QUEUE_ARN}-{i}")
               for i in range(20)]
    for key in ("UUID", "RequestId"):
        values = [a["UUID"] if key == "UUID" else a["ResponseMetadata"]["RequestId"]
                  for a in answers]
        parsed = [uuid.UUID(value) for value in values]
        assert [str(u) for u in parsed] == values  # canonical lower-case 36-character form
        assert {u.version for u in parsed} == {4}
        assert len(set(values)) == len(values)
    for answer in answers:
        assert answer["EventSourceMappingArn"].endswith(":event-source-mapping:" + answer["UUID"])


def test_request_ids_neither_follow_nor_disturb_the_callers_random_sequence():
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        random.seed(7)
        expected = [random.random() for _ in range(3)]
        random.seed(7)
        first = client.list_event_source_mappings()["ResponseMetadata"]["RequestId"]
        drawn = [random.random() for _ in range(3)]
        random.seed(7)
        second = client.list_event_source_mappings()["ResponseMetadata"]["RequestId"]
    assert drawn == expected
    assert first != second


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_answers_with_request_ids_of_its_own():
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        client.list_event_source_mappings()
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            try:
                answer = client.list_event_source_mappings()["ResponseMetadata"]["RequestId"]
                os.write(write_end, answer.encode())
            finally:
                os._exit(0)
        os.close(write_end)
        parent = client.list_event_source_mappings()["ResponseMetadata"]["RequestId"]
        os.waitpid(child, 0)
        with os.fdopen(read_end, "rb") as pipe:
            in_child = pipe.read().decode()
    assert uuid.UUID(in_child).version == 4
    assert in_child != parent
