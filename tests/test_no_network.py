"""No Lambda request ever leaves the process, and the guard that proves it works."""

from __future__ import annotations

import socket

import boto3
import pytest

from mock_esm import mock_esm
from mock_esm.wire.interceptor import UnmockedLambdaCallError

from .conftest import QUEUE_ARN


def test_the_guard_catches_sockets_and_name_lookups(no_network):
    for attempt in (lambda: socket.getaddrinfo("lambda.us-east-1.amazonaws.com", 443),
                    lambda: socket.gethostbyname("example.com"),
                    lambda: socket.create_connection(("127.0.0.1", 9)),
                    lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)):
        with pytest.raises(AssertionError, match="network access attempted"):
            attempt()
    assert [what for what, _ in no_network] == [
        "socket.getaddrinfo", "socket.gethostbyname", "socket.create_connection",
        "socket.socket"]
    no_network.clear()  # provoked on purpose; the teardown check must still pass


@pytest.mark.parametrize(("operation", "kwargs"), [
    ("list_functions", {}),
    ("invoke", {"FunctionName": "f"}),
    ("get_function", {"FunctionName": "f"}),
    ("tag_resource", {"Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                      "Tags": {"a": "b"}}),
])
def test_lambda_calls_nobody_serves_are_refused_by_name(no_network, operation, kwargs):
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        created = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN, FunctionName="f")
        with pytest.raises(UnmockedLambdaCallError) as raised:
            getattr(client, operation)(**kwargs)
        name = client.meta.method_to_api_mapping[operation]
        assert f"call {name} was not answered" in str(raised.value)
        assert "moto's mock_aws" in str(raised.value)
        assert client.get_event_source_mapping(UUID=created["UUID"])["UUID"] == created["UUID"]
