"""Request checks that run before any state changes, and the settings a request produces.

botocore only checks minimums and types on the client; AWS checks the rest on the server.  A
raw HTTP client (the server mode, ``requests``) skips botocore entirely, so types are checked
here too: a wrong type must become AWS's 400, never a Python exception inside the mock.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Mapping

from .errors import InvalidRequestContentException, validation_error
from .sources import SourceKind

_INT = "integer"
_BOOL = "boolean"
_STR = "string"
_LIST = "list"
_MAP = "structure"
_NUM = "timestamp"

# Request members of Create/Update and their JSON types (botocore model, lambda 2015-03-31).
MEMBER_TYPES: Dict[str, str] = {
    "EventSourceArn": _STR, "FunctionName": _STR, "Enabled": _BOOL, "BatchSize": _INT,
    "FilterCriteria": _MAP, "MaximumBatchingWindowInSeconds": _INT,
    "ParallelizationFactor": _INT, "StartingPosition": _STR, "StartingPositionTimestamp": _NUM,
    "DestinationConfig": _MAP, "MaximumRecordAgeInSeconds": _INT,
    "BisectBatchOnFunctionError": _BOOL, "MaximumRetryAttempts": _INT, "Tags": _MAP,
    "TumblingWindowInSeconds": _INT, "Topics": _LIST, "Queues": _LIST,
    "SourceAccessConfigurations": _LIST, "SelfManagedEventSource": _MAP,
    "FunctionResponseTypes": _LIST, "AmazonManagedKafkaEventSourceConfig": _MAP,
    "SelfManagedKafkaEventSourceConfig": _MAP, "ScalingConfig": _MAP,
    "DocumentDBEventSourceConfig": _MAP, "KMSKeyArn": _STR, "MetricsConfig": _MAP,
    "LoggingConfig": _MAP, "ProvisionedPollerConfig": _MAP,
}

# Members that only steer the call; they never appear in the mapping's API view.
REQUEST_ONLY = frozenset({"FunctionName", "Enabled", "Tags", "UUID"})

_PYTHON_TYPES: Dict[str, Any] = {
    _INT: int, _BOOL: bool, _STR: str, _LIST: list, _MAP: dict, _NUM: (int, float),
}

STARTING_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")


def check_types(request: Mapping[str, Any]) -> None:
    """Refuse members whose JSON type is wrong, as Lambda's deserializer does."""
    for name, value in request.items():
        expected = MEMBER_TYPES.get(name)
        if expected is None or value is None:
            continue
        python_type = _PYTHON_TYPES[expected]
        wrong = not isinstance(value, python_type) or (
            expected in (_INT, _NUM) and isinstance(value, bool))
        if wrong:
            raise InvalidRequestContentException(
                f"Could not parse request body into json: Could not deserialize {name}: "
                f"expected a JSON {expected}, got {type(value).__name__}")


def check_create(kind: SourceKind, request: Mapping[str, Any]) -> None:
    """The per-source rules for a new mapping."""
    if request.get("FunctionName") is None:
        raise validation_error("functionName", None, "Member must not be null.")
    position = request.get("StartingPosition")
    if position is not None and position not in STARTING_POSITIONS:
        raise validation_error("startingPosition", position,
                               "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, "
                               "TRIM_HORIZON]")
    if kind.family == "stream" and position is None:
        raise validation_error_ipv_null("startingPosition")


def validation_error_ipv_null(field: str) -> Exception:
    """AWS reports a missing required member of a source as InvalidParameterValue."""
    from .errors import InvalidParameterValueException

    return InvalidParameterValueException(
        f"1 validation error detected: Value null at '{field}' failed to satisfy constraint: "
        "Member must not be null.")


def check_update(kind: SourceKind, request: Mapping[str, Any], merged: Mapping[str, Any]) -> None:
    """The per-source rules for a changed mapping, judged on the merged settings."""


def _apply(fields: Dict[str, Any], request: Mapping[str, Any]) -> None:
    for name, value in request.items():
        if name in REQUEST_ONLY or name not in MEMBER_TYPES or value is None:
            continue
        if name == "FilterCriteria":
            if value.get("Filters"):
                fields[name] = copy.deepcopy(value)
            else:
                fields.pop(name, None)
        elif name == "DestinationConfig":
            merged = copy.deepcopy(fields.get(name, {}))
            merged.update(copy.deepcopy(value))
            fields[name] = merged
        else:
            fields[name] = copy.deepcopy(value)


def build_fields(kind: SourceKind, request: Mapping[str, Any], function_arn: str) -> Dict[str, Any]:
    """The stored settings of a new mapping: the kind's defaults overlaid with the request."""
    fields = copy.deepcopy(dict(kind.defaults))
    _apply(fields, request)
    fields["FunctionArn"] = function_arn
    return fields


def merge_update(fields: Mapping[str, Any], request: Mapping[str, Any]) -> Dict[str, Any]:
    """The settings an Update would leave, without touching the stored ones."""
    merged = copy.deepcopy(dict(fields))
    _apply(merged, request)
    return merged
