"""Tags on event source mapping ARNs: Create's Tags, TagResource, UntagResource, ListTags."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from mock_esm import mock_esm
from mock_esm.service.backend import EsmBackend
from mock_esm.service.routing import Call, handle
from mock_esm.wire.interceptor import UnmockedLambdaCallError

from .conftest import QUEUE_ARN

UNKNOWN = ("arn:aws:lambda:us-east-1:123456789012:event-source-mapping:"
           "00000000-0000-4000-8000-000000000000")


@pytest.fixture
def client(no_network):
    with mock_esm():
        yield boto3.client("lambda", region_name="us-east-1")


def test_tags_given_on_create_are_listed(client):
    arn = client.create_event_source_mapping(
        EventSourceArn=QUEUE_ARN, FunctionName="f", Tags={"team": "a"})["EventSourceMappingArn"]
    listed = client.list_tags(Resource=arn)
    assert listed["Tags"] == {"team": "a"}
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_tag_and_untag_change_what_list_tags_returns(client):
    arn = client.create_event_source_mapping(
        EventSourceArn=QUEUE_ARN, FunctionName="f")["EventSourceMappingArn"]
    assert client.list_tags(Resource=arn)["Tags"] == {}
    tagged = client.tag_resource(Resource=arn, Tags={"team": "a", "env": "test"})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    untagged = client.untag_resource(Resource=arn, TagKeys=["env", "never-set"])
    assert untagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.list_tags(Resource=arn)["Tags"] == {"team": "a"}
    # Tags are not part of the mapping's own view.
    assert "Tags" not in client.get_event_source_mapping(UUID=arn.rsplit(":", 1)[1])


@pytest.mark.parametrize("operation", ["list_tags", "tag_resource", "untag_resource"])
def test_unknown_mapping_arn_is_not_found(client, operation):
    kwargs = {"list_tags": {}, "tag_resource": {"Tags": {"a": "b"}},
              "untag_resource": {"TagKeys": ["a"]}}[operation]
    with pytest.raises(ClientError) as raised:
        getattr(client, operation)(Resource=UNKNOWN, **kwargs)
    response = raised.value.response
    assert response["Error"] == {"Code": "ResourceNotFoundException",
                                 "Message": f"Event source mapping not found: {UNKNOWN}"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_deleted_mapping_has_no_tags(no_network):
    with mock_esm(transition_seconds=0):
        client = boto3.client("lambda", region_name="us-east-1")
        created = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN, FunctionName="f",
                                                     Tags={"a": "b"})
        client.delete_event_source_mapping(UUID=created["UUID"])
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.list_tags(Resource=created["EventSourceMappingArn"])


def test_function_tags_are_refused_without_moto(client):
    function_arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    with pytest.raises(UnmockedLambdaCallError, match="TagResource"):
        client.tag_resource(Resource=function_arn, Tags={"a": "b"})
    with pytest.raises(UnmockedLambdaCallError, match="ListTags"):
        client.list_tags(Resource=function_arn)


def test_function_tags_stay_motos():
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        function_arn = client.create_function(
            FunctionName="f", Runtime="python3.12", Role=role, Handler="h.h",
            Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18})["FunctionArn"]
        client.tag_resource(Resource=function_arn, Tags={"owner": "moto"})
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        mapping_arn = client.create_event_source_mapping(
            EventSourceArn=queue_arn, FunctionName="f", Tags={"owner": "esm"}
        )["EventSourceMappingArn"]
        assert client.list_tags(Resource=function_arn)["Tags"] == {"owner": "moto"}
        assert client.list_tags(Resource=mapping_arn)["Tags"] == {"owner": "esm"}
        # A mapping moto held would be listed too (mock_esm adopts moto's mappings).
        assert [m["EventSourceMappingArn"] for m in client.list_event_source_mappings()[
            "EventSourceMappings"]] == [mapping_arn]


# Raw HTTP (server mode, requests) reaches the tags route without botocore's checks.
@pytest.mark.parametrize(("method", "resource", "body", "status", "code"), [
    ("GET", "not-an-arn", b"", 400, "ValidationException"),
    ("GET", "arn:aws:lambda:us-east-1:123456789012:function:f", b"", 404,
     "ResourceNotFoundException"),
    ("POST", UNKNOWN, b"{not json", 400, "InvalidRequestContentException"),
    ("POST", UNKNOWN, b'{"Tags": ["a"]}', 400, "InvalidRequestContentException"),
    ("POST", UNKNOWN, b"{}", 400, "ValidationException"),
    ("DELETE", UNKNOWN, b"", 400, "ValidationException"),
    ("PUT", UNKNOWN, b"", 404, "UnknownOperationException"),
])
def test_malformed_raw_tag_requests_get_aws_errors(method, resource, body, status, code):
    call = Call(EsmBackend("123456789012", "us-east-1"), 0.0)
    response = handle(call, method, "/2017-03-31/tags/" + resource, {}, body)
    assert (response.status, response.headers["x-amzn-errortype"]) == (status, code)
    assert json.loads(response.body)


def test_server_mode_serves_tags_on_mapping_arns():
    from urllib.parse import quote

    from werkzeug.test import Client

    from mock_esm.wire import server

    client = Client(server.EsmServer(account_id="123456789012", transition_seconds=0))
    created = client.post("/2015-03-31/event-source-mappings", json={
        "EventSourceArn": QUEUE_ARN, "FunctionName": "f", "Tags": {"team": "a"}}).get_json()
    path = "/2017-03-31/tags/" + quote(created["EventSourceMappingArn"], safe="")
    assert client.post(path, json={"Tags": {"env": "test"}}).status_code == 204
    assert client.delete(path, query_string={"tagKeys": "team"}).status_code == 204
    listed = client.get(path)
    assert (listed.status_code, listed.get_json()) == (200, {"Tags": {"env": "test"}})
    missing = client.get("/2017-03-31/tags/" + quote(UNKNOWN, safe=""))
    assert missing.status_code == 404
    assert missing.get_json()["Message"] == f"Event source mapping not found: {UNKNOWN}"
