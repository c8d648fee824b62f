"""The five operations through boto3: shapes, defaults, status codes and errors."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mock_esm import mock_esm

from .conftest import QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN, freeze_time

SQS_KEYS = {"BatchSize", "EventSourceArn", "EventSourceMappingArn", "FunctionArn",
            "FunctionResponseTypes", "LastModified", "MaximumBatchingWindowInSeconds", "State",
            "StateTransitionReason", "UUID"}
STREAM_KEYS = {"BatchSize", "BisectBatchOnFunctionError", "DestinationConfig", "EventSourceArn",
               "EventSourceMappingArn", "FunctionArn", "FunctionResponseTypes", "LastModified",
               "LastProcessingResult", "MaximumBatchingWindowInSeconds",
               "MaximumRecordAgeInSeconds", "MaximumRetryAttempts", "ParallelizationFactor",
               "StartingPosition", "State", "StateTransitionReason", "TumblingWindowInSeconds",
               "UUID"}


def _body(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


@mock_esm
def test_issue_example_wires_queue_to_function():
    c = boto3.client("lambda", region_name="us-east-1")
    m = c.create_event_source_mapping(EventSourceArn=QUEUE_ARN, FunctionName="worker")
    assert c.get_event_source_mapping(UUID=m["UUID"])["EventSourceArn"].endswith(":jobs")


@mock_esm
def test_sqs_mapping_has_exactly_aws_keys_and_defaults(lambda_client):
    created = lambda_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                        FunctionName="worker")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(_body(created)) == SQS_KEYS
    assert created["BatchSize"] == 10
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["FunctionResponseTypes"] == []
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:worker"
    assert created["EventSourceMappingArn"] == (
        f"arn:aws:lambda:us-east-1:123456789012:event-source-mapping:{created['UUID']}")
    fetched = lambda_client.get_event_source_mapping(UUID=created["UUID"])
    assert fetched["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(_body(fetched)) == SQS_KEYS


@pytest.mark.parametrize("source", [STREAM_ARN, TABLE_STREAM_ARN])
@mock_esm
def test_stream_mapping_has_exactly_aws_keys_and_defaults(lambda_client, source):
    created = lambda_client.create_event_source_mapping(
        EventSourceArn=source, FunctionName="worker", StartingPosition="LATEST")
    assert set(_body(created)) == STREAM_KEYS
    expected = {
        "BatchSize": 100, "BisectBatchOnFunctionError": False,
        "DestinationConfig": {"OnFailure": {}}, "FunctionResponseTypes": [],
        "LastProcessingResult": "No records processed", "MaximumBatchingWindowInSeconds": 0,
        "MaximumRecordAgeInSeconds": -1, "MaximumRetryAttempts": -1,
        "ParallelizationFactor": 1, "StartingPosition": "LATEST",
        "StateTransitionReason": "User action", "TumblingWindowInSeconds": 0,
        "State": "Creating",
    }
    assert {k: created[k] for k in expected} == expected
    fetched = lambda_client.get_event_source_mapping(UUID=created["UUID"])
    assert set(_body(fetched)) == STREAM_KEYS


@mock_esm
def test_explicit_values_are_echoed(lambda_client):
    created = lambda_client.create_event_source_mapping(
        EventSourceArn=STREAM_ARN, FunctionName="worker", StartingPosition="TRIM_HORIZON",
        BatchSize=7, MaximumRetryAttempts=2, MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": QUEUE_ARN}})
    assert created["BatchSize"] == 7
    assert created["MaximumRetryAttempts"] == 2
    assert created["MaximumRecordAgeInSeconds"] == 60
    assert created["StartingPosition"] == "TRIM_HORIZON"
    assert created["DestinationConfig"] == {"OnFailure": {"Destination": QUEUE_ARN}}


@pytest.mark.parametrize(("given", "expected"), [
    ("worker", "arn:aws:lambda:us-east-1:123456789012:function:worker"),
    ("worker:$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:worker:$LATEST"),
    ("worker:1", "arn:aws:lambda:us-east-1:123456789012:function:worker:1"),
    ("worker:live", "arn:aws:lambda:us-east-1:123456789012:function:worker:live"),
    ("123456789012:function:worker", "arn:aws:lambda:us-east-1:123456789012:function:worker"),
    ("arn:aws:lambda:us-east-1:123456789012:function:worker",
     "arn:aws:lambda:us-east-1:123456789012:function:worker"),
    ("arn:aws:lambda:us-east-1:123456789012:function:worker:7",
     "arn:aws:lambda:us-east-1:123456789012:function:worker:7"),
])
@mock_esm
def test_function_arn_is_normalised_and_keeps_the_qualifier(lambda_client, given, expected):
    created = lambda_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                        FunctionName=given)
    assert created["FunctionArn"] == expected


@pytest.mark.parametrize(("region", "partition"), [
    ("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
@mock_esm
def test_partition_follows_the_region(region, partition):
    client = boto3.client("lambda", region_name=region)
    source = f"arn:{partition}:sqs:{region}:123456789012:jobs"
    created = client.create_event_source_mapping(EventSourceArn=source, FunctionName="worker")
    assert created["FunctionArn"] == f"arn:{partition}:lambda:{region}:123456789012:function:worker"
    assert created["EventSourceMappingArn"].startswith(f"arn:{partition}:lambda:{region}:")


@mock_esm
def test_custom_endpoint_url_is_still_mocked(no_network):
    client = boto3.client("lambda", region_name="eu-west-1",
                          endpoint_url="http://localhost:1")
    created = client.create_event_source_mapping(
        EventSourceArn="arn:aws:sqs:eu-west-1:123456789012:q", FunctionName="f")
    assert ":eu-west-1:" in created["FunctionArn"]


def test_last_modified_is_the_clock_in_epoch_seconds():
    with freeze_time("2024-05-06 07:08:09.250"), mock_esm() as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        created = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                     FunctionName="f")
        assert created["LastModified"] == datetime.datetime(
            2024, 5, 6, 7, 8, 9, 250000, tzinfo=datetime.timezone.utc)
        http = created["ResponseMetadata"]
        assert http["HTTPHeaders"]["content-type"] == "application/json"
        assert esm.mappings()[0]["LastModified"] == created["LastModified"]


def test_create_answers_creating_and_a_read_a_transition_later_answers_enabled():
    with freeze_time("2024-01-01") as frozen, mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                  FunctionName="f")["UUID"]
        assert client.get_event_source_mapping(UUID=uuid)["State"] == "Creating"
        frozen.tick(0.999)
        assert client.get_event_source_mapping(UUID=uuid)["State"] == "Creating"
        frozen.tick(0.001)
        assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"


@mock_esm
def test_update_answers_202_and_applies_settings(lambda_client, esm=None):
    uuid = lambda_client.create_event_source_mapping(
        EventSourceArn=QUEUE_ARN, FunctionName="f", Enabled=False)["UUID"]
    updated = lambda_client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert updated["BatchSize"] == 5
    assert lambda_client.get_event_source_mapping(UUID=uuid)["BatchSize"] == 5


@mock_esm(transition_seconds=0)
def test_delete_answers_202_deleting_then_the_mapping_is_gone(lambda_client):
    uuid = lambda_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                     FunctionName="f")["UUID"]
    deleted = lambda_client.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    with pytest.raises(ClientError) as raised:
        lambda_client.get_event_source_mapping(UUID=uuid)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


@mock_esm
def test_list_answers_200_without_next_marker_when_all_fit(lambda_client):
    for name in ("a", "b"):
        lambda_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN, FunctionName=name)
    listed = lambda_client.list_event_source_mappings()
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "NextMarker" not in listed
    assert [m["FunctionArn"].rsplit(":", 1)[-1] for m in listed["EventSourceMappings"]] == [
        "a", "b"]


@pytest.mark.parametrize("call", [
    lambda c: c.get_event_source_mapping(UUID="00000000-0000-0000-0000-000000000000"),
    lambda c: c.update_event_source_mapping(UUID="00000000-0000-0000-0000-000000000000",
                                            Enabled=False),
    lambda c: c.delete_event_source_mapping(UUID="00000000-0000-0000-0000-000000000000"),
], ids=["get", "update", "delete"])
@mock_esm
def test_unknown_uuid_is_resource_not_found(lambda_client, call):
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as raised:
        call(lambda_client)
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["Error"] == {"Code": "ResourceNotFoundException",
                                 "Message": "The resource you requested does not exist."}
    assert response["Type"] == "User"
    assert response["Message"] == "The resource you requested does not exist."
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "ResourceNotFoundException")


@mock_esm
def test_create_without_a_source_is_unrecognized_event_source(lambda_client):
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException) as raised:
        lambda_client.create_event_source_mapping(FunctionName="f")
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Message"] == "Unrecognized event source."
    assert response["message"] == "Unrecognized event source."
    assert response["Type"] == "User"


@mock_esm
def test_odd_uuid_strings_get_not_found_not_a_traceback():
    # botocore >= 1.44 checks the UUID's length client-side; switch that off so the mock's own
    # answer is what is tested, whichever botocore is installed.
    lambda_client = boto3.client("lambda", region_name="us-east-1",
                                 config=Config(parameter_validation=False))
    for odd in ("x", "a/b", "../../etc", "ü" * 5, " "):
        with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
            lambda_client.get_event_source_mapping(UUID=odd)
