"""SQS standard and FIFO queues: every rule's accept and reject side, through boto3."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

from mock_esm import mock_esm

from .conftest import FIFO_ARN, QUEUE_ARN
from .rules_support import (
    IPV,
    VALIDATION,
    assert_answer,
    body,
    check_create,
    ids,
    pattern_error,
    table,
    too_big,
    unsupported,
)

WINDOW_REQUIRED = (IPV, "Maximum batch window in seconds must be greater than 0 if maximum batch "
                        "size is greater than 10")
NO_POSITION = (IPV, "StartingPosition is not valid for SQS event sources.")
NO_DESTINATION = (IPV, "Unsupported DestinationConfig parameter for given event source mapping "
                       "type.")
FIFO_WINDOW = (IPV, "Batching window is not supported for FIFO queues")
FIFO_BATCH = (IPV, "Maximum batch size must be between 1 and 10 inclusive")
BAD_FILTER = (IPV, "Invalid filter pattern definition.")


def _filters(*patterns: Any) -> Dict[str, Any]:
    return {"Filters": [{"Pattern": p if isinstance(p, str) else json.dumps(p)}
                        for p in patterns]}


SQS_CASES = [
    ("defaults", {}, None),
    ("batch-10-without-window", {"BatchSize": 10}, None),
    ("batch-11-with-window-1", {"BatchSize": 11, "MaximumBatchingWindowInSeconds": 1}, None),
    ("batch-and-window-at-maximum",
     {"BatchSize": 10000, "MaximumBatchingWindowInSeconds": 300}, None),
    ("batch-11-without-window", {"BatchSize": 11}, WINDOW_REQUIRED),
    ("batch-11-window-0", {"BatchSize": 11, "MaximumBatchingWindowInSeconds": 0},
     WINDOW_REQUIRED),
    ("batch-over-10000", {"BatchSize": 10001, "MaximumBatchingWindowInSeconds": 1},
     too_big("batchSize", 10001, 10000)),
    ("window-over-300", {"MaximumBatchingWindowInSeconds": 301},
     too_big("maximumBatchingWindowInSeconds", 301, 300)),
    ("starting-position", {"StartingPosition": "LATEST"}, NO_POSITION),
    ("starting-position-not-in-enum", {"StartingPosition": "EARLIEST"},
     (VALIDATION, "1 validation error detected: Value 'EARLIEST' at 'startingPosition' failed "
                  "to satisfy constraint: Member must satisfy enum value set: [LATEST, "
                  "AT_TIMESTAMP, TRIM_HORIZON]")),
    ("parallelization", {"ParallelizationFactor": 2}, unsupported("parallelizationFactor")),
    ("bisect", {"BisectBatchOnFunctionError": True}, unsupported("bisectBatchOnFunctionError")),
    ("bisect-false", {"BisectBatchOnFunctionError": False},
     unsupported("bisectBatchOnFunctionError")),
    ("retries", {"MaximumRetryAttempts": 3}, unsupported("maximumRetryAttempts")),
    ("record-age", {"MaximumRecordAgeInSeconds": 60}, unsupported("maximumRecordAgeInSeconds")),
    ("tumbling", {"TumblingWindowInSeconds": 60}, unsupported("tumblingWindowInSeconds")),
    ("on-failure", {"DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}},
     NO_DESTINATION),
    ("on-success", {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE_ARN}}},
     NO_DESTINATION),
    ("topics", {"Topics": ["orders"]}, unsupported("topics")),
    ("logging", {"LoggingConfig": {"SystemLogLevel": "INFO"}}, unsupported("loggingConfig")),
    ("report-batch-item-failures", {"FunctionResponseTypes": ["ReportBatchItemFailures"]}, None),
    ("response-type-not-in-enum", {"FunctionResponseTypes": ["ReportEverything"]},
     (VALIDATION, "1 validation error detected: Value 'ReportEverything' at "
                  "'functionResponseTypes.1.member' failed to satisfy constraint: Member must "
                  "satisfy enum value set: [ReportBatchItemFailures]")),
    ("max-concurrency-2", {"ScalingConfig": {"MaximumConcurrency": 2}}, None),
    ("max-concurrency-1000", {"ScalingConfig": {"MaximumConcurrency": 1000}}, None),
    ("max-concurrency-1001", {"ScalingConfig": {"MaximumConcurrency": 1001}},
     too_big("scalingConfig.maximumConcurrency", 1001, 1000)),
    ("one-filter", {"FilterCriteria": _filters({"body": {"kind": ["order"]}})}, None),
    ("five-filters", {"FilterCriteria": _filters(*({"body": {"n": [i]}} for i in range(5)))},
     None),
    ("six-filters", {"FilterCriteria": _filters(*({"body": {"n": [i]}} for i in range(6)))},
     (IPV, "FilterCriteria can contain at most 5 filters, but 6 were given. Combine patterns "
           "or request a quota increase.")),
    ("filter-null", {"FilterCriteria": _filters("null")}, BAD_FILTER),
    ("filter-string", {"FilterCriteria": _filters("simple string")}, BAD_FILTER),
    ("filter-non-array-leaf", {"FilterCriteria": _filters({"eventSource": "aws:sqs"})},
     BAD_FILTER),
    ("filter-empty-array", {"FilterCriteria": _filters({"eventSource": []})}, BAD_FILTER),
    ("filter-malformed-json", {"FilterCriteria": _filters('{"a": [1')}, BAD_FILTER),
    ("filter-without-pattern", {"FilterCriteria": {"Filters": [{}]}}, BAD_FILTER),
    ("second-filter-bad", {"FilterCriteria": _filters({"a": [1]}, {"b": "x"})}, BAD_FILTER),
    ("metrics", {"MetricsConfig": {"Metrics": ["EventCount", "ErrorCount"]}}, None),
    ("kafka-metrics", {"MetricsConfig": {"Metrics": ["KafkaMetrics"]}},
     (IPV, "MetricsConfig metric 'KafkaMetrics' is only valid for Amazon MSK and self-managed "
           "Apache Kafka event sources.")),
    ("pollers", {"ProvisionedPollerConfig": {"MinimumPollers": 2, "MaximumPollers": 20}}, None),
    ("pollers-min-over-max",
     {"ProvisionedPollerConfig": {"MinimumPollers": 5, "MaximumPollers": 4}},
     (IPV, "ProvisionedPollerConfig.MinimumPollers (5) must be less than or equal to "
           "ProvisionedPollerConfig.MaximumPollers (4).")),
    ("kms-key", {"KMSKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}, None),
    ("kms-key-not-an-arn", {"KMSKeyArn": "my-key"},
     pattern_error("kMSKeyArn", "my-key", "KMSKeyArn")),
    ("two-violations", {"BatchSize": 10001, "MaximumBatchingWindowInSeconds": 301},
     (VALIDATION, "2 validation errors detected: Value '10001' at 'batchSize' failed to "
                  "satisfy constraint: Member must have value less than or equal to 10000; "
                  "Value '301' at 'maximumBatchingWindowInSeconds' failed to satisfy "
                  "constraint: Member must have value less than or equal to 300")),
]

FIFO_CASES = [
    ("defaults", {}, None),
    ("batch-10", {"BatchSize": 10}, None),
    ("window-0-is-the-default", {"MaximumBatchingWindowInSeconds": 0}, None),
    ("batch-11", {"BatchSize": 11}, FIFO_BATCH),
    ("window-1", {"MaximumBatchingWindowInSeconds": 1}, FIFO_WINDOW),
    ("batch-11-window-1", {"BatchSize": 11, "MaximumBatchingWindowInSeconds": 1}, FIFO_WINDOW),
    ("starting-position", {"StartingPosition": "TRIM_HORIZON"}, NO_POSITION),
    ("report-batch-item-failures", {"FunctionResponseTypes": ["ReportBatchItemFailures"]}, None),
    ("max-concurrency", {"ScalingConfig": {"MaximumConcurrency": 5}}, None),
    ("retries", {"MaximumRetryAttempts": 1}, unsupported("maximumRetryAttempts")),
    ("bad-filter", {"FilterCriteria": _filters({"a": "b"})}, BAD_FILTER),
]


@pytest.mark.parametrize(("source", "change", "expected"), table(sqs=SQS_CASES, fifo=FIFO_CASES))
@mock_esm
def test_queue_create_rules(client, source, change, expected):
    check_create(client, {"sqs": {"EventSourceArn": QUEUE_ARN},
                          "fifo": {"EventSourceArn": FIFO_ARN}}[source], change, expected)


@mock_esm
def test_empty_filter_list_is_accepted_and_not_echoed(client):
    created = client.create_event_source_mapping(
        EventSourceArn=QUEUE_ARN, FunctionName="worker", FilterCriteria={"Filters": []})
    assert "FilterCriteria" not in created
    fetched = client.get_event_source_mapping(UUID=created["UUID"])
    assert "FilterCriteria" not in fetched


UPDATE_CASES = [
    ("batch-50-without-window", {"BatchSize": 50}, WINDOW_REQUIRED),
    ("batch-50-with-window", {"BatchSize": 50, "MaximumBatchingWindowInSeconds": 2}, None),
    ("parallelization", {"ParallelizationFactor": 2}, unsupported("parallelizationFactor")),
    ("on-failure", {"DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}},
     NO_DESTINATION),
    ("bad-filter", {"FilterCriteria": _filters("null")}, BAD_FILTER),
    ("batch-over-10000", {"BatchSize": 10001}, too_big("batchSize", 10001, 10000)),
    ("max-concurrency", {"ScalingConfig": {"MaximumConcurrency": 10}}, None),
]


@pytest.mark.parametrize(("name", "request_", "expected"), UPDATE_CASES, ids=ids(UPDATE_CASES))
@mock_esm(transition_seconds=0)
def test_sqs_update_rules_judge_the_merged_settings(client, name, request_, expected):
    uuid = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                     FunctionName="worker")["UUID"]
    before = body(client.get_event_source_mapping(UUID=uuid))
    response = assert_answer(client.update_event_source_mapping, expected, UUID=uuid,
                             **request_)
    after = body(client.get_event_source_mapping(UUID=uuid))
    if expected is not None:
        assert after == before  # a refused update changes nothing
    else:
        assert response is not None
        assert {k: after[k] for k in request_} == request_


@mock_esm(transition_seconds=0)
def test_sqs_update_clearing_the_window_under_a_big_batch_is_refused(client):
    uuid = client.create_event_source_mapping(
        EventSourceArn=QUEUE_ARN, FunctionName="worker", BatchSize=100,
        MaximumBatchingWindowInSeconds=5)["UUID"]
    assert_answer(client.update_event_source_mapping, WINDOW_REQUIRED, UUID=uuid,
                  MaximumBatchingWindowInSeconds=0)


@mock_esm(transition_seconds=0)
def test_fifo_update_rules(client):
    uuid = client.create_event_source_mapping(EventSourceArn=FIFO_ARN,
                                                     FunctionName="worker")["UUID"]
    assert_answer(client.update_event_source_mapping, FIFO_WINDOW, UUID=uuid,
                  MaximumBatchingWindowInSeconds=3)
    assert_answer(client.update_event_source_mapping, FIFO_BATCH, UUID=uuid, BatchSize=20)
    updated = assert_answer(client.update_event_source_mapping, None, UUID=uuid,
                            BatchSize=5)
    assert updated is not None and updated["BatchSize"] == 5


@mock_esm(transition_seconds=0)
def test_update_with_empty_filters_removes_the_criteria(client):
    uuid = client.create_event_source_mapping(
        EventSourceArn=QUEUE_ARN, FunctionName="worker",
        FilterCriteria=_filters({"body": {"a": [1]}}))["UUID"]
    assert "FilterCriteria" in client.get_event_source_mapping(UUID=uuid)
    updated = client.update_event_source_mapping(UUID=uuid,
                                                        FilterCriteria={"Filters": []})
    assert "FilterCriteria" not in updated
    assert "FilterCriteria" not in client.get_event_source_mapping(UUID=uuid)
