"""Helpers for the per-source rule tables: call through boto3, report AWS's answer."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from botocore.exceptions import ClientError

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


def too_big(field: str, value: Any, limit: int) -> Tuple[str, str]:
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
