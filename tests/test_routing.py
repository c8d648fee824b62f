"""Malformed requests that botocore never sends but raw HTTP clients can."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mock_esm import mock_esm
from mock_esm.service.backend import EsmBackend
from mock_esm.service.routing import Call, handle

PATH = "/2015-03-31/event-source-mappings"


@pytest.fixture
def call() -> Call:
    return Call(EsmBackend("123456789012", "us-east-1"), 0.0)


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("POST", PATH, b"{not json", 400, "InvalidRequestContentException"),
    ("POST", PATH, b"[1, 2]", 400, "InvalidRequestContentException"),
    ("POST", PATH, b'{"FunctionName": "f", "EventSourceArn": '
                   b'"arn:aws:sqs:us-east-1:123456789012:q", "BatchSize": "ten"}',
     400, "InvalidRequestContentException"),
    ("POST", PATH, b'{"EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q"}',
     400, "ValidationException"),
    ("POST", PATH, b'{"FunctionName": "f", "EventSourceArn": "not-an-arn"}',
     400, "ValidationException"),
    ("PATCH", PATH, b"", 404, "UnknownOperationException"),
    ("GET", "/2015-03-31/functions", b"", 404, "UnknownOperationException"),
    ("GET", PATH + "/a/b", b"", 404, "UnknownOperationException"),
    ("GET", PATH + "/missing", b"", 404, "ResourceNotFoundException"),
    ("PUT", PATH + "/missing", b"\xff\xfe", 400, "InvalidRequestContentException"),
])
def test_malformed_requests_get_aws_errors(call, method, path, body, status, code):
    response = handle(call, method, path, {}, body)
    assert response.status == status
    assert response.headers["x-amzn-errortype"] == code
    assert json.loads(response.body)


@pytest.mark.parametrize(("raw", "status"), [("abc", 400), ("0", 400), ("10001", 400),
                                             ("5", 200)])
def test_max_items_from_a_raw_query_string(call, raw, status):
    assert handle(call, "GET", PATH, {"MaxItems": raw}, b"").status == status


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-32-le", "utf-32-be"])
def test_json_bodies_in_every_encoding_json_allows_are_read(call, encoding):
    # RFC 8259 asks for UTF-8; the UTF-16/32 forms that json.detect_encoding recognises are
    # read too, as a raw HTTP client may send them (SDKs send UTF-8, read on a fast path).
    request = {"FunctionName": "f", "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q-é"}
    response = handle(call, "POST", PATH, {}, json.dumps(request, ensure_ascii=False)
                      .encode(encoding))
    assert response.status == 202, response.body
    assert json.loads(response.body)["EventSourceArn"] == request["EventSourceArn"]


@pytest.mark.parametrize(("operation", "uuid", "status", "code"), [
    # GET and DELETE on the collection's own path: a listing, and no operation at all.
    ("get_event_source_mapping", "", 200, None),
    ("delete_event_source_mapping", "", 404, "UnknownOperationException"),
    ("update_event_source_mapping", "", 404, "UnknownOperationException"),
    # botocore percent-encodes the UUID, so a slash stays inside its one path segment.
    ("get_event_source_mapping", "a/b", 404, "ResourceNotFoundException"),
    ("get_event_source_mapping", "a%2Fb c", 404, "ResourceNotFoundException"),
])
def test_botocore_calls_are_routed_by_their_path_as_an_http_server_routes_them(
        operation, uuid, status, code):
    config = Config(parameter_validation=False)
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1", config=config)
        try:
            answer = getattr(client, operation)(UUID=uuid)
        except ClientError as error:
            answer = error.response
        metadata = answer["ResponseMetadata"]
        assert (metadata["HTTPStatusCode"], answer.get("Error", {}).get("Code")) == (status, code)
        assert "UUID" not in answer
