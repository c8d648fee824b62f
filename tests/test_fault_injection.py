"""esm.inject_error: failures on purpose, exactly as AWS sends them, for resilience tests."""

from __future__ import annotations

import functools
import io
import json
import subprocess
import sys

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from mock_esm import mock_esm
from mock_esm.service.faults import FAULTS

from .conftest import QUEUE_ARN
from .threads import run_together

OPERATIONS = ("CreateEventSourceMapping", "GetEventSourceMapping", "UpdateEventSourceMapping",
              "DeleteEventSourceMapping", "ListEventSourceMappings")
RETRYING = Config(retries={"max_attempts": 10, "mode": "standard"})
LAMBDA_MODEL = botocore.session.get_session().get_service_model("lambda")
# Any UUID of the length botocore 1.44+ insists on; no mapping has it.
NO_SUCH_UUID = "00000000-0000-0000-0000-000000000000"


@functools.cache
def _client():
    """One retrying client for the module (made before any activation, as users often do);
    creating a client costs more than the calls these tests make."""
    return boto3.client("lambda", region_name="us-east-1", config=RETRYING)


@pytest.fixture
def served():
    """An active mock (transitions instant), a retrying client and one SQS mapping."""
    with mock_esm(transition_seconds=0) as esm:
        client = _client()
        yield esm, client, client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                              FunctionName="f")["UUID"]


def _error(call, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response


def _call(client, operation: str, uuid: str) -> None:
    """One call of ``operation`` that succeeds unless something is injected."""
    if operation == "CreateEventSourceMapping":
        client.create_event_source_mapping(EventSourceArn=QUEUE_ARN + "-other", FunctionName="g")
    elif operation == "GetEventSourceMapping":
        client.get_event_source_mapping(UUID=uuid)
    elif operation == "UpdateEventSourceMapping":
        client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    elif operation == "DeleteEventSourceMapping":
        client.delete_event_source_mapping(UUID=uuid)
    else:
        client.list_event_source_mappings()


def test_injected_throttle_reaches_caller_on_first_attempt_despite_retry_config(served):
    esm, client, uuid = served
    esm.inject_error("UpdateEventSourceMapping", "TooManyRequestsException", times=2)
    # Had botocore retried, the first call would have used up both injections and passed.
    for _ in range(2):
        response = _error(client.update_event_source_mapping, UUID=uuid, BatchSize=7)
        assert response["Error"] == {"Code": "TooManyRequestsException",
                                     "Message": "Rate exceeded"}
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
        assert response["retryAfterSeconds"] == "1"  # the model's name for the header
        assert response["Reason"] == "CallerRateLimitExceeded"
        assert response["Type"] == "User"
        assert response["message"] == "Rate exceeded"
    assert client.get_event_source_mapping(UUID=uuid)["BatchSize"] == 10
    assert client.update_event_source_mapping(UUID=uuid, BatchSize=7)["BatchSize"] == 7


def test_injected_service_exception_is_a_500_with_service_type():
    with mock_esm() as esm:
        esm.inject_error("ListEventSourceMappings", "ServiceException")
        response = _error(_client().list_event_source_mappings)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert response["Error"]["Code"] == "ServiceException"
        assert response["Type"] == "Service"
        assert response["Message"] == "The Lambda service encountered an internal error."


def test_injected_failure_changes_nothing(served):
    esm, client, uuid = served
    before = esm.mappings()
    esm.inject_error("DeleteEventSourceMapping", "ResourceInUseException")
    esm.inject_error("UpdateEventSourceMapping", "ServiceException")
    esm.inject_error("CreateEventSourceMapping", "TooManyRequestsException")
    response = _error(client.delete_event_source_mapping, UUID=uuid)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Message"] == ("The operation conflicts with the resource's "
                                   "availability.")
    _error(client.update_event_source_mapping, UUID=uuid, Enabled=False)
    _error(client.create_event_source_mapping, EventSourceArn=QUEUE_ARN + "2",
           FunctionName="f")
    assert esm.mappings() == before
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"


def test_other_operations_are_not_affected_and_the_injection_waits(served):
    esm, client, uuid = served
    esm.inject_error("DeleteEventSourceMapping", "ServiceException")
    for operation in OPERATIONS:
        if operation != "DeleteEventSourceMapping":
            _call(client, operation, uuid)
    assert _error(client.delete_event_source_mapping,
                  UUID=uuid)["Error"]["Code"] == "ServiceException"
    assert client.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"


def test_injections_are_consumed_in_order_then_calls_succeed(served):
    esm, client, uuid = served
    esm.inject_error("GetEventSourceMapping", "ResourceNotFoundException")
    esm.inject_error("GetEventSourceMapping", "TooManyRequestsException", "slow down",
                     times=2)
    esm.inject_error("GetEventSourceMapping", "ServiceException")
    seen = [_error(client.get_event_source_mapping, UUID=uuid)["Error"] for _ in range(4)]
    assert seen == [
        {"Code": "ResourceNotFoundException",
         "Message": "The resource you requested does not exist."},
        {"Code": "TooManyRequestsException", "Message": "slow down"},
        {"Code": "TooManyRequestsException", "Message": "slow down"},
        {"Code": "ServiceException",
         "Message": "The Lambda service encountered an internal error."},
    ]
    assert client.get_event_source_mapping(UUID=uuid)["UUID"] == uuid


def test_reset_and_outermost_stop_clear_pending_injections():
    with mock_esm() as esm:
        esm.inject_error("ListEventSourceMappings", "ServiceException", times=3)
        esm.reset()
        assert _client().list_event_source_mappings()["EventSourceMappings"] == []
        esm.inject_error("ListEventSourceMappings", "ServiceException", times=3)
    with mock_esm():
        assert _client().list_event_source_mappings()["EventSourceMappings"] == []


def _declared():
    for operation in OPERATIONS:
        for shape in LAMBDA_MODEL.operation_model(operation).error_shapes:
            yield operation, shape


@pytest.mark.parametrize(("operation", "shape"), list(_declared()),
                         ids=lambda value: getattr(value, "name", value))
def test_every_declared_error_is_rendered_as_its_model_says(served, operation, shape):
    esm, client, uuid = served
    esm.inject_error(operation, shape.name)
    with pytest.raises(ClientError) as info:
        _call(client, operation, uuid)
    response = info.value.response
    assert type(info.value).__name__ == shape.name  # client.exceptions.<Code> catches it
    assert response["Error"]["Code"] == shape.name
    assert response["ResponseMetadata"]["HTTPStatusCode"] == (
        shape.metadata["error"]["httpStatusCode"])
    key = "Message" if "Message" in shape.members else "message"
    assert response[key] == response["Error"]["Message"]
    assert response[key].strip()


LIST = ("ListEventSourceMappings", "ServiceException")


@pytest.mark.parametrize(("args", "kwargs", "text"), [
    (("CreateFunction", "ServiceException"), {},
     "inject_error(operation=...) must be one of CreateEventSourceMapping, "
     "DeleteEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings, "
     "UpdateEventSourceMapping; got 'CreateFunction'"),
    (("GetEventSourceMapping", "ResourceInUseException"), {},
     "inject_error(code=...) must be an error that GetEventSourceMapping declares: "
     "InvalidParameterValueException, ResourceNotFoundException, ServiceException, "
     "TooManyRequestsException; got 'ResourceInUseException'"),
    (LIST, {"times": 0}, "inject_error(times=...) must be a whole number >= 1; got 0"),
    (LIST, {"times": True}, "inject_error(times=...) must be a whole number >= 1; got True"),
    (LIST, {"times": 1.5}, "inject_error(times=...) must be a whole number >= 1; got 1.5"),
    (LIST, {"message": ""}, "inject_error(message=...) must be a non-empty string or None "
                            "(None uses AWS's message for ServiceException); got ''"),
], ids=["operation", "code", "times-0", "times-bool", "times-float", "message-empty"])
def test_bad_arguments_are_refused_naming_the_allowed_values(args, kwargs, text):
    with mock_esm() as esm:
        with pytest.raises(ValueError) as info:
            esm.inject_error(*args, **kwargs)
        assert str(info.value) == text
        assert _client().list_event_source_mappings()["EventSourceMappings"] == []  # queued nothing


def test_injections_are_served_exactly_once_across_threads():
    with mock_esm() as esm:
        esm.inject_error("ListEventSourceMappings", "TooManyRequestsException", times=40)
        failures = []

        def work(index: int) -> None:
            client = boto3.client("lambda", region_name="us-east-1", config=RETRYING)
            for _ in range(10):
                try:
                    client.list_event_source_mappings()
                except ClientError as error:
                    failures.append(error.response["Error"]["Code"])

        run_together(8, work)
        assert failures == ["TooManyRequestsException"] * 40


def test_the_request_path_does_not_touch_the_queue_while_nothing_is_pending(monkeypatch):
    def refuse(operation):
        raise AssertionError("the fault queue was consulted with nothing pending")

    monkeypatch.setattr(FAULTS, "take", refuse)
    with mock_esm():
        assert _client().list_event_source_mappings()["EventSourceMappings"] == []



def test_the_fault_queue_and_routing_load_without_botocore():
    # The server mode reuses routing and the queue; neither may drag botocore in.
    code = ("import sys, mock_esm.service.faults, mock_esm.service.routing; "
            "sys.exit('botocore' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize("code", ["TooManyRequestsException", "ServiceException",
                                  "ResourceInUseException"])
def test_injected_error_is_what_botocore_makes_of_the_same_bytes_off_the_wire(code):
    # Send the mock's own error bytes through botocore's real receive path (before-send answers
    # instead of the network; retries off) and compare what users get from both paths.
    with mock_esm() as esm:
        esm.inject_error("DeleteEventSourceMapping", code)
        with pytest.raises(ClientError) as mocked:
            _client().delete_event_source_mapping(UUID=NO_SUCH_UUID)
    response = mocked.value.response
    metadata = response["ResponseMetadata"]
    body = json.dumps({k: v for k, v in response.items()
                       if k not in ("Error", "ResponseMetadata", "retryAfterSeconds")}).encode()
    wire = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="k",
                        aws_secret_access_key="s",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    wire.meta.events.register(
        "before-send.lambda",
        lambda **kwargs: AWSResponse("https://lambda", metadata["HTTPStatusCode"],
                                     metadata["HTTPHeaders"], _Raw(body)))
    with pytest.raises(ClientError) as real:
        wire.delete_event_source_mapping(UUID=NO_SUCH_UUID)
    expected = dict(real.value.response)
    for result in (expected, response):
        result.pop("ResponseMetadata")
    assert response == expected
    assert type(mocked.value).__name__ == type(real.value).__name__ == code


class _Raw(io.BytesIO):
    def stream(self, **kwargs):
        yield self.read()


def test_the_server_mode_serves_injections_through_the_same_routing_hook():
    werkzeug_test = pytest.importorskip("werkzeug.test")
    from mock_esm.wire import server

    app = werkzeug_test.Client(server.EsmServer(account_id="123456789012", transition_seconds=0))
    path = "/2015-03-31/event-source-mappings"
    with mock_esm() as esm:
        esm.inject_error("ListEventSourceMappings", "TooManyRequestsException")
        throttled = app.get(path)
        assert throttled.status_code == 429
        assert throttled.headers["x-amzn-errortype"] == "TooManyRequestsException"
        assert throttled.headers["retry-after"] == "1"
        assert throttled.get_json()["Reason"] == "CallerRateLimitExceeded"
        assert app.get(path).status_code == 200
