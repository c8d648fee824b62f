"""Amazon MQ and DocumentDB: every rule's accept and reject side, and round trips, via boto3."""

from __future__ import annotations

import datetime
from typing import Any, Dict

import pytest

from mock_esm import mock_esm

from .conftest import QUEUE_ARN
from .rules_support import (
    BASIC_AUTH,
    DOCDB_ARN,
    IPV,
    MINIMAL,
    SECRET,
    VALIDATION,
    assert_answer,
    body,
    check_create,
    null_member,
    pattern_error,
    table,
    too_big,
    unsupported,
)

WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
MQ_BASE = MINIMAL["mq"]
DOCDB_CONFIG = {"DatabaseName": "shop", "CollectionName": "orders",
                "FullDocument": "UpdateLookup"}
DOCDB_BASE: Dict[str, Any] = {"EventSourceArn": DOCDB_ARN, "StartingPosition": "LATEST",
                              "DocumentDBEventSourceConfig": DOCDB_CONFIG,
                              "SourceAccessConfigurations": BASIC_AUTH}

MQ_CASES = [
    ("minimal", {}, None),
    ("rabbitmq-virtual-host", {"SourceAccessConfigurations": [
        *BASIC_AUTH, {"Type": "VIRTUAL_HOST", "URI": "/orders"}]}, None),
    ("no-queues", {"Queues": None}, null_member("queues")),
    ("two-queues", {"Queues": ["a", "b"]},
     (VALIDATION, "1 validation error detected: Value '[a, b]' at 'queues' failed to satisfy "
                  "constraint: Member must have length less than or equal to 1")),
    ("no-access-configurations", {"SourceAccessConfigurations": None},
     (IPV, "Required 'sourceAccessConfigurations' parameter is missing.")),
    ("vpc-access-only", {"SourceAccessConfigurations": [
        {"Type": "VPC_SUBNET", "URI": "subnet:subnet-0123"}]},
     (IPV, "SourceAccessConfigurations type 'VPC_SUBNET' is not valid for this event source "
           "mapping type. Valid types: [BASIC_AUTH, VIRTUAL_HOST].")),
    ("starting-position", {"StartingPosition": "LATEST"}, unsupported("startingPosition")),
    ("batch-10000-window-300", {"BatchSize": 10000, "MaximumBatchingWindowInSeconds": 300},
     None),
    ("batch-10001", {"BatchSize": 10001}, too_big("batchSize", 10001, 10000)),
    ("filter", {"FilterCriteria": {"Filters": [{"Pattern": '{"data": {"a": [1]}}'}]}}, None),
    ("bad-filter", {"FilterCriteria": {"Filters": [{"Pattern": '{"a": 1}'}]}},
     (IPV, "Invalid filter pattern definition.")),
    ("topics", {"Topics": ["orders"]}, unsupported("topics")),
    ("retries", {"MaximumRetryAttempts": 2}, unsupported("maximumRetryAttempts")),
    ("on-failure", {"DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}},
     (IPV, "Unsupported DestinationConfig parameter for given event source mapping type.")),
    ("report-batch-item-failures", {"FunctionResponseTypes": ["ReportBatchItemFailures"]},
     unsupported("functionResponseTypes")),
    ("empty-response-types", {"FunctionResponseTypes": []}, None),
    ("scaling-config", {"ScalingConfig": {"MaximumConcurrency": 5}},
     unsupported("scalingConfig")),
    ("metrics", {"MetricsConfig": {"Metrics": ["EventCount"]}}, unsupported("metricsConfig")),
]

DOCDB_CASES = [
    ("minimal", {}, None),
    ("database-only", {"DocumentDBEventSourceConfig": {"DatabaseName": "shop"}}, None),
    ("no-config", {"DocumentDBEventSourceConfig": None},
     null_member("documentDBEventSourceConfig.databaseName")),
    ("no-database", {"DocumentDBEventSourceConfig": {"CollectionName": "orders"}},
     null_member("documentDBEventSourceConfig.databaseName")),
    ("full-document-enum", {"DocumentDBEventSourceConfig": {"DatabaseName": "shop",
                                                            "FullDocument": "Always"}},
     (VALIDATION, "1 validation error detected: Value 'Always' at "
                  "'documentDBEventSourceConfig.fullDocument' failed to satisfy constraint: "
                  "Member must satisfy enum value set: [UpdateLookup, Default]")),
    ("system-collection", {"DocumentDBEventSourceConfig": {"DatabaseName": "shop",
                                                           "CollectionName": "system.users"}},
     pattern_error("documentDBEventSourceConfig.collectionName", "system.users",
                   "CollectionName")),
    ("no-starting-position", {"StartingPosition": None}, null_member("startingPosition")),
    ("at-timestamp", {"StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": WHEN},
     None),
    ("no-access-configurations", {"SourceAccessConfigurations": None}, None),
    ("scram-access", {"SourceAccessConfigurations": [
        {"Type": "SASL_SCRAM_512_AUTH", "URI": SECRET}]},
     (IPV, "SourceAccessConfigurations type 'SASL_SCRAM_512_AUTH' is not valid for this event "
           "source mapping type. Valid types: [BASIC_AUTH].")),
    ("filter", {"FilterCriteria": {"Filters": [{"Pattern": '{"event": {"a": [1]}}'}]}},
     unsupported("filterCriteria")),
    ("empty-filter-list", {"FilterCriteria": {"Filters": []}}, None),
    ("batch-10000-window-300", {"BatchSize": 10000, "MaximumBatchingWindowInSeconds": 300},
     None),
    ("parallelization", {"ParallelizationFactor": 2}, unsupported("parallelizationFactor")),
    ("queues", {"Queues": ["q"]}, unsupported("queues")),
    ("report-batch-item-failures", {"FunctionResponseTypes": ["ReportBatchItemFailures"]},
     unsupported("functionResponseTypes")),
]


@pytest.mark.parametrize(("source", "change", "expected"),
                         table(mq=MQ_CASES, documentdb=DOCDB_CASES))
@mock_esm
def test_broker_create_rules(client, source, change, expected):
    check_create(client, {"mq": MQ_BASE, "documentdb": DOCDB_BASE}[source], change, expected)


MQ_KEYS = {"BatchSize", "EventSourceArn", "EventSourceMappingArn", "FunctionArn",
           "LastModified", "LastProcessingResult", "Queues", "SourceAccessConfigurations",
           "State", "StateTransitionReason", "UUID"}
DOCDB_KEYS = {"BatchSize", "DocumentDBEventSourceConfig", "EventSourceArn",
              "EventSourceMappingArn", "FunctionArn", "LastModified", "LastProcessingResult",
              "SourceAccessConfigurations", "StartingPosition", "State",
              "StateTransitionReason", "UUID"}


@pytest.mark.parametrize(("base", "keys", "update"), [
    (MQ_BASE, MQ_KEYS, {"BatchSize": 50, "SourceAccessConfigurations": [
        *BASIC_AUTH, {"Type": "VIRTUAL_HOST", "URI": "/v2"}]}),
    (DOCDB_BASE, DOCDB_KEYS, {"BatchSize": 500, "DocumentDBEventSourceConfig": {
        "DatabaseName": "shop", "FullDocument": "Default"}}),
], ids=["mq", "documentdb"])
@mock_esm(transition_seconds=0)
def test_round_trip_create_get_update_list(client, base, keys, update):
    created = client.create_event_source_mapping(FunctionName="worker", **base)
    assert set(body(created)) == keys
    assert (created["BatchSize"], created["StateTransitionReason"]) == (100, "USER_INITIATED")
    fetched = client.get_event_source_mapping(UUID=created["UUID"])
    assert body(fetched) == {**body(created), "State": "Enabled",
                             "LastModified": fetched["LastModified"]}
    updated = client.update_event_source_mapping(UUID=created["UUID"], **update)
    assert set(body(updated)) == keys
    assert {k: updated[k] for k in update} == update
    [listed] = client.list_event_source_mappings(
        EventSourceArn=base["EventSourceArn"])["EventSourceMappings"]
    assert listed == body(client.get_event_source_mapping(UUID=created["UUID"]))


@mock_esm(transition_seconds=0)
def test_update_rules_judge_the_merged_settings(client):
    mq = client.create_event_source_mapping(FunctionName="worker", **MQ_BASE)["UUID"]
    docdb = client.create_event_source_mapping(FunctionName="worker", **DOCDB_BASE)["UUID"]
    for uuid, change, expected in [
        (mq, {"SourceAccessConfigurations": []},
         (IPV, "Required 'sourceAccessConfigurations' parameter is missing.")),
        (mq, {"SourceAccessConfigurations": [{"Type": "VIRTUAL_HOST", "URI": "/v"},
                                             {"Type": "BASIC_AUTH", "URI": SECRET}]}, None),
        (docdb, {"FilterCriteria": {"Filters": [{"Pattern": '{"a": [1]}'}]}},
         unsupported("filterCriteria")),
        (docdb, {"DocumentDBEventSourceConfig": {"CollectionName": "c"}},
         null_member("documentDBEventSourceConfig.databaseName")),
    ]:
        before = body(client.get_event_source_mapping(UUID=uuid))
        assert_answer(client.update_event_source_mapping, expected, UUID=uuid, **change)
        if expected is not None:
            assert body(client.get_event_source_mapping(UUID=uuid)) == before
