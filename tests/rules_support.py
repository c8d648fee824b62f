"""Helpers for the per-source rule tables: call through boto3, report AWS's answer."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import botocore.session
import pytest
from botocore.exceptions import ClientError, ParamValidationError

from .conftest import FIFO_ARN, QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN

IPV = "InvalidParameterValueException"
VALIDATION = "ValidationException"
CONFLICT = "ResourceConflictException"
STATUS = {IPV: 400, VALIDATION: 400, CONFLICT: 409}

# A rule's expected answer: None (accepted) or (error code, exact message).
Expected = Optional[Tuple[str, str]]


def body(response: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def outcome(call: Any, **kwargs: Any) -> Tuple[Optional[Dict[str, Any]], Expected]:
    """(response, None) on success, (None, (code, message)) on an AWS error."""
    try:
        return call(**kwargs), None
    except ParamValidationError as error:
        # An older botocore (tox env ``min``) has no such member, so no user of it can send it.
        if "Unknown parameter" in str(error):
            pytest.skip(f"the installed botocore's Lambda model lacks a member: {error}")
        raise
    except ClientError as error:
        response = error.response
        code = response["Error"]["Code"]
        assert response["ResponseMetadata"]["HTTPStatusCode"] == STATUS[code], response
        assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == code
        if code == VALIDATION:
            assert "Type" not in response  # not modelled: botocore adds no top-level copies
        else:
            assert response["Type"] == "User"
            assert response["message"] == response["Error"]["Message"]
        return None, (code, response["Error"]["Message"])


def assert_answer(call: Any, expected: Expected, **kwargs: Any) -> Optional[Dict[str, Any]]:
    """Make the call and check AWS's answer exactly; return the response when accepted."""
    response, error = outcome(call, **kwargs)
    assert error == expected
    return response


LAMBDA_MODEL = botocore.session.get_session().get_service_model("lambda")


def model_pattern(shape: str) -> str:
    """A pattern as the installed model states it (messages quote it, and it changes)."""
    pattern: str = LAMBDA_MODEL.shape_for(shape).metadata["pattern"]
    return pattern


def pattern_error(field: str, value: Any, shape: str) -> Tuple[str, str]:
    return (VALIDATION, f"1 validation error detected: Value '{value}' at '{field}' failed to "
                        f"satisfy constraint: Member must satisfy regular expression pattern: "
                        f"{model_pattern(shape)}")


def enum_error(field: str, value: Any, shape: str) -> Tuple[str, str]:
    values = ", ".join(LAMBDA_MODEL.shape_for(shape).enum)
    return (VALIDATION, f"1 validation error detected: Value '{value}' at '{field}' failed to "
                        f"satisfy constraint: Member must satisfy enum value set: [{values}]")


def _value_the_model_lacks(shape: Any, value: Any) -> Optional[str]:
    """An enum value in ``value`` that the installed model's ``shape`` does not list."""
    if shape.type_name == "structure" and isinstance(value, dict):
        found = (_value_the_model_lacks(shape.members[name], item)
                 for name, item in value.items() if name in shape.members)
        return next((lacking for lacking in found if lacking), None)
    if shape.type_name == "list" and isinstance(value, list):
        found = (_value_the_model_lacks(shape.member, item) for item in value)
        return next((lacking for lacking in found if lacking), None)
    enum = getattr(shape, "enum", None)
    if enum and isinstance(value, str) and value not in enum:
        return value
    return None


def skip_unless_the_model_knows(operation: str, request: Dict[str, Any]) -> None:
    """An older botocore's model lacks enum values a newer one has; Lambda of that era refused
    them, so a rule about them is only testable where the installed model lists them."""
    shape = LAMBDA_MODEL.operation_model(operation).input_shape
    lacking = _value_the_model_lacks(shape, request)
    if lacking is not None:
        pytest.skip(f"the installed botocore's Lambda model lacks the value {lacking!r}")


def model_max(shape: str) -> Optional[int]:
    """A maximum as the installed model states it (Lambda raised some limits over time); None
    where an older model lacks the shape, whose member the client then cannot send (the rule's
    test skips)."""
    if shape not in LAMBDA_MODEL.shape_names:
        return None
    limit: int = LAMBDA_MODEL.shape_for(shape).metadata["max"]
    return limit


def too_big(field: str, value: Any, limit: Optional[int]) -> Tuple[str, str]:
    return (VALIDATION, f"1 validation error detected: Value '{value}' at '{field}' failed to "
                        f"satisfy constraint: Member must have value less than or equal to {limit}")


def unsupported(name: str) -> Tuple[str, str]:
    return (IPV, f"Unsupported '{name}' parameter for given event source mapping type.")



MSK_ARN = ("arn:aws:kafka:us-east-1:123456789012:cluster/orders/"
           "abcd1234-ab12-cd34-ef56-abcdef123456-1")
MQ_ARN = "arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234a5b6-78cd-901e-2fab-3c45d6e178f9"
DOCDB_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:orders"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:broker-creds"
BASIC_AUTH = [{"Type": "BASIC_AUTH", "URI": SECRET}]
SERVERS = ["b-1.kafka.example.com:9092", "b-2.kafka.example.com:9092"]
SELF_MANAGED = {"SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": SERVERS}}}


def null_member(name: str) -> Tuple[str, str]:
    return (IPV, f"1 validation error detected: Value null at '{name}' failed to satisfy "
                 "constraint: Member must not be null.")

# The smallest request each source accepts, keyed by source.
MINIMAL: Dict[str, Dict[str, Any]] = {
    "sqs": {"EventSourceArn": QUEUE_ARN},
    "fifo": {"EventSourceArn": FIFO_ARN},
    "kinesis": {"EventSourceArn": STREAM_ARN, "StartingPosition": "LATEST"},
    "dynamodb": {"EventSourceArn": TABLE_STREAM_ARN, "StartingPosition": "LATEST"},
    "msk": {"EventSourceArn": MSK_ARN, "Topics": ["orders"], "StartingPosition": "LATEST"},
    "kafka": {**SELF_MANAGED, "Topics": ["orders"], "StartingPosition": "LATEST",
              "SourceAccessConfigurations": BASIC_AUTH},
    "mq": {"EventSourceArn": MQ_ARN, "Queues": ["orders"],
           "SourceAccessConfigurations": BASIC_AUTH},
    "documentdb": {"EventSourceArn": DOCDB_ARN, "StartingPosition": "LATEST",
                   "DocumentDBEventSourceConfig": {"DatabaseName": "shop"}},
}


def merged(base: Dict[str, Any], change: Dict[str, Any]) -> Dict[str, Any]:
    """``base`` with ``change`` applied; a ``None`` in the change removes the member."""
    return {k: v for k, v in {**base, **change}.items() if v is not None}


KAFKA_CONSUMER_CONFIGS = ("SelfManagedKafkaEventSourceConfig",
                          "AmazonManagedKafkaEventSourceConfig")


def check_create(client: Any, base: Dict[str, Any], change: Dict[str, Any],
                 expected: Expected) -> None:
    """Create ``base`` + ``change`` and check AWS's answer; a refusal leaves no mapping behind,
    an acceptance echoes every member the change set and is the one mapping listed."""
    if expected is None or expected[0] != VALIDATION:
        skip_unless_the_model_knows("CreateEventSourceMapping", merged(base, change))
    response = assert_answer(client.create_event_source_mapping, expected,
                             FunctionName="worker", **merged(base, change))
    listed = client.list_event_source_mappings(FunctionName="worker")["EventSourceMappings"]
    if expected is not None:
        assert listed == []
        return
    assert response is not None
    for name, value in change.items():
        if name == "FilterCriteria" and not value["Filters"]:
            assert name not in response  # an empty filter list is not echoed
        elif name in KAFKA_CONSUMER_CONFIGS and value is not None:
            # The consumer group defaults to the mapping's UUID when the config leaves it out.
            assert response[name] == {"ConsumerGroupId": response["UUID"], **value}
        elif value is not None and value != []:
            assert response[name] == value
    # The default one-second Creating may end between the two calls on a loaded machine, and
    # the state change moves LastModified with it; everything else must be what Create echoed.
    moved = {"State": listed[0]["State"], "LastModified": listed[0]["LastModified"]}
    assert [body(m) for m in listed] == [{**body(response), **moved}]


def ids(cases: List[Any]) -> List[str]:
    return [case[0] for case in cases]


def table(**cases_by_source: List[Any]) -> Any:
    """One ``pytest.param(source, change, expected)`` per case, id ``<source>-<case>``."""
    return [pytest.param(source, change, expected, id=f"{source}-{name}")
            for source, cases in cases_by_source.items() for name, change, expected in cases]
