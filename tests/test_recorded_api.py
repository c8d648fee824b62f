"""Errors, listing and tags that hold for every source, answered as AWS answered when recorded.

Each test cites where AWS's answer was recorded: localstack/localstack
``tests/aws/services/lambda_/test_lambda_api.py`` (LS-API) and
``tests/aws/services/lambda_/event_source_mapping/test_lambda_integration_*.py`` (LS-SQS,
LS-KIN, LS-DDB), with their ``.snapshot.json`` files; only tests marked
``@markers.aws.validated`` are cited, because only their snapshots are AWS's own answers.
"""

from __future__ import annotations

import io
import uuid as uuids
import zipfile
from typing import Any, Dict, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from mock_esm import mock_esm

REGION = "us-east-1"
ACCOUNT = "123456789012"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
NOT_FOUND = "The resource you requested does not exist."


def error_of(call: Any, **kwargs: Any) -> Dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response


def assert_user_error(response: Dict[str, Any], code: str, status: int, message: str,
                      message_key: str = "message") -> None:
    """AWS's error as botocore hands it over: code and message, the HTTP status, and the body's
    own ``Type`` and ``message`` (``Message`` for ResourceNotFoundException) members."""
    assert response["Error"] == {"Code": code, "Message": message}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert (response["Type"], response[message_key]) == ("User", message)


@pytest.mark.parametrize("operation", ["get", "delete", "update"])
@mock_esm
def test_unknown_uuid_is_not_found(client, operation):
    # LS-API test_event_source_mapping_exceptions: get_unknown_uuid, delete_unknown_uuid,
    # update_unknown_uuid (the last with Enabled=False).
    calls = {"get": (client.get_event_source_mapping, {}),
             "delete": (client.delete_event_source_mapping, {}),
             "update": (client.update_event_source_mapping, {"Enabled": False})}
    call, extra = calls[operation]
    response = error_of(call, UUID=str(uuids.uuid4()), **extra)
    assert_user_error(response, "ResourceNotFoundException", 404, NOT_FOUND, "Message")


@mock_esm
def test_list_filters_need_not_name_anything_that_exists(client):
    # LS-API test_event_source_mapping_exceptions: "list doesn't care about the resource
    # filters existing".
    for filters in ({}, {"FunctionName": "doesnotexist"},
                    {"EventSourceArn": f"arn:aws:sqs:{REGION}:111111111111:somequeue"}):
        listed = client.list_event_source_mappings(**filters)
        assert listed["EventSourceMappings"] == []
        assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert "NextMarker" not in listed


@mock_esm
def test_a_function_alone_is_an_unrecognized_event_source(client):
    # LS-API test_event_source_mapping_exceptions, create_no_event_source_arn.
    response = error_of(client.create_event_source_mapping, FunctionName="doesnotexist")
    assert_user_error(response, "InvalidParameterValueException", 400,
                      "Unrecognized event source.")


@mock_esm
def test_tags_given_on_create_are_listed(client):
    # LS-API TestLambdaTag test_create_tag_on_esm_create.
    created = client.create_event_source_mapping(FunctionName="worker", EventSourceArn=QUEUE_ARN,
                                                 Tags={"testtag": "value"})
    listed = client.list_tags(Resource=created["EventSourceMappingArn"])
    assert listed["Tags"] == {"testtag": "value"}
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200


@mock_esm
def test_tag_lifecycle_on_a_mapping(client):
    # LS-API TestLambdaTag test_tag_lifecycle[event_source_mapping]: every Tag and Untag answers
    # 204; untagging absent keys is not an error.
    arn = client.create_event_source_mapping(FunctionName="worker",
                                             EventSourceArn=QUEUE_ARN)["EventSourceMappingArn"]
    steps = [
        ("tag", {"A": "tag-a"}, {"A": "tag-a"}),
        ("tag", {"B": "tag-b", "C": "tag-c"}, {"A": "tag-a", "B": "tag-b", "C": "tag-c"}),
        ("tag", {"C": "tag-c-newsuffix", "D": "tag-d"},
         {"A": "tag-a", "B": "tag-b", "C": "tag-c-newsuffix", "D": "tag-d"}),
        ("untag", ["A"], {"B": "tag-b", "C": "tag-c-newsuffix", "D": "tag-d"}),
        ("untag", ["B", "C"], {"D": "tag-d"}),
        ("untag", ["F"], {"D": "tag-d"}),
        ("untag", ["D", "F"], {}),
    ]
    for action, argument, expected in steps:
        if action == "tag":
            answer = client.tag_resource(Resource=arn, Tags=argument)
        else:
            answer = client.untag_resource(Resource=arn, TagKeys=argument)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert client.list_tags(Resource=arn)["Tags"] == expected


@mock_esm
def test_tags_on_an_unknown_mapping_are_not_found(client):
    # LS-API TestLambdaTag test_tag_exceptions[event_source_mapping]: not_found_exception_tag,
    # _untag and _list.
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:{uuids.uuid4()}"
    for call, extra in ((client.tag_resource, {"Tags": {"a": "b"}}),
                        (client.untag_resource, {"TagKeys": ["a"]}),
                        (client.list_tags, {})):
        response = error_of(call, Resource=arn, **extra)
        assert_user_error(response, "ResourceNotFoundException", 404,
                          f"Event source mapping not found: {arn}", "Message")


# -- checks against the rest of the account (moto stands in for it) ------------------------------

def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture
def account() -> Iterator[Dict[str, Any]]:
    """moto's account with one function, ``worker``, and mock_esm answering mapping calls."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_esm(transition_seconds=0) as esm:
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="esm-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(FunctionName="worker", Runtime="python3.12", Role=role,
                            Handler="handler.handler", Code={"ZipFile": _zip()})
        yield {"lambda": lam, "esm": esm}


def test_the_destination_check_comes_before_the_function_check(account):
    # LS-API test_event_source_mapping_exceptions, destination_config_failure: OnSuccess on an
    # SQS mapping of a function that does not exist is refused for the destination.
    response = error_of(
        account["lambda"].create_event_source_mapping, FunctionName="doesnotexist",
        EventSourceArn=f"arn:aws:sqs:{REGION}:111111111111:somequeue",
        DestinationConfig={"OnSuccess": {
            "Destination": f"arn:aws:sqs:{REGION}:111111111111:someotherqueue"}})
    assert_user_error(response, "InvalidParameterValueException", 400,
                      "Unsupported DestinationConfig parameter for given event source mapping "
                      "type.")


def test_the_function_check_comes_before_the_queue_check(account):
    # LS-API test_event_source_mapping_exceptions, create_unknown_params.
    response = error_of(account["lambda"].create_event_source_mapping,
                        FunctionName="doesnotexist",
                        EventSourceArn=f"arn:aws:sqs:{REGION}:111111111111:somequeue")
    assert_user_error(response, "InvalidParameterValueException", 400, "Function does not exist")


def test_a_missing_queue_is_reported_as_receive_message_saw_it(account):
    # LS-SQS test_esm_with_not_existing_sqs_queue.
    response = error_of(account["lambda"].create_event_source_mapping, FunctionName="worker",
                        EventSourceArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:absent")
    assert_user_error(response, "InvalidParameterValueException", 400,
                      "Error occurred while ReceiveMessage. SQS Error Code: "
                      "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The "
                      "specified queue does not exist.")


@pytest.mark.parametrize("stream_arn", [
    # LS-KIN test_esm_with_not_existing_kinesis_stream.
    f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/test-foobar-81ded7e8",
    # LS-DDB test_esm_with_not_existing_dynamodb_stream.
    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/test-table-4a53f4e8/stream/2025-02-22T03:03:25.490",
], ids=["kinesis", "dynamodb"])
def test_a_missing_stream_is_not_found(account, stream_arn):
    response = error_of(account["lambda"].create_event_source_mapping, FunctionName="worker",
                        EventSourceArn=stream_arn, StartingPosition="LATEST")
    assert_user_error(response, "InvalidParameterValueException", 400,
                      f"Stream not found: {stream_arn}")


def test_deleting_the_function_leaves_the_mapping_enabled(account):
    # LS-API test_event_source_mapping_lifecycle_delete_function: get_response_post_delete is
    # still Enabled (200), and deleting the mapping afterwards answers Deleting (202).
    lam = account["lambda"]
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    uuid = lam.create_event_source_mapping(FunctionName="worker",
                                           EventSourceArn=queue_arn)["UUID"]
    lam.delete_function(FunctionName="worker")
    after = lam.get_event_source_mapping(UUID=uuid)
    assert (after["State"], after["ResponseMetadata"]["HTTPStatusCode"]) == ("Enabled", 200)
    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert (deleted["State"], deleted["ResponseMetadata"]["HTTPStatusCode"]) == ("Deleting", 202)
