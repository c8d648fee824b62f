"""Kinesis and DynamoDB Streams mappings, answered as AWS answered when recorded.

Each test cites where AWS's answer was recorded:

* LS-API / LS-KIN / LS-DDB: localstack/localstack ``tests/aws/services/lambda_/test_lambda_api.py``
  and ``tests/aws/services/lambda_/event_source_mapping/test_lambda_integration_{kinesis,
  dynamodbstreams}.py`` with their ``.snapshot.json`` files (tests marked
  ``@markers.aws.validated``: AWS's own answers);
* TF: hashicorp/terraform-provider-aws ``internal/service/lambda/event_source_mapping_test.go``
  (what the provider reads back from AWS after each step of an acceptance test).
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, List, Tuple

import pytest

from mock_esm import mock_esm

from .conftest import freeze_time
from .rules_support import body, outcome

ACCOUNT = "123456789012"
STREAM_ARN = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/orders"
TABLE_STREAM_ARN = (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders/stream/"
                    "2025-02-22T03:03:25.490")
FUNCTIONS = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:failures"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:failures"
BUCKET_ARN = "arn:aws:s3:::failures"
IPV = "InvalidParameterValueException"
SOURCES = pytest.mark.parametrize("source", [STREAM_ARN, TABLE_STREAM_ARN],
                                  ids=["kinesis", "dynamodb"])

# LS-KIN test_create_kinesis_event_source_mapping, create_event_source_mapping_response (and
# the same keys and defaults in every Kinesis and DynamoDB recording).
STREAM_KEYS = {
    "BatchSize", "BisectBatchOnFunctionError", "DestinationConfig", "EventSourceArn",
    "EventSourceMappingArn", "FunctionArn", "FunctionResponseTypes", "LastModified",
    "LastProcessingResult", "MaximumBatchingWindowInSeconds", "MaximumRecordAgeInSeconds",
    "MaximumRetryAttempts", "ParallelizationFactor", "StartingPosition", "State",
    "StateTransitionReason", "TumblingWindowInSeconds", "UUID",
}
DEFAULTS: Dict[str, Any] = {
    "BatchSize": 100, "BisectBatchOnFunctionError": False, "DestinationConfig": {"OnFailure": {}},
    "FunctionResponseTypes": [], "LastProcessingResult": "No records processed",
    "MaximumBatchingWindowInSeconds": 0, "MaximumRecordAgeInSeconds": -1,
    "MaximumRetryAttempts": -1, "ParallelizationFactor": 1, "TumblingWindowInSeconds": 0,
    "StateTransitionReason": "User action",
}


def settings(answer: Dict[str, Any]) -> Dict[str, Any]:
    """The answer without the members that differ per mapping and per moment."""
    return {k: v for k, v in body(answer).items()
            if k not in ("EventSourceMappingArn", "LastModified", "UUID")}


@SOURCES
@mock_esm
def test_minimal_answer_matches_the_recording(client, source):
    # LS-KIN test_create_kinesis_event_source_mapping; LS-API
    # test_create_event_filter_criteria_validation (DynamoDB, with an empty filter list, which
    # is not echoed).
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=source, StartingPosition="LATEST",
        FilterCriteria={"Filters": []})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(body(created)) == STREAM_KEYS
    assert settings(created) == {**DEFAULTS, "EventSourceArn": source,
                                 "FunctionArn": f"{FUNCTIONS}:worker",
                                 "StartingPosition": "LATEST", "State": "Creating"}


def test_lifecycle_create_get_delete_as_recorded(client):
    # LS-API test_event_source_mapping_lifecycle: create_response (Creating, 202), get_response
    # (Enabled, 200), delete_response (Deleting, 202, the full configuration); then gone.
    request = {"FunctionName": "worker", "EventSourceArn": TABLE_STREAM_ARN,
               "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}, "BatchSize": 1,
               "StartingPosition": "TRIM_HORIZON", "MaximumBatchingWindowInSeconds": 1,
               "MaximumRetryAttempts": 1}
    expected = {**DEFAULTS, "EventSourceArn": TABLE_STREAM_ARN,
                "FunctionArn": f"{FUNCTIONS}:worker", "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 1,
                "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}
    with mock_esm() as esm:
        created = client.create_event_source_mapping(**request)
        assert settings(created) == {**expected, "State": "Creating"}
        esm.settle()
        got = client.get_event_source_mapping(UUID=created["UUID"])
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert settings(got) == {**expected, "State": "Enabled"}
        deleted = client.delete_event_source_mapping(UUID=created["UUID"])
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert settings(deleted) == {**expected, "State": "Deleting"}
        esm.settle()
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_event_source_mapping(UUID=created["UUID"])


@SOURCES
@mock_esm
def test_missing_starting_position_is_a_null_member(client, source):
    # LS-API test_create_event_source_validation / _kinesis, no_starting_position.
    _, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                       EventSourceArn=source)
    assert error == (IPV, "1 validation error detected: Value null at 'startingPosition' failed "
                          "to satisfy constraint: Member must not be null.")


@SOURCES
@mock_esm
def test_unknown_starting_position_is_a_validation_exception_without_type(client, source):
    # LS-API test_create_event_source_validation / _kinesis, invalid_starting_position: a
    # ValidationException, whose body carries no Type.
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.create_event_source_mapping(FunctionName="worker", EventSourceArn=source,
                                           StartingPosition="invalid")
    response = caught.value.response
    assert response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'invalid' at 'startingPosition' failed to "
                   "satisfy constraint: Member must satisfy enum value set: [LATEST, "
                   "AT_TIMESTAMP, TRIM_HORIZON]"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "Type" not in response


@mock_esm
def test_at_timestamp_is_refused_for_a_dynamodb_stream(client):
    # LS-API test_create_event_source_validation, incompatible_starting_position.
    _, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                       EventSourceArn=TABLE_STREAM_ARN, StartingPosition="AT_TIMESTAMP",
                       StartingPositionTimestamp=datetime.datetime(
                           2025, 3, 3, 14, 6, 42, tzinfo=datetime.timezone.utc))
    assert error == (IPV, f"Unsupported starting position for arn type: {TABLE_STREAM_ARN}")


@SOURCES
@mock_esm
def test_duplicate_names_the_stream_and_the_function(client, source):
    # LS-KIN / LS-DDB test_duplicate_event_source_mappings: a second function is fine.
    first = client.create_event_source_mapping(FunctionName="worker", EventSourceArn=source,
                                               StartingPosition="LATEST")
    _, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                       EventSourceArn=source, StartingPosition="LATEST")
    assert error == ("ResourceConflictException",
                     f'The event source arn (" {source} ") and function (" worker ") provided '
                     "mapping already exists. Please update or delete the existing mapping with "
                     f"UUID {first['UUID']}")
    other = client.create_event_source_mapping(FunctionName="other", EventSourceArn=source,
                                               StartingPosition="TRIM_HORIZON")
    assert other["StartingPosition"] == "TRIM_HORIZON"


# Explicit settings AWS echoed: (recording, request members).
ECHOED: List[Tuple[str, Dict[str, Any]]] = [
    ("KIN test_kinesis_event_source_mapping_with_async_invocation", {"BatchSize": 10}),
    ("KIN/DDB ..._with_on_failure_destination_config",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 1,
      "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}),
    ("KIN/DDB ..._with_sns_on_failure_destination_config",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 1,
      "DestinationConfig": {"OnFailure": {"Destination": TOPIC_ARN}}}),
    ("KIN/DDB ..._with_s3_on_failure_destination",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 1,
      "DestinationConfig": {"OnFailure": {"Destination": BUCKET_ARN}}}),
    ("KIN/DDB test_*_report_batch_item_failures",
     {"BatchSize": 3, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 3,
      "FunctionResponseTypes": ["ReportBatchItemFailures"],
      "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}),
    ("KIN test_kinesis_report_batch_item_success_scenarios",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 2,
      "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    ("KIN test_kinesis_report_batch_item_failure_scenarios",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 2,
      "FunctionResponseTypes": ["ReportBatchItemFailures"],
      "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}),
    ("KIN test_kinesis_empty_provided",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 2}),
    ("DDB test_dynamodb_event_source_mapping",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRetryAttempts": 1}),
    ("DDB test_disabled_dynamodb_event_source_mapping", {"MaximumBatchingWindowInSeconds": 1}),
    ("KIN test_kinesis_maximum_record_age_exceeded[expire-while-retrying]",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRecordAgeInSeconds": 60,
      "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}),
    ("KIN test_kinesis_maximum_record_age_exceeded[expire-before-ingestion]",
     {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 1, "MaximumRecordAgeInSeconds": 60,
      "MaximumRetryAttempts": 0, "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}),
    ("KIN test_kinesis_maximum_record_age_exceeded_discard_records",
     {"BatchSize": 10, "MaximumBatchingWindowInSeconds": 1, "MaximumRecordAgeInSeconds": 60,
      "MaximumRetryAttempts": 0, "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}),
]


@SOURCES
@pytest.mark.parametrize("request_members", [case[1] for case in ECHOED],
                         ids=[case[0] for case in ECHOED])
@mock_esm
def test_explicit_settings_are_echoed_over_the_defaults(client, source, request_members):
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=source, StartingPosition="TRIM_HORIZON",
        **request_members)
    assert set(body(created)) == STREAM_KEYS
    assert settings(created) == {**DEFAULTS, "EventSourceArn": source,
                                 "FunctionArn": f"{FUNCTIONS}:worker",
                                 "StartingPosition": "TRIM_HORIZON", "State": "Creating",
                                 **request_members}


@pytest.mark.parametrize("pattern", [
    # LS-DDB test_dynamodb_event_filter[*] (validated): the patterns AWS accepted and echoed.
    {"eventName": ["INSERT"]},
    {"eventName": ["INSERT", "MODIFY"]},
    {"eventName": ["INSERT"], "eventSource": ["aws:dynamodb"]},
    {"dynamodb": {"NewImage": {"presentKey": {"S": ["presentValue"]}}}},
    {"dynamodb": {"NewImage": {"presentKey": {"S": [{"exists": True}]}}}},
    {"dynamodb": {"NewImage": {"presentKey": [{"exists": False}]}}},
    {"dynamodb": {"NewImage": {"numericFilter": {"N": [{"numeric": [">", 100]},
                                                       {"anything-but": "101"}]}}}},
    {"dynamodb": {"NewImage": {"prefix": {"S": [{"prefix": "us-1"}]}}}},
    # LS-KIN test_kinesis_event_filtering_json_pattern.
    {"data": {"event_type": ["function_1"]}},
])
@mock_esm
def test_accepted_filter_patterns_are_echoed_as_sent(client, pattern):
    sent = json.dumps(pattern)
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=TABLE_STREAM_ARN, StartingPosition="TRIM_HORIZON",
        BatchSize=1, MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1,
        FilterCriteria={"Filters": [{"Pattern": sent}]})
    assert set(body(created)) == STREAM_KEYS | {"FilterCriteria"}
    assert created["FilterCriteria"] == {"Filters": [{"Pattern": sent}]}


@pytest.mark.parametrize("pattern", [
    # LS-DDB test_dynamodb_invalid_event_filter[*].
    "single-string", '[{"eventName": ["INSERT"=123}]',
])
@mock_esm
def test_invalid_filter_patterns_are_refused(client, pattern):
    _, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                       EventSourceArn=TABLE_STREAM_ARN, StartingPosition="TRIM_HORIZON",
                       FilterCriteria={"Filters": [{"Pattern": pattern}]})
    assert error == (IPV, "Invalid filter pattern definition.")


def test_disabling_answers_disabling_and_list_shows_the_mapping(client):
    # LS-DDB test_disabled_dynamodb_event_source_mapping (update_event_source_mapping_result:
    # Disabling, 202) and test_deletion_event_source_mapping_with_dynamodb
    # (list_event_source_mapping_result: the one mapping, Enabled, no NextMarker).
    with mock_esm() as esm:
        created = client.create_event_source_mapping(
            FunctionName="worker", EventSourceArn=TABLE_STREAM_ARN,
            StartingPosition="TRIM_HORIZON")
        esm.settle()
        listed = client.list_event_source_mappings(EventSourceArn=TABLE_STREAM_ARN)
        assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert "NextMarker" not in listed
        [only] = listed["EventSourceMappings"]
        assert set(only) == STREAM_KEYS
        assert (only["UUID"], only["State"]) == (created["UUID"], "Enabled")
        updated = client.update_event_source_mapping(UUID=created["UUID"], Enabled=False)
        assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert updated["State"] == "Disabling"
        assert updated["StateTransitionReason"] == "User action"


# TF: Kinesis acceptance steps, each a create then an update, read back as set.
TERRAFORM_STEPS = [
    ("kinesis_batchWindow", "MaximumBatchingWindowInSeconds", [5, 10]),
    ("kinesis_parallelizationFactor", "ParallelizationFactor", [1, 5]),
    ("kinesis_tumblingWindowInSeconds", "TumblingWindowInSeconds", [30, 300]),
    ("kinesis_maximumRetryAttempts", "MaximumRetryAttempts", [10000, 100]),
    ("kinesis_maximumRetryAttemptsZero", "MaximumRetryAttempts", [0, 100, 0]),
    ("kinesis_maximumRetryAttemptsNegativeOne", "MaximumRetryAttempts", [-1, 100, -1]),
    ("kinesis_maximumRecordAgeInSeconds", "MaximumRecordAgeInSeconds", [604800, 3600]),
    ("kinesis_maximumRecordAgeInSecondsNegativeOne", "MaximumRecordAgeInSeconds", [-1, 3600]),
    ("kinesis_bisectBatch", "BisectBatchOnFunctionError", [False, True]),
    ("kinesis_destination", "DestinationConfig",
     [{"OnFailure": {"Destination": TOPIC_ARN}},
      {"OnFailure": {"Destination": TOPIC_ARN + "-update"}}]),
]


@pytest.mark.parametrize(("member", "values"), [step[1:] for step in TERRAFORM_STEPS],
                         ids=[step[0] for step in TERRAFORM_STEPS])
@mock_esm(transition_seconds=0)
def test_terraform_kinesis_steps_read_back_as_set(client, member, values):
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=STREAM_ARN, StartingPosition="TRIM_HORIZON",
        BatchSize=100, **{member: values[0]})["UUID"]
    assert client.get_event_source_mapping(UUID=uuid)[member] == values[0]
    for value in values[1:]:
        client.update_event_source_mapping(UUID=uuid, **{member: value})
        assert client.get_event_source_mapping(UUID=uuid)[member] == value


@SOURCES
@mock_esm(transition_seconds=0)
def test_terraform_basic_then_update_function_batch_and_enabled(client, source):
    # TF TestAccLambdaEventSourceMapping_Kinesis_basic / _DynamoDB_basic: batch size 100,
    # enabled, no function response types, tumbling window 0; then (Kinesis) function, batch
    # size 200 and enabled=false changed.
    uuid = client.create_event_source_mapping(
        FunctionName=f"{FUNCTIONS}:worker", EventSourceArn=source,
        StartingPosition="TRIM_HORIZON", BatchSize=100)["UUID"]
    read = client.get_event_source_mapping(UUID=uuid)
    assert (read["BatchSize"], read["State"], read["FunctionResponseTypes"],
            read["TumblingWindowInSeconds"]) == (100, "Enabled", [], 0)
    client.update_event_source_mapping(UUID=uuid, FunctionName=f"{FUNCTIONS}:worker-update",
                                       BatchSize=200, Enabled=False)
    read = client.get_event_source_mapping(UUID=uuid)
    assert (read["BatchSize"], read["State"], read["FunctionArn"], read["EventSourceArn"]) == (
        200, "Disabled", f"{FUNCTIONS}:worker-update", source)


@mock_esm(transition_seconds=0)
def test_terraform_dynamodb_function_response_types_set_then_cleared(client):
    # TF TestAccLambdaEventSourceMapping_DynamoDB_functionResponseTypes: one type, then none;
    # batch size 150 without a batching window throughout.
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=TABLE_STREAM_ARN, StartingPosition="LATEST",
        BatchSize=150, FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    assert client.get_event_source_mapping(UUID=uuid)["FunctionResponseTypes"] == [
        "ReportBatchItemFailures"]
    client.update_event_source_mapping(UUID=uuid, FunctionResponseTypes=[])
    read = client.get_event_source_mapping(UUID=uuid)
    assert (read["FunctionResponseTypes"], read["BatchSize"]) == ([], 150)


def test_terraform_kinesis_at_timestamp_reads_back_the_timestamp(client):
    # TF TestAccLambdaEventSourceMapping_Kinesis_startingPositionTimestamp: AT_TIMESTAMP with
    # the current time, read back as given.
    now = datetime.datetime(2025, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
    with freeze_time(now), mock_esm(transition_seconds=0):
        uuid = client.create_event_source_mapping(
            FunctionName="worker", EventSourceArn=STREAM_ARN, StartingPosition="AT_TIMESTAMP",
            StartingPositionTimestamp=now, BatchSize=100)["UUID"]
        read = client.get_event_source_mapping(UUID=uuid)
    assert read["StartingPosition"] == "AT_TIMESTAMP"
    assert read["StartingPositionTimestamp"] == now


@pytest.mark.parametrize(("source", "request_members"), [
    # LS-CFN: localstack tests/aws/services/cloudformation/resources/test_lambda.py
    # test_cfn_lambda_dynamodb_source and test_cfn_lambda_kinesis_source, get_esm_result: the
    # mapping CloudFormation made (CreateEventSourceMapping with these members), read back.
    (TABLE_STREAM_ARN, {"BatchSize": 1}),
    (STREAM_ARN, {"BatchSize": 1, "MaximumBatchingWindowInSeconds": 10}),
], ids=["dynamodb", "kinesis"])
@mock_esm(transition_seconds=0)
def test_mappings_read_back_as_recorded_after_cloudformation_made_them(client, source,
                                                                       request_members):
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=source, StartingPosition="TRIM_HORIZON",
        **request_members)["UUID"]
    got = client.get_event_source_mapping(UUID=uuid)
    assert set(body(got)) == STREAM_KEYS
    assert settings(got) == {**DEFAULTS, "EventSourceArn": source,
                             "FunctionArn": f"{FUNCTIONS}:worker",
                             "StartingPosition": "TRIM_HORIZON", "State": "Enabled",
                             **request_members}


@mock_esm(transition_seconds=0)
def test_a_filter_update_replaces_the_filters_in_the_list(client):
    # LS-CFN test_lambda_w_dynamodb_event_filter_update: source_mappings, then
    # updated_source_mappings after the stack changed the pattern from DELETE to MODIFY.
    delete = json.dumps({"eventName": ["DELETE"]})
    modify = json.dumps({"eventName": ["MODIFY"]})
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=TABLE_STREAM_ARN, StartingPosition="TRIM_HORIZON",
        BatchSize=1, FilterCriteria={"Filters": [{"Pattern": delete}]})["UUID"]
    for pattern in (delete, modify):
        if pattern == modify:
            client.update_event_source_mapping(UUID=uuid,
                                               FilterCriteria={"Filters": [{"Pattern": modify}]})
        [listed] = client.list_event_source_mappings(FunctionName="worker")["EventSourceMappings"]
        assert set(listed) == STREAM_KEYS | {"FilterCriteria"}
        assert (listed["State"], listed["FilterCriteria"]) == (
            "Enabled", {"Filters": [{"Pattern": pattern}]})
