"""SQS mappings, answered as AWS answered when recorded.

Each test cites where AWS's answer was recorded:

* LS-API / LS-SQS: localstack/localstack ``tests/aws/services/lambda_/test_lambda_api.py`` and
  ``tests/aws/services/lambda_/event_source_mapping/test_lambda_integration_sqs.py`` with their
  ``.snapshot.json`` files (tests marked ``@markers.aws.validated``: AWS's own answers);
* TF: hashicorp/terraform-provider-aws ``internal/service/lambda/event_source_mapping_test.go``
  (what the provider reads back from AWS after each step of an acceptance test).
"""

from __future__ import annotations

import json

import pytest

from mock_esm import mock_esm

from .rules_support import body, outcome

ACCOUNT = "123456789012"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
FIFO_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs.fifo"
FUNCTIONS = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function"
IPV = "InvalidParameterValueException"
WINDOW_NEEDED = ("Maximum batch window in seconds must be greater than 0 if maximum batch size "
                 "is greater than 10")
# LS-API test_function_name_variations, name_only_create_esm: an SQS answer's exact keys.
SQS_KEYS = {"BatchSize", "EventSourceArn", "EventSourceMappingArn", "FunctionArn",
            "FunctionResponseTypes", "LastModified", "MaximumBatchingWindowInSeconds", "State",
            "StateTransitionReason", "UUID"}


@mock_esm
def test_default_answer_matches_the_recording(client):
    # LS-API test_function_name_variations, name_only_create_esm.
    created = client.create_event_source_mapping(FunctionName="worker", EventSourceArn=QUEUE_ARN)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(body(created)) == SQS_KEYS
    assert created["EventSourceMappingArn"] == (
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:event-source-mapping:{created['UUID']}")
    assert {name: created[name] for name in SQS_KEYS - {
        "EventSourceMappingArn", "LastModified", "UUID"}} == {
        "BatchSize": 10, "EventSourceArn": QUEUE_ARN, "FunctionArn": f"{FUNCTIONS}:worker",
        "FunctionResponseTypes": [], "MaximumBatchingWindowInSeconds": 0, "State": "Creating",
        "StateTransitionReason": "USER_INITIATED"}


@pytest.mark.parametrize(("function_name", "function_arn"), [
    # LS-API test_function_name_variations: every form of FunctionName and the FunctionArn
    # AWS answered with (a qualifier, $LATEST included, is kept).
    ("worker", f"{FUNCTIONS}:worker"),
    ("worker:$LATEST", f"{FUNCTIONS}:worker:$LATEST"),
    ("worker:1", f"{FUNCTIONS}:worker:1"),
    ("worker:myalias", f"{FUNCTIONS}:worker:myalias"),
    (f"{FUNCTIONS}:worker", f"{FUNCTIONS}:worker"),
    (f"{FUNCTIONS}:worker:1", f"{FUNCTIONS}:worker:1"),
    (f"{FUNCTIONS}:worker:myalias", f"{FUNCTIONS}:worker:myalias"),
])
@mock_esm(transition_seconds=0)
def test_function_name_forms_resolve_as_recorded(client, function_name, function_arn):
    created = client.create_event_source_mapping(FunctionName=function_name,
                                                 EventSourceArn=QUEUE_ARN)
    assert (created["FunctionArn"], created["State"]) == (function_arn, "Creating")
    assert client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"
    deleted = client.delete_event_source_mapping(UUID=created["UUID"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


@mock_esm(transition_seconds=0)
def test_batch_size_above_ten_needs_a_batching_window_on_create_and_update(client):
    # LS-SQS test_event_source_mapping_default_batch_size.
    created = client.create_event_source_mapping(FunctionName="worker", EventSourceArn=QUEUE_ARN)
    assert created["BatchSize"] == 10
    _, error = outcome(client.update_event_source_mapping, UUID=created["UUID"], BatchSize=11)
    assert error == (IPV, WINDOW_NEEDED)
    assert client.get_event_source_mapping(UUID=created["UUID"])["BatchSize"] == 10
    _, error = outcome(client.create_event_source_mapping, FunctionName="other",
                       EventSourceArn=QUEUE_ARN, BatchSize=11)
    assert error == (IPV, WINDOW_NEEDED)


@pytest.mark.parametrize(("batch_size", "window"), [
    # LS-SQS test_failing_lambda_retries_after_visibility_timeout; LS-CFN (localstack
    # tests/aws/services/cloudformation/resources/test_lambda.py) test_cfn_lambda_sqs_source.
    (1, 0),
    (10, 1),  # LS-SQS test_sqs_event_source_mapping
    (15, 1), (100, 1), (1000, 1), (10000, 1),  # LS-SQS test_sqs_event_source_mapping_batch_size
])
@mock_esm
def test_batch_size_and_window_are_echoed(client, batch_size, window):
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=QUEUE_ARN, BatchSize=batch_size,
        MaximumBatchingWindowInSeconds=window)
    assert set(body(created)) == SQS_KEYS
    assert (created["BatchSize"], created["MaximumBatchingWindowInSeconds"]) == (
        batch_size, window)


@mock_esm
def test_scaling_config_is_echoed(client):
    # LS-SQS test_sqs_event_source_mapping_batching_reserved_concurrency.
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=QUEUE_ARN, BatchSize=20,
        MaximumBatchingWindowInSeconds=1, ScalingConfig={"MaximumConcurrency": 2})
    assert set(body(created)) == SQS_KEYS | {"ScalingConfig"}
    assert created["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert (created["BatchSize"], created["MaximumBatchingWindowInSeconds"]) == (20, 1)


@mock_esm
def test_report_batch_item_failures_is_echoed(client):
    # LS-SQS test_report_batch_item_failures, create_event_source_mapping.
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=QUEUE_ARN,
        FunctionResponseTypes=["ReportBatchItemFailures"])
    assert created["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_update_to_a_version_arn_answers_updating_then_enabled(client):
    # LS-SQS test_sqs_event_source_mapping_update: created on version 1, updated to version 2.
    with mock_esm() as esm:
        created = client.create_event_source_mapping(
            FunctionName=f"{FUNCTIONS}:worker:1", EventSourceArn=QUEUE_ARN,
            MaximumBatchingWindowInSeconds=1)
        esm.settle()
        updated = client.update_event_source_mapping(UUID=created["UUID"],
                                                     FunctionName=f"{FUNCTIONS}:worker:2")
        assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert (updated["State"], updated["FunctionArn"]) == ("Updating", f"{FUNCTIONS}:worker:2")
        esm.settle()
        got = client.get_event_source_mapping(UUID=created["UUID"])
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert (got["State"], got["FunctionArn"], got["MaximumBatchingWindowInSeconds"]) == (
        "Enabled", f"{FUNCTIONS}:worker:2", 1)


@mock_esm
def test_duplicate_names_the_queue_and_the_function(client):
    # LS-SQS test_duplicate_event_source_mappings: the same pair conflicts, and the message
    # names the function by name; another function on the same queue is fine.
    first = client.create_event_source_mapping(FunctionName="worker", EventSourceArn=QUEUE_ARN)
    _, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                       EventSourceArn=QUEUE_ARN)
    assert error == ("ResourceConflictException",
                     f'An event source mapping with SQS arn (" {QUEUE_ARN} ") and function '
                     f'(" worker ") already exists. Please update or delete the existing mapping '
                     f"with UUID {first['UUID']}")
    second = client.create_event_source_mapping(FunctionName="other", EventSourceArn=QUEUE_ARN)
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 202


def test_fifo_created_disabled_then_enabling_then_enabled(client):
    # LS-SQS test_fifo_message_group_parallelism: create_esm_disabled, update_esm_enabling,
    # get_esm_enabled.
    with mock_esm() as esm:
        created = client.create_event_source_mapping(
            FunctionName="worker", EventSourceArn=FIFO_ARN, BatchSize=1, Enabled=False)
        assert (created["State"], created["BatchSize"]) == ("Disabled", 1)
        assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
        enabling = client.update_event_source_mapping(UUID=created["UUID"], Enabled=True)
        assert enabling["State"] == "Enabling"
        esm.settle()
        assert client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"


@pytest.mark.parametrize("pattern", [
    # LS-SQS test_sqs_invalid_event_filter: each sent as the Pattern string.
    "null", "simple string", json.dumps({"eventSource": "aws:sqs"}),
    json.dumps({"eventSource": []}),
])
@mock_esm
def test_invalid_filter_patterns_are_refused(client, pattern):
    _, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                       EventSourceArn=QUEUE_ARN, MaximumBatchingWindowInSeconds=1,
                       FilterCriteria={"Filters": [{"Pattern": pattern}]})
    assert error == (IPV, "Invalid filter pattern definition.")


@pytest.mark.parametrize("pattern", [
    # LS-SQS test_sqs_event_filter[*]: every pattern AWS accepted (the snapshot shows each
    # Pattern parsed; on the wire it is the string that was sent).
    {"body": {"testItem": ["test24"]}},
    {"body": {"testItem": ["test24", "test45"]}},
    {"body": {"testItem": ["test24", "test45"], "test2": ["go"]}},
    {"body": {"test2": [{"exists": True}]}},
    {"body": {"test2": [{"numeric": [">", 100]}]}},
    {"body": {"test2": [{"numeric": ["<", 100]}]}},
    {"body": {"test2": [{"numeric": [">=", 100, "<", 200]}]}},
    {"body": {"test2": [{"prefix": "us-1"}]}},
    {"body": {"my-number": [{"numeric": [">", 100]}]}},
    {"body": {"my-number": [{"numeric": ["<", 100]}]}},
    {"body": {"my-number": [{"numeric": [">=", 100, "<", 200]}]}},
    {"body": {"my-key": ["my-value"]}},
    {"body": {"my-key": ["my-value-one", "my-value-two"]}},
    {"body": {"my-key-one": ["other-filter", "my-value-one"], "my-key-two": ["my-value-two"]}},
    {"body": {"my-key": [{"exists": True}]}},
    {"body": {"my-key": [{"prefix": "yes"}]}},
])
@mock_esm
def test_valid_filter_patterns_are_echoed_as_sent(client, pattern):
    sent = json.dumps(pattern)
    created = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=QUEUE_ARN, MaximumBatchingWindowInSeconds=1,
        FilterCriteria={"Filters": [{"Pattern": sent}]})
    assert created["FilterCriteria"] == {"Filters": [{"Pattern": sent}]}
    assert set(body(created)) == SQS_KEYS | {"FilterCriteria"}


@mock_esm(transition_seconds=0)
def test_terraform_sqs_basic_then_update_function_batch_and_enabled(client):
    # TF TestAccLambdaEventSourceMapping_SQS_basic: batch size 10, enabled, no filter criteria
    # and no scaling config read back; then function, batch size 5 and enabled=false changed.
    uuid = client.create_event_source_mapping(
        FunctionName=f"{FUNCTIONS}:worker", EventSourceArn=QUEUE_ARN, BatchSize=10)["UUID"]
    read = client.get_event_source_mapping(UUID=uuid)
    assert (read["BatchSize"], read["State"]) == (10, "Enabled")
    assert "FilterCriteria" not in read and "ScalingConfig" not in read
    client.update_event_source_mapping(UUID=uuid, FunctionName=f"{FUNCTIONS}:worker-update",
                                       BatchSize=5, Enabled=False)
    read = client.get_event_source_mapping(UUID=uuid)
    assert (read["BatchSize"], read["State"], read["FunctionArn"], read["EventSourceArn"]) == (
        5, "Disabled", f"{FUNCTIONS}:worker-update", QUEUE_ARN)


@mock_esm(transition_seconds=0)
def test_terraform_sqs_batch_window_zero_then_hundred(client):
    # TF TestAccLambdaEventSourceMapping_SQS_batchWindow: batch size 10, disabled.
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=QUEUE_ARN, BatchSize=10, Enabled=False,
        MaximumBatchingWindowInSeconds=0)["UUID"]
    assert client.get_event_source_mapping(UUID=uuid)["MaximumBatchingWindowInSeconds"] == 0
    client.update_event_source_mapping(UUID=uuid, MaximumBatchingWindowInSeconds=100)
    assert client.get_event_source_mapping(UUID=uuid)["MaximumBatchingWindowInSeconds"] == 100


@mock_esm(transition_seconds=0)
def test_terraform_sqs_filter_criteria_one_two_none_one(client):
    # TF TestAccLambdaEventSourceMapping_SQS_filterCriteria: one filter, two, removed (the
    # provider sends an empty FilterCriteria), one again.
    first = '{"Region": [{"prefix": "us-"}]}'
    second = '{"Location": ["New York"], "Day": ["Monday"]}'
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=QUEUE_ARN,
        FilterCriteria={"Filters": [{"Pattern": first}]})["UUID"]
    steps = [({"Filters": [{"Pattern": first}, {"Pattern": second}]}, [first, second]),
             ({}, None),
             ({"Filters": [{"Pattern": first}]}, [first])]
    for criteria, patterns in steps:
        client.update_event_source_mapping(UUID=uuid, FilterCriteria=criteria)
        read = client.get_event_source_mapping(UUID=uuid)
        if patterns is None:
            assert "FilterCriteria" not in read
        else:
            assert [f["Pattern"] for f in read["FilterCriteria"]["Filters"]] == patterns


@mock_esm(transition_seconds=0)
def test_terraform_sqs_scaling_config_ten_fifteen_removed(client):
    # TF TestAccLambdaEventSourceMapping_SQS_scalingConfig: maximum concurrency 10, then 15,
    # then the block removed (the provider sends an empty ScalingConfig) and none read back.
    uuid = client.create_event_source_mapping(
        FunctionName="worker", EventSourceArn=QUEUE_ARN,
        ScalingConfig={"MaximumConcurrency": 10})["UUID"]
    assert client.get_event_source_mapping(UUID=uuid)["ScalingConfig"] == {
        "MaximumConcurrency": 10}
    client.update_event_source_mapping(UUID=uuid, ScalingConfig={"MaximumConcurrency": 15})
    assert client.get_event_source_mapping(UUID=uuid)["ScalingConfig"] == {
        "MaximumConcurrency": 15}
    removed = client.update_event_source_mapping(UUID=uuid, ScalingConfig={})
    assert "ScalingConfig" not in removed
    assert "ScalingConfig" not in client.get_event_source_mapping(UUID=uuid)
    [listed] = client.list_event_source_mappings()["EventSourceMappings"]
    assert "ScalingConfig" not in listed


def test_terraform_disabling_is_seen_as_disabled(client):
    # TF TestAccLambdaEventSourceMapping_SQS_changesInEnabledAreDetected: Update Enabled=False
    # (retried while ResourceInUseException), then polled until State is Disabled.
    with mock_esm() as esm:
        uuid = client.create_event_source_mapping(FunctionName="worker", EventSourceArn=QUEUE_ARN,
                                                  BatchSize=9)["UUID"]
        with pytest.raises(client.exceptions.ResourceInUseException):
            client.update_event_source_mapping(UUID=uuid, Enabled=False)
        esm.settle()
        disabling = client.update_event_source_mapping(UUID=uuid, Enabled=False)
        assert disabling["State"] == "Disabling"
        esm.settle()
        assert client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
