"""Kinesis and DynamoDB streams: every rule's accept and reject side, through boto3."""

from __future__ import annotations

import datetime
from typing import Any, Dict

import pytest

from mock_esm import mock_esm

from .conftest import QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN, freeze_time
from .rules_support import (
    IPV,
    MINIMAL,
    VALIDATION,
    assert_answer,
    body,
    check_create,
    ids,
    table,
    too_big,
    unsupported,
)

NULL_POSITION = (IPV, "1 validation error detected: Value null at 'startingPosition' failed to "
                      "satisfy constraint: Member must not be null.")
BAD_POSITION = (VALIDATION, "1 validation error detected: Value 'invalid' at 'startingPosition' "
                            "failed to satisfy constraint: Member must satisfy enum value set: "
                            "[LATEST, AT_TIMESTAMP, TRIM_HORIZON]")
NEED_TIMESTAMP = (IPV, "Need to specify a timestamp")
RECORD_AGE = (IPV, "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and "
                   "604800 (inclusive)")
NO_DESTINATION = (IPV, "Unsupported DestinationConfig parameter for given event source mapping "
                       "type.")
TIMESTAMP_ALONE = (IPV, "StartingPositionTimestamp is only valid when StartingPosition is "
                        "AT_TIMESTAMP.")
WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
LATEST: Dict[str, Any] = {"StartingPosition": "LATEST"}

# Rules Kinesis and DynamoDB streams share.
STREAM_CASES = [
    ("latest", LATEST, None),
    ("trim-horizon", {"StartingPosition": "TRIM_HORIZON"}, None),
    ("no-starting-position", {}, NULL_POSITION),
    ("starting-position-not-in-enum", {"StartingPosition": "invalid"}, BAD_POSITION),
    ("batch-10000-without-window", {**LATEST, "BatchSize": 10000}, None),
    ("batch-over-10000", {**LATEST, "BatchSize": 10001}, too_big("batchSize", 10001, 10000)),
    ("window-300", {**LATEST, "MaximumBatchingWindowInSeconds": 300}, None),
    ("window-over-300", {**LATEST, "MaximumBatchingWindowInSeconds": 301},
     too_big("maximumBatchingWindowInSeconds", 301, 300)),
    ("parallelization-10", {**LATEST, "ParallelizationFactor": 10}, None),
    ("parallelization-11", {**LATEST, "ParallelizationFactor": 11},
     too_big("parallelizationFactor", 11, 10)),
    ("retries-forever", {**LATEST, "MaximumRetryAttempts": -1}, None),
    ("retries-0", {**LATEST, "MaximumRetryAttempts": 0}, None),
    ("retries-10000", {**LATEST, "MaximumRetryAttempts": 10000}, None),
    ("retries-10001", {**LATEST, "MaximumRetryAttempts": 10001},
     too_big("maximumRetryAttempts", 10001, 10000)),
    ("record-age-forever", {**LATEST, "MaximumRecordAgeInSeconds": -1}, None),
    ("record-age-60", {**LATEST, "MaximumRecordAgeInSeconds": 60}, None),
    ("record-age-604800", {**LATEST, "MaximumRecordAgeInSeconds": 604800}, None),
    ("record-age-0", {**LATEST, "MaximumRecordAgeInSeconds": 0}, RECORD_AGE),
    ("record-age-59", {**LATEST, "MaximumRecordAgeInSeconds": 59}, RECORD_AGE),
    ("record-age-604801", {**LATEST, "MaximumRecordAgeInSeconds": 604801},
     too_big("maximumRecordAgeInSeconds", 604801, 604800)),
    ("tumbling-off", {**LATEST, "TumblingWindowInSeconds": 0}, None),
    ("tumbling-900", {**LATEST, "TumblingWindowInSeconds": 900}, None),
    ("tumbling-901", {**LATEST, "TumblingWindowInSeconds": 901},
     too_big("tumblingWindowInSeconds", 901, 900)),
    ("bisect", {**LATEST, "BisectBatchOnFunctionError": True}, None),
    ("on-failure", {**LATEST, "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}},
     None),
    ("on-success", {**LATEST, "DestinationConfig": {"OnSuccess": {"Destination": QUEUE_ARN}}},
     NO_DESTINATION),
    ("report-batch-item-failures",
     {**LATEST, "FunctionResponseTypes": ["ReportBatchItemFailures"]}, None),
    ("filter", {**LATEST, "FilterCriteria": {"Filters": [
        {"Pattern": '{"dynamodb": {"Keys": {"id": {"S": [{"prefix": "a"}]}}}}'}]}}, None),
    ("bad-filter", {**LATEST, "FilterCriteria": {"Filters": [{"Pattern": '{"a": 1}'}]}},
     (IPV, "Invalid filter pattern definition.")),
    ("scaling-config", {**LATEST, "ScalingConfig": {"MaximumConcurrency": 2}},
     unsupported("scalingConfig")),
    ("queues", {**LATEST, "Queues": ["q"]}, unsupported("queues")),
    ("provisioned-pollers", {**LATEST, "ProvisionedPollerConfig": {"MinimumPollers": 1}},
     unsupported("provisionedPollerConfig")),
    ("timestamp-with-latest", {**LATEST, "StartingPositionTimestamp": WHEN}, TIMESTAMP_ALONE),
]

KINESIS_CASES = [
    *STREAM_CASES,
    ("at-timestamp", {"StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": WHEN},
     None),
    ("at-timestamp-without-timestamp", {"StartingPosition": "AT_TIMESTAMP"}, NEED_TIMESTAMP),
]
DYNAMODB_CASES = [
    *STREAM_CASES,
    ("at-timestamp", {"StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": WHEN},
     (IPV, f"Unsupported starting position for arn type: {TABLE_STREAM_ARN}")),
    ("at-timestamp-without-timestamp", {"StartingPosition": "AT_TIMESTAMP"},
     (IPV, f"Unsupported starting position for arn type: {TABLE_STREAM_ARN}")),
]


@pytest.mark.parametrize(("source", "change", "expected"),
                         table(kinesis=KINESIS_CASES, dynamodb=DYNAMODB_CASES))
@mock_esm
def test_stream_create_rules(client, source, change, expected):
    check_create(client, {"kinesis": {"EventSourceArn": STREAM_ARN},
                          "dynamodb": {"EventSourceArn": TABLE_STREAM_ARN}}[source],
                 change, expected)


UPDATE_CASES = [
    ("record-age-30", {"MaximumRecordAgeInSeconds": 30}, RECORD_AGE),
    ("record-age-120", {"MaximumRecordAgeInSeconds": 120}, None),
    ("tumbling-off-again", {"TumblingWindowInSeconds": 0}, None),
    ("parallelization-11", {"ParallelizationFactor": 11},
     too_big("parallelizationFactor", 11, 10)),
    ("on-success", {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE_ARN}}},
     NO_DESTINATION),
    ("scaling-config", {"ScalingConfig": {"MaximumConcurrency": 5}},
     unsupported("scalingConfig")),
    ("batch-500-without-window", {"BatchSize": 500}, None),
]


@pytest.mark.parametrize("source", [STREAM_ARN, TABLE_STREAM_ARN], ids=["kinesis", "dynamodb"])
@pytest.mark.parametrize(("name", "request_", "expected"), UPDATE_CASES, ids=ids(UPDATE_CASES))
@mock_esm(transition_seconds=0)
def test_stream_update_rules_judge_the_merged_settings(client, source, name, request_,
                                                       expected):
    uuid = client.create_event_source_mapping(
        EventSourceArn=source, FunctionName="worker", StartingPosition="LATEST",
        TumblingWindowInSeconds=60)["UUID"]
    before = body(client.get_event_source_mapping(UUID=uuid))
    assert_answer(client.update_event_source_mapping, expected, UUID=uuid, **request_)
    after = body(client.get_event_source_mapping(UUID=uuid))
    if expected is not None:
        assert after == before  # a refused update changes nothing
    else:
        assert {k: after[k] for k in request_} == request_


@mock_esm
def test_at_timestamp_is_echoed_on_create_get_and_list(client):
    created = client.create_event_source_mapping(
        EventSourceArn=STREAM_ARN, FunctionName="worker", StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=WHEN)
    fetched = client.get_event_source_mapping(UUID=created["UUID"])
    [listed] = client.list_event_source_mappings()["EventSourceMappings"]
    for view in (created, fetched, listed):
        assert view["StartingPosition"] == "AT_TIMESTAMP"
        assert view["StartingPositionTimestamp"] == WHEN


@pytest.mark.parametrize("source", [STREAM_ARN, MINIMAL["msk"]["EventSourceArn"]],
                         ids=["kinesis", "msk"])
def test_starting_position_timestamp_cannot_be_in_the_future(client, source):
    extra = {"Topics": ["orders"]} if ":kafka:" in source else {}
    with freeze_time("2024-01-02 03:04:05"), mock_esm():
        assert_answer(client.create_event_source_mapping, None, EventSourceArn=source,
                      FunctionName="now", StartingPosition="AT_TIMESTAMP",
                      StartingPositionTimestamp=WHEN, **extra)
        later = WHEN + datetime.timedelta(seconds=1)
        assert_answer(client.create_event_source_mapping,
                      (IPV, f"StartingPositionTimestamp ({later.isoformat()}) cannot be in the "
                            "future; use a time at or before now, or StartingPosition LATEST."),
                      EventSourceArn=source, FunctionName="later",
                      StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=later, **extra)
