"""Nothing leaks from one activation into the next: a stopped controller refuses control calls,
and paging markers are good only for the backend (activation, reset) that issued them."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from mock_esm import mock_esm

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"

CALLS = {
    "settle": lambda esm: esm.settle(),
    "reset": lambda esm: esm.reset(),
    "mappings": lambda esm: esm.mappings(),
    "poll": lambda esm: esm.poll(),
    "put_records": lambda esm: esm.put_records(QUEUE, ["hello"]),
    "register_function": lambda esm: esm.register_function("f", lambda event, context: None),
    "inject_error": lambda esm: esm.inject_error("CreateEventSourceMapping",
                                                 "TooManyRequestsException"),
}


def _message(call: str) -> str:
    return (f"EsmMock.{call}() was called on a mock that is not active. Call it inside "
            f"'with mock_esm() as esm:' or the test that @mock_esm decorates (or use the "
            f"esm_mock fixture), or between esm.start() and esm.stop().")


@pytest.mark.parametrize("call", sorted(CALLS))
def test_control_calls_on_a_stopped_controller_raise(call):
    with mock_esm() as esm:
        pass
    with pytest.raises(RuntimeError) as caught:
        CALLS[call](esm)
    assert str(caught.value) == _message(call)


@pytest.mark.parametrize("call", sorted(CALLS))
def test_control_calls_on_a_never_started_controller_raise(call):
    with pytest.raises(RuntimeError) as caught:
        CALLS[call](mock_esm())
    assert str(caught.value) == _message(call)


def test_a_stale_controller_cannot_reach_the_next_activation():
    with mock_esm() as stale:
        pass
    with mock_esm(transition_seconds=0) as current:
        client = boto3.client("lambda", region_name="us-east-1")
        with pytest.raises(RuntimeError):
            stale.inject_error("CreateEventSourceMapping", "TooManyRequestsException")
        client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f")
        with pytest.raises(RuntimeError):
            stale.reset()
        assert len(current.mappings()) == 1


def test_an_inner_controller_is_active_only_inside_its_block():
    with mock_esm() as outer:
        with mock_esm() as inner:
            inner.settle()
        with pytest.raises(RuntimeError):
            inner.settle()
        outer.settle()


def _fill(client, count):
    for number in range(count):
        client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName=f"f{number}")


def _invalid_marker(client, marker):
    with pytest.raises(ClientError) as caught:
        client.list_event_source_mappings(Marker=marker)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "InvalidParameterValueException"
    assert marker in error["message"]


def test_a_marker_from_before_reset_is_refused():
    with mock_esm(transition_seconds=0) as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        _fill(client, 3)
        marker = client.list_event_source_mappings(MaxItems=1)["NextMarker"]
        esm.reset()
        _fill(client, 3)
        _invalid_marker(client, marker)
        assert len(client.list_event_source_mappings()["EventSourceMappings"]) == 3


def test_a_marker_from_an_earlier_activation_is_refused():
    with mock_esm(transition_seconds=0):
        client = boto3.client("lambda", region_name="us-east-1")
        _fill(client, 3)
        marker = client.list_event_source_mappings(MaxItems=1)["NextMarker"]
    with mock_esm(transition_seconds=0):
        _fill(client, 3)
        _invalid_marker(client, marker)
