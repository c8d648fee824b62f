"""Self-managed Kafka, Amazon MSK and Amazon MQ mappings, answered as AWS answered when recorded.

Each test cites where AWS's answer was recorded:

* LS-API: localstack/localstack ``tests/aws/services/lambda_/test_lambda_api.py`` and its
  ``.snapshot.json`` (``@markers.aws.validated``: the snapshot is AWS's own answer);
* TF: hashicorp/terraform-provider-aws ``internal/service/lambda/event_source_mapping_test.go``
  (what the provider reads back from AWS after each step of an acceptance test).
"""

from __future__ import annotations

from typing import Any, Dict

import pytest

from mock_esm import mock_esm

from .rules_support import body, outcome

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-creds"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:worker"
MSK_ARN = ("arn:aws:kafka:us-east-1:123456789012:cluster/orders/"
           "abcd1234-ab12-cd34-ef56-abcdef123456-1")
MQ_ARN = "arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234a5b6-78cd-901e-2fab-3c45d6e178f9"
BASIC_AUTH = [{"Type": "BASIC_AUTH", "URI": SECRET}]


def servers(*names: str) -> Dict[str, Any]:
    return {"SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": list(names)}}}


def self_managed(**extra: Any) -> Dict[str, Any]:
    """The recorded test's request: one topic on ``kafka:1000`` with a BASIC_AUTH secret."""
    return {"FunctionName": "worker", "Topics": ["topic"],
            "SourceAccessConfigurations": BASIC_AUTH, **servers("kafka:1000"), **extra}


def duplicate(event_source: str, uuid: str) -> str:
    return (f'An event source mapping with event source ("{event_source}"), function '
            f'("{FUNCTION_ARN}"), topics ("topic") already exists. Please update or delete the '
            f"existing mapping with UUID {uuid}")


# LS-API test_create_event_source_self_managed, event-source-mapping-default (recorded
# 2024-09-03), plus EventSourceMappingArn, which every mapping answer carries since AWS added
# mapping ARNs (all 2025 recordings have it; docs/recorded.md).
SELF_MANAGED_KEYS = {
    "BatchSize", "EventSourceMappingArn", "FunctionArn", "LastModified", "LastProcessingResult",
    "SelfManagedEventSource", "SelfManagedKafkaEventSourceConfig", "SourceAccessConfigurations",
    "StartingPosition", "State", "StateTransitionReason", "Topics", "UUID",
}


@mock_esm
def test_missing_access_configurations_is_refused_before_the_starting_position(client):
    # LS-API test_create_event_source_self_managed, missing-source-access-configuration: the
    # request has no StartingPosition either, and the access check answers first.
    _, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                       Topics=["topic"], **servers("kafka:1000"))
    assert error == ("InvalidParameterValueException",
                     "Required 'sourceAccessConfigurations' parameter is missing.")
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


@mock_esm
def test_self_managed_defaults_match_the_recorded_answer(client):
    # LS-API test_create_event_source_self_managed, event-source-mapping-default.
    created = client.create_event_source_mapping(**self_managed())
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(body(created)) == SELF_MANAGED_KEYS
    assert {name: created[name] for name in (
        "BatchSize", "FunctionArn", "LastProcessingResult", "SelfManagedEventSource",
        "SourceAccessConfigurations", "StartingPosition", "State", "StateTransitionReason",
        "Topics")} == {
        "BatchSize": 100, "FunctionArn": FUNCTION_ARN,
        "LastProcessingResult": "No records processed", **servers("kafka:1000"),
        "SourceAccessConfigurations": BASIC_AUTH, "StartingPosition": "TRIM_HORIZON",
        "State": "Creating", "StateTransitionReason": "USER_INITIATED", "Topics": ["topic"]}
    # The consumer group defaults to the mapping's own UUID.
    assert created["SelfManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": created["UUID"]}


@mock_esm(transition_seconds=0)
def test_self_managed_defaults_are_kept_by_reads_and_updates(client):
    # The defaults are stored, not computed per answer: an Update that leaves the config out,
    # or names only other members of it, keeps the group (the model: it cannot be updated).
    uuid = client.create_event_source_mapping(**self_managed())["UUID"]
    client.update_event_source_mapping(UUID=uuid, BatchSize=50)
    [listed] = client.list_event_source_mappings()["EventSourceMappings"]
    assert listed["SelfManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": uuid}
    assert listed["StartingPosition"] == "TRIM_HORIZON"
    assert listed == body(client.get_event_source_mapping(UUID=uuid))


@mock_esm
def test_self_managed_explicit_values_are_echoed(client):
    # LS-API test_create_event_source_self_managed, event-source-mapping-values.
    created = client.create_event_source_mapping(**self_managed(
        Topics=["topic_2"], BatchSize=1, StartingPosition="LATEST",
        SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": "random_id"}))
    assert set(body(created)) == SELF_MANAGED_KEYS
    assert (created["BatchSize"], created["StartingPosition"], created["Topics"]) == (
        1, "LATEST", ["topic_2"])
    assert created["SelfManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": "random_id"}


@mock_esm
def test_self_managed_duplicate_names_servers_function_arn_and_topic(client):
    # LS-API test_create_event_source_self_managed, duplicate-source.
    first = client.create_event_source_mapping(**self_managed())
    _, error = outcome(client.create_event_source_mapping, **self_managed())
    assert error == ("ResourceConflictException", duplicate("kafka:1000", first["UUID"]))


@mock_esm
def test_an_overlapping_server_list_on_the_same_topic_is_a_duplicate(client):
    # LS-API test_create_event_source_self_managed, multiple-duplicate-source: the servers are
    # quoted as the new request lists them, the UUID is the existing mapping's.
    first = client.create_event_source_mapping(**self_managed())
    client.create_event_source_mapping(**self_managed(Topics=["topic_2"]))
    _, error = outcome(client.create_event_source_mapping, **self_managed(
        BatchSize=1, SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": "random_id"},
        **servers("kafka:1000", "kafka:2000")))
    assert error == ("ResourceConflictException",
                     duplicate("kafka:1000,kafka:2000", first["UUID"]))
    assert len(client.list_event_source_mappings()["EventSourceMappings"]) == 2


@mock_esm
def test_disjoint_servers_or_another_function_are_not_duplicates(client):
    # The counterpart of the recorded conflicts: what the duplicate identity leaves out.
    client.create_event_source_mapping(**self_managed())
    client.create_event_source_mapping(**self_managed(**servers("kafka:2000")))
    client.create_event_source_mapping(**self_managed(FunctionName="other"))
    assert len(client.list_event_source_mappings()["EventSourceMappings"]) == 3


@mock_esm(transition_seconds=0)
def test_a_deleted_mapping_no_longer_holds_its_servers(client):
    first = client.create_event_source_mapping(**self_managed(**servers("kafka:1000", "k:2")))
    client.delete_event_source_mapping(UUID=first["UUID"])
    again = client.create_event_source_mapping(**self_managed(**servers("k:2")))
    assert again["UUID"] != first["UUID"]


@mock_esm
def test_queue_mode_gets_no_default_starting_position(client):
    # The model: StartingPosition does not apply when the consumption mode is Queue, so the
    # recorded TRIM_HORIZON default is for stream mode only.
    created, error = outcome(client.create_event_source_mapping, **self_managed(
        SelfManagedKafkaEventSourceConfig={"ConsumptionMode": "Queue"}))
    assert error is None and created is not None
    assert "StartingPosition" not in created
    assert created["SelfManagedKafkaEventSourceConfig"] == {
        "ConsumerGroupId": created["UUID"], "ConsumptionMode": "Queue"}


@mock_esm(transition_seconds=0)
def test_terraform_self_managed_kafka_reads_back_a_config_block(client):
    # TF TestAccLambdaEventSourceMapping_selfManagedKafka: created disabled on two servers with
    # three access configurations; the provider reads back one config block and batch size 100.
    # TF ..._selfManagedKafkaWithEventSourceConfig: an explicit group id is read back as given.
    access = [{"Type": "VPC_SUBNET", "URI": "subnet:subnet-0123456789abcdef0"},
              {"Type": "VPC_SUBNET", "URI": "subnet:subnet-0123456789abcdef1"},
              {"Type": "VPC_SECURITY_GROUP", "URI": "security_group:sg-0123456789abcdef0"}]
    for function, config in [("plain", None),
                             ("grouped", {"ConsumerGroupId": "self-managed-test-group-id"})]:
        request = {"FunctionName": function, "Topics": ["test"], "Enabled": False,
                   "StartingPosition": "TRIM_HORIZON", "SourceAccessConfigurations": access,
                   **servers("test1:9092", "test2:9092")}
        if config:
            request["SelfManagedKafkaEventSourceConfig"] = config
        uuid = client.create_event_source_mapping(**request)["UUID"]
        read = client.get_event_source_mapping(UUID=uuid)
        assert (read["State"], read["BatchSize"], read["Topics"]) == ("Disabled", 100, ["test"])
        assert read["SelfManagedEventSource"] == servers("test1:9092", "test2:9092")[
            "SelfManagedEventSource"]
        assert read["SourceAccessConfigurations"] == access
        assert read["SelfManagedKafkaEventSourceConfig"] == (config or {"ConsumerGroupId": uuid})


@mock_esm(transition_seconds=0)
def test_terraform_msk_reads_back_a_config_block_by_default(client):
    # TF TestAccLambdaEventSourceMapping_msk: amazon_managed_kafka_event_source_config.# = 1
    # without one in the request (the developer guide: the group "defaults to a unique value"),
    # batch size 100, then 9999 after an update, topic "test" throughout.
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=MSK_ARN, Topics=["test"], BatchSize=100,
        StartingPosition="TRIM_HORIZON")
    uuid = created["UUID"]
    assert created["AmazonManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": uuid}
    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=9999)
    assert (updated["BatchSize"], updated["Topics"]) == (9999, ["test"])
    assert updated["AmazonManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": uuid}
    assert client.get_event_source_mapping(UUID=uuid)["EventSourceArn"] == MSK_ARN


@mock_esm
def test_msk_without_a_starting_position_starts_at_trim_horizon(client):
    # The model requires StartingPosition for Kinesis and DynamoDB streams only; the one Kafka
    # recording (LS-API test_create_event_source_self_managed) answers TRIM_HORIZON without it,
    # and MSK is read by the same Kafka poller (docs/recorded.md: guide and model disagree).
    created = client.create_event_source_mapping(FunctionName="worker", EventSourceArn=MSK_ARN,
                                                 Topics=["test"])
    assert created["StartingPosition"] == "TRIM_HORIZON"


@mock_esm
def test_terraform_msk_echoes_an_explicit_consumer_group(client):
    # TF TestAccLambdaEventSourceMapping_mskWithEventSourceConfig.
    group = {"ConsumerGroupId": "amazon-managed-test-group-id"}
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=MSK_ARN, Topics=["test"],
        StartingPosition="TRIM_HORIZON", AmazonManagedKafkaEventSourceConfig=group)
    assert created["AmazonManagedKafkaEventSourceConfig"] == group


@pytest.mark.parametrize("access", [
    # TF TestAccLambdaEventSourceMapping_activeMQ: one BASIC_AUTH secret.
    pytest.param(BASIC_AUTH, id="activemq"),
    # TF TestAccLambdaEventSourceMapping_rabbitMQ: the secret plus a virtual host.
    pytest.param([*BASIC_AUTH, {"Type": "VIRTUAL_HOST", "URI": "/vhost"}], id="rabbitmq"),
])
@mock_esm(transition_seconds=0)
def test_terraform_mq_reads_back_batch_size_queue_and_access(client, access):
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=MQ_ARN, Queues=["test"],
        SourceAccessConfigurations=access)["UUID"]
    read = client.get_event_source_mapping(UUID=uuid)
    assert (read["State"], read["BatchSize"], read["Queues"]) == ("Enabled", 100, ["test"])
    assert read["SourceAccessConfigurations"] == access
