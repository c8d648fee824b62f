"""Self-managed Apache Kafka and Amazon MSK: every rule's accept and reject side, via boto3."""

from __future__ import annotations

import datetime
from typing import Any, Dict

import pytest

from mock_esm import mock_esm

from .conftest import QUEUE_ARN
from .rules_support import (
    BASIC_AUTH,
    IPV,
    MINIMAL,
    MSK_ARN,
    SECRET,
    SELF_MANAGED,
    SERVERS,
    VALIDATION,
    Expected,
    assert_answer,
    body,
    check_create,
    enum_error,
    merged,
    model_max,
    null_member,
    outcome,
    pattern_error,
    table,
    too_big,
    unsupported,
)

WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
ACCESS_MISSING = (IPV, "Required 'sourceAccessConfigurations' parameter is missing.")
MSK_TYPES = ("BASIC_AUTH, CLIENT_CERTIFICATE_TLS_AUTH, SASL_SCRAM_256_AUTH, "
             "SASL_SCRAM_512_AUTH, SERVER_ROOT_CA_CERTIFICATE, VPC_SECURITY_GROUP, VPC_SUBNET")
SELF_MANAGED_TYPES = ("BASIC_AUTH, CLIENT_CERTIFICATE_TLS_AUTH, IAM_AUTH, IAM_OAUTHBEARER_AUTH, "
                      "OAUTHBEARER_AUDIENCE, OAUTHBEARER_AUTH, OAUTHBEARER_IDENTITY_POOL, "
                      "OAUTHBEARER_LOGICAL_CLUSTER, OAUTHBEARER_SCOPE, SASL_SCRAM_256_AUTH, "
                      "SASL_SCRAM_512_AUTH, SERVER_ROOT_CA_CERTIFICATE, VPC_SECURITY_GROUP, "
                      "VPC_SUBNET")
VPC_ONLY = [{"Type": "VPC_SUBNET", "URI": "subnet:subnet-0123456789abcdef0"},
            {"Type": "VPC_SECURITY_GROUP", "URI": "security_group:sg-0123456789abcdef0"}]
# The smallest request each Kafka source accepts.
SELF_BASE = MINIMAL["kafka"]
MSK_BASE = MINIMAL["msk"]


# Rules both Kafka sources share: (id, change to the base request, expected).
SHARED = [
    ("minimal", {}, None),
    ("no-topics", {"Topics": None}, null_member("topics")),
    # Defaults to TRIM_HORIZON (tests/test_recorded_brokers.py).
    ("no-starting-position", {"StartingPosition": None}, None),
    ("two-topics", {"Topics": ["a1", "b2"]},
     (VALIDATION, "1 validation error detected: Value '[a1, b2]' at 'topics' failed to satisfy "
                  "constraint: Member must have length less than or equal to 1")),
    ("topic-pattern", {"Topics": ["bad topic"]},
     pattern_error("topics.1.member", "bad topic", "Topic")),
    ("at-timestamp", {"StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": WHEN},
     None),
    ("at-timestamp-without-timestamp", {"StartingPosition": "AT_TIMESTAMP"},
     (IPV, "Need to specify a timestamp")),
    ("batch-10000", {"BatchSize": 10000}, None),
    ("batch-10001", {"BatchSize": 10001}, too_big("batchSize", 10001, 10000)),
    ("window-0", {"MaximumBatchingWindowInSeconds": 0}, None),
    ("window-300", {"MaximumBatchingWindowInSeconds": 300}, None),
    ("window-301", {"MaximumBatchingWindowInSeconds": 301},
     too_big("maximumBatchingWindowInSeconds", 301, 300)),
    ("vpc-only-access", {"SourceAccessConfigurations": VPC_ONLY}, None),
    ("scram-512", {"SourceAccessConfigurations": [
        {"Type": "SASL_SCRAM_512_AUTH", "URI": SECRET}]}, None),
    ("mtls", {"SourceAccessConfigurations": [
        {"Type": "CLIENT_CERTIFICATE_TLS_AUTH", "URI": SECRET},
        {"Type": "SERVER_ROOT_CA_CERTIFICATE", "URI": SECRET}]}, None),
    ("unknown-access-type", {"SourceAccessConfigurations": [{"Type": "IAM", "URI": SECRET}]},
     enum_error("sourceAccessConfigurations.1.member.type", "IAM", "SourceAccessType")),
    ("on-failure", {"DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}, None),
    ("on-success", {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE_ARN}}},
     (IPV, "Unsupported DestinationConfig parameter for given event source mapping type.")),
    ("retries-and-age", {"MaximumRetryAttempts": 3, "MaximumRecordAgeInSeconds": 600,
                         "BisectBatchOnFunctionError": True}, None),
    ("record-age-30", {"MaximumRecordAgeInSeconds": 30},
     (IPV, "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 "
           "(inclusive)")),
    ("report-batch-item-failures", {"FunctionResponseTypes": ["ReportBatchItemFailures"]}, None),
    ("filter", {"FilterCriteria": {"Filters": [{"Pattern": '{"value": {"a": [1]}}'}]}}, None),
    ("bad-filter", {"FilterCriteria": {"Filters": [{"Pattern": "null"}]}},
     (IPV, "Invalid filter pattern definition.")),
    ("kafka-metrics", {"MetricsConfig": {"Metrics": ["KafkaMetrics", "EventCount"]}}, None),
    ("logging", {"LoggingConfig": {"SystemLogLevel": "WARN"}}, None),
    ("logging-level", {"LoggingConfig": {"SystemLogLevel": "TRACE"}},
     (VALIDATION, "1 validation error detected: Value 'TRACE' at 'loggingConfig.systemLogLevel' "
                  "failed to satisfy constraint: Member must satisfy enum value set: [DEBUG, "
                  "INFO, WARN]")),
    ("pollers", {"ProvisionedPollerConfig": {"MinimumPollers": 1, "MaximumPollers": 2000}},
     None),
    ("pollers-over-max", {"ProvisionedPollerConfig": {"MaximumPollers": 10001}},
     too_big("provisionedPollerConfig.maximumPollers", 10001,
             model_max("MaximumNumberOfPollers"))),
    ("kms-key", {"KMSKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}, None),
    ("parallelization", {"ParallelizationFactor": 2}, unsupported("parallelizationFactor")),
    ("tumbling", {"TumblingWindowInSeconds": 30}, unsupported("tumblingWindowInSeconds")),
    ("scaling-config", {"ScalingConfig": {"MaximumConcurrency": 5}},
     unsupported("scalingConfig")),
    ("queues", {"Queues": ["q"]}, unsupported("queues")),
    ("documentdb-config", {"DocumentDBEventSourceConfig": {"DatabaseName": "db"}},
     unsupported("documentDBEventSourceConfig")),
]

def _access(*types: str, uri: bool = True) -> Dict[str, Any]:
    """SourceAccessConfigurations with these types (secrets, or plain values for OAuth)."""
    return {"SourceAccessConfigurations": [
        {"Type": kind, **({"URI": SECRET if kind.endswith("_AUTH") else "value"} if uri and
                          not kind.startswith("IAM_") else {})} for kind in types]}


def _needs(kind: str, needed: str) -> Expected:
    return (IPV, f"SourceAccessConfigurations type '{kind}' requires {needed}.")


def _queue_mode(name: str) -> Expected:
    return (IPV, f"{name} is not supported when SelfManagedKafkaEventSourceConfig."
                 "ConsumptionMode is Queue.")


QUEUE = {"SelfManagedKafkaEventSourceConfig": {"ConsumptionMode": "Queue"},
         "StartingPosition": None}

SELF_MANAGED_CASES = [
    *SHARED,
    ("virtual-host", {"SourceAccessConfigurations": [{"Type": "VIRTUAL_HOST", "URI": "/vh"}]},
     (IPV, f"SourceAccessConfigurations type 'VIRTUAL_HOST' is not valid for this event source "
           f"mapping type. Valid types: [{SELF_MANAGED_TYPES}].")),
    # OAuth and IAM sign-in (the model's SourceAccessConfiguration documentation).
    ("oauth", _access("OAUTHBEARER_AUTH", "OAUTHBEARER_SCOPE", "OAUTHBEARER_AUDIENCE",
                      "OAUTHBEARER_LOGICAL_CLUSTER", "OAUTHBEARER_IDENTITY_POOL"), None),
    ("oauth-scope-alone", _access("OAUTHBEARER_SCOPE"), _needs("OAUTHBEARER_SCOPE",
                                                               "OAUTHBEARER_AUTH")),
    ("oauth-cluster-alone", _access("BASIC_AUTH", "OAUTHBEARER_LOGICAL_CLUSTER"),
     _needs("OAUTHBEARER_LOGICAL_CLUSTER", "OAUTHBEARER_AUTH")),
    ("oauth-audience-alone", _access("OAUTHBEARER_AUDIENCE"),
     _needs("OAUTHBEARER_AUDIENCE", "OAUTHBEARER_AUTH or IAM_OAUTHBEARER_AUTH")),
    ("iam-oauth", _access("IAM_OAUTHBEARER_AUTH", "OAUTHBEARER_AUDIENCE"), None),
    ("iam-oauth-without-audience", _access("IAM_OAUTHBEARER_AUTH"),
     _needs("IAM_OAUTHBEARER_AUTH", "OAUTHBEARER_AUDIENCE")),
    ("iam-oauth-with-scope", _access("IAM_OAUTHBEARER_AUTH", "OAUTHBEARER_AUDIENCE",
                                     "OAUTHBEARER_SCOPE"),
     (IPV, "SourceAccessConfigurations type 'IAM_OAUTHBEARER_AUTH' cannot be combined with "
           "'OAUTHBEARER_SCOPE'.")),
    ("iam-auth", _access("IAM_AUTH"), None),
    ("iam-auth-with-uri", {"SourceAccessConfigurations": [{"Type": "IAM_AUTH", "URI": SECRET}]},
     (IPV, "SourceAccessConfigurations type 'IAM_AUTH' takes no URI: the function's execution "
           "role authenticates. Omit URI.")),
    # ConsumptionMode (botocore 1.44 and later; older clients cannot send it, so these skip).
    ("stream-mode", {"SelfManagedKafkaEventSourceConfig": {"ConsumptionMode": "Stream"}}, None),
    ("queue-mode", QUEUE, None),
    ("queue-mode-with-position", {**QUEUE, "StartingPosition": "LATEST"},
     _queue_mode("StartingPosition")),
    ("queue-mode-with-window", {**QUEUE, "MaximumBatchingWindowInSeconds": 5},
     _queue_mode("MaximumBatchingWindowInSeconds")),
    ("unknown-mode", {"SelfManagedKafkaEventSourceConfig": {"ConsumptionMode": "Batch"}},
     (VALIDATION, "1 validation error detected: Value 'Batch' at "
                  "'selfManagedKafkaEventSourceConfig.consumptionMode' failed to satisfy "
                  "constraint: Member must satisfy enum value set: [Stream, Queue]")),
    ("no-access-configurations", {"SourceAccessConfigurations": None}, ACCESS_MISSING),
    ("empty-access-configurations", {"SourceAccessConfigurations": []}, ACCESS_MISSING),
    ("consumer-group", {"SelfManagedKafkaEventSourceConfig": {"ConsumerGroupId": "g-1"}}, None),
    ("schema-registry", {"SelfManagedKafkaEventSourceConfig": {"SchemaRegistryConfig": {
        "SchemaRegistryURI": "https://registry.example.com", "EventRecordFormat": "JSON",
        "AccessConfigs": [{"Type": "BASIC_AUTH", "URI": SECRET}],
        "SchemaValidationConfigs": [{"Attribute": "VALUE"}]}}}, None),
    ("schema-record-format", {"SelfManagedKafkaEventSourceConfig": {"SchemaRegistryConfig": {
        "EventRecordFormat": "AVRO"}}},
     (VALIDATION, "1 validation error detected: Value 'AVRO' at "
                  "'selfManagedKafkaEventSourceConfig.schemaRegistryConfig.eventRecordFormat' "
                  "failed to satisfy constraint: Member must satisfy enum value set: "
                  "[JSON, SOURCE]")),
    ("consumer-group-too-long", {"SelfManagedKafkaEventSourceConfig": {
        "ConsumerGroupId": "g" * 201}},
     (VALIDATION, f"1 validation error detected: Value '{'g' * 201}' at "
                  "'selfManagedKafkaEventSourceConfig.consumerGroupId' failed to satisfy "
                  "constraint: Member must have length less than or equal to 200")),
    ("msk-config", {"AmazonManagedKafkaEventSourceConfig": {"ConsumerGroupId": "g-1"}},
     unsupported("amazonManagedKafkaEventSourceConfig")),
    ("server-without-port", {"SelfManagedEventSource": {"Endpoints": {
        "KAFKA_BOOTSTRAP_SERVERS": ["kafka.example.com"]}}},
     pattern_error("selfManagedEventSource.endpoints.KAFKA_BOOTSTRAP_SERVERS.1.member",
                   "kafka.example.com", "Endpoint")),
    ("port-out-of-range", {"SelfManagedEventSource": {"Endpoints": {
        "KAFKA_BOOTSTRAP_SERVERS": ["kafka.example.com:99999"]}}},
     (IPV, "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS entry "
           "'kafka.example.com:99999' must be host:port with a port from 1 to 65535.")),
]

MSK_CASES = [
    *SHARED,
    ("virtual-host", {"SourceAccessConfigurations": [{"Type": "VIRTUAL_HOST", "URI": "/vh"}]},
     (IPV, f"SourceAccessConfigurations type 'VIRTUAL_HOST' is not valid for this event source "
           f"mapping type. Valid types: [{MSK_TYPES}].")),
    ("oauth", _access("OAUTHBEARER_AUTH"),
     (IPV, f"SourceAccessConfigurations type 'OAUTHBEARER_AUTH' is not valid for this event "
           f"source mapping type. Valid types: [{MSK_TYPES}].")),
    ("no-access-configurations", {"SourceAccessConfigurations": None}, None),
    ("consumer-group", {"AmazonManagedKafkaEventSourceConfig": {"ConsumerGroupId": "g-1"}}, None),
    ("self-managed-config", {"SelfManagedKafkaEventSourceConfig": {"ConsumerGroupId": "g-1"}},
     unsupported("selfManagedKafkaEventSourceConfig")),
    ("bootstrap-servers-too", SELF_MANAGED, unsupported("selfManagedEventSource")),
]


@pytest.mark.parametrize(("source", "change", "expected"),
                         table(kafka=SELF_MANAGED_CASES, msk=MSK_CASES))
@mock_esm
def test_kafka_create_rules(client, source, change, expected):
    check_create(client, MINIMAL[source], change, expected)


SELF_MANAGED_KEYS = {"BatchSize", "EventSourceMappingArn", "FunctionArn", "LastModified",
                     "LastProcessingResult", "SelfManagedEventSource",
                     "SelfManagedKafkaEventSourceConfig", "SourceAccessConfigurations",
                     "StartingPosition", "State", "StateTransitionReason", "Topics", "UUID"}
MSK_KEYS = {"BatchSize", "EventSourceArn", "EventSourceMappingArn", "FunctionArn",
            "LastModified", "LastProcessingResult", "StartingPosition", "State",
            "StateTransitionReason", "Topics", "UUID", "AmazonManagedKafkaEventSourceConfig"}


@mock_esm(transition_seconds=0)
def test_self_managed_kafka_round_trip_has_no_event_source_arn(client):
    created = client.create_event_source_mapping(FunctionName="worker", **SELF_BASE)
    assert set(body(created)) == SELF_MANAGED_KEYS
    assert (created["BatchSize"], created["LastProcessingResult"],
            created["StateTransitionReason"]) == (100, "No records processed", "USER_INITIATED")
    assert created["SelfManagedEventSource"] == SELF_MANAGED["SelfManagedEventSource"]
    fetched = client.get_event_source_mapping(UUID=created["UUID"])
    assert body(fetched) == {**body(created), "State": "Enabled",
                             "LastModified": fetched["LastModified"]}
    updated = client.update_event_source_mapping(
        UUID=created["UUID"], BatchSize=500, MaximumBatchingWindowInSeconds=2,
        SourceAccessConfigurations=VPC_ONLY)
    assert set(body(updated)) == SELF_MANAGED_KEYS | {"MaximumBatchingWindowInSeconds"}
    assert updated["SourceAccessConfigurations"] == VPC_ONLY
    [listed] = client.list_event_source_mappings(FunctionName="worker")["EventSourceMappings"]
    assert listed == body(client.get_event_source_mapping(UUID=created["UUID"]))
    assert "EventSourceArn" not in listed


@mock_esm(transition_seconds=0)
def test_msk_round_trip_echoes_the_consumer_group(client):
    group = {"ConsumerGroupId": "orders-consumers"}
    created = client.create_event_source_mapping(
        FunctionName="worker", AmazonManagedKafkaEventSourceConfig=group, **MSK_BASE)
    assert set(body(created)) == MSK_KEYS
    assert created["AmazonManagedKafkaEventSourceConfig"] == group
    updated = client.update_event_source_mapping(UUID=created["UUID"], BatchSize=1000,
                                                 SourceAccessConfigurations=BASIC_AUTH)
    assert updated["SourceAccessConfigurations"] == BASIC_AUTH
    assert updated["AmazonManagedKafkaEventSourceConfig"] == group
    [listed] = client.list_event_source_mappings(EventSourceArn=MSK_ARN)["EventSourceMappings"]
    assert listed == body(client.get_event_source_mapping(UUID=created["UUID"]))


@mock_esm(transition_seconds=0)
def test_self_managed_update_rules_judge_the_merged_settings(client):
    uuid = client.create_event_source_mapping(FunctionName="worker", **SELF_BASE)["UUID"]
    before = body(client.get_event_source_mapping(UUID=uuid))
    for change, expected in [
        ({"SourceAccessConfigurations": []}, ACCESS_MISSING),
        ({"ParallelizationFactor": 2}, unsupported("parallelizationFactor")),
        ({"MaximumRecordAgeInSeconds": 10},
         (IPV, "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 "
               "(inclusive)")),
    ]:
        assert_answer(client.update_event_source_mapping, expected, UUID=uuid, **change)
        assert body(client.get_event_source_mapping(UUID=uuid)) == before


@mock_esm
def test_self_managed_duplicates_are_bootstrap_servers_plus_topic(client):
    first = client.create_event_source_mapping(FunctionName="worker", **SELF_BASE)
    reordered = {"SelfManagedEventSource": {"Endpoints": {
        "KAFKA_BOOTSTRAP_SERVERS": list(reversed(SERVERS))}}}
    assert_answer(
        client.create_event_source_mapping,
        ("ResourceConflictException",
         f'An event source mapping with event source ("{",".join(reversed(SERVERS))}"), '
         f'function ("arn:aws:lambda:us-east-1:123456789012:function:worker"), topics '
         f'("orders") already exists. Please update or delete the existing mapping with UUID '
         f"{first['UUID']}"),
        FunctionName="worker", **{**SELF_BASE, **reordered})
    other_topic = client.create_event_source_mapping(FunctionName="worker",
                                                     **{**SELF_BASE, "Topics": ["invoices"]})
    other_function = client.create_event_source_mapping(FunctionName="other", **SELF_BASE)
    assert len({first["UUID"], other_topic["UUID"], other_function["UUID"]}) == 3


def test_the_consumption_mode_is_fixed_when_the_mapping_is_created(client):
    with mock_esm(transition_seconds=0):
        created, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                                 **merged(MINIMAL["kafka"], QUEUE))
        assert error is None and created is not None
        uuid = created["UUID"]
        # A config that leaves the mode out keeps it; one that names the other mode is refused.
        updated = client.update_event_source_mapping(
            UUID=uuid, SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": "g-2"})
        assert updated["SelfManagedKafkaEventSourceConfig"] == {
            "ConsumerGroupId": "g-2", "ConsumptionMode": "Queue"}
        _, error = outcome(client.update_event_source_mapping, UUID=uuid,
                           SelfManagedKafkaEventSourceConfig={"ConsumptionMode": "Stream"})
        assert error == (IPV, "SelfManagedKafkaEventSourceConfig.ConsumptionMode cannot be "
                              "changed from Queue to Stream; create a new event source mapping "
                              "to use another consumption mode.")
        assert client.get_event_source_mapping(UUID=uuid)["SelfManagedKafkaEventSourceConfig"][
            "ConsumptionMode"] == "Queue"
        # A mapping created without a mode streams, and cannot switch to Queue either.
        streamed = client.create_event_source_mapping(
            FunctionName="other", **merged(MINIMAL["kafka"], {"Topics": ["other"]}))
        _, error = outcome(client.update_event_source_mapping, UUID=streamed["UUID"],
                           SelfManagedKafkaEventSourceConfig={"ConsumptionMode": "Queue"})
        assert error is not None and "from Stream to Queue" in error[1]
