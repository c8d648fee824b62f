"""The request shape of Create/UpdateEventSourceMapping: JSON types and model constraints.

botocore checks types and minimums on the client and nothing else; Lambda's front end checks
every constraint of the model (maximums, enums, patterns, list lengths) before the operation
runs, and answers with one ``ValidationException`` listing every violation.  A raw HTTP client
skips botocore, so types and minimums are checked here too.  The table is copied from the
botocore 1.44.8 model, members in its order (``tests/test_rules_common.py`` compares it with the
installed model); the backend must not import botocore.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ..errors import InvalidRequestContentException, ValidationException

_REGIONAL_ARN = (r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:"
                 r"((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)")
_DESTINATION = r"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|" + _REGIONAL_ARN
_URI = r"[a-zA-Z0-9-\/*:_+=.@-]*"
_SPACED_URI = r"[ a-zA-Z0-9-\/*:_+=.@-]*"
# Java's Unicode classes, as the model writes them (and messages quote them), with the Python
# pattern that admits the same characters: Python's \w is letters and numbers (str.isalnum)
# plus "_", which is [\p{L}\p{N}_]; \p{Z} is the space, line and paragraph separators.
_TAG = r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)"
_SEPARATORS = "\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PYTHON_PATTERNS = {_TAG: "([\\w" + _SEPARATORS + ".:/=+\\-@]*)"}
BOOTSTRAP_SERVER = (r"(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*"
                    r"([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]):[0-9]{1,5}")


# Plain slotted classes rather than dataclasses: these are read-only records, and generating
# four dataclasses cost a sixth of the package's import time.
class Scalar:
    """A string, integer, boolean or timestamp member and its constraints."""

    __slots__ = ("enum", "max", "min", "pattern", "type")

    def __init__(self, type: str, min: Optional[int] = None, max: Optional[int] = None,
                 enum: Tuple[str, ...] = (), pattern: Optional[str] = None) -> None:
        self.type = type
        self.min = min
        self.max = max
        self.enum = enum
        self.pattern = pattern


class ListOf:
    __slots__ = ("max", "member", "min")

    def __init__(self, member: Spec, min: Optional[int] = None,
                 max: Optional[int] = None) -> None:
        self.member = member
        self.min = min
        self.max = max


class MapOf:
    __slots__ = ("key", "max", "min", "value")

    def __init__(self, key: Scalar, value: Spec, min: Optional[int] = None,
                 max: Optional[int] = None) -> None:
        self.key = key
        self.value = value
        self.min = min
        self.max = max


class Struct:
    __slots__ = ("members",)

    def __init__(self, members: Optional[Mapping[str, Spec]] = None) -> None:
        self.members: Mapping[str, Spec] = {} if members is None else members


Spec = Union[Scalar, ListOf, MapOf, Struct]

_STR = Scalar("string")
_INT = Scalar("integer")
_BOOL = Scalar("boolean")


def _int(low: int, high: int) -> Scalar:
    return Scalar("integer", low, high)


_DESTINATION_STRUCT = Struct({"Destination": Scalar("string", 0, 350, pattern=_DESTINATION)})
_KAFKA_CONFIG_MEMBERS: Dict[str, Spec] = {
    "ConsumerGroupId": Scalar("string", 1, 200, pattern=_SPACED_URI),
    "SchemaRegistryConfig": Struct({
        "SchemaRegistryURI": Scalar("string", 1, 10000, pattern=_URI),
        "EventRecordFormat": Scalar("string", enum=("JSON", "SOURCE")),
        "AccessConfigs": ListOf(Struct({
            "Type": Scalar("string", enum=("BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH",
                                           "SERVER_ROOT_CA_CERTIFICATE", "OAUTHBEARER_AUTH")),
            "URI": Scalar("string", 0, 10000, pattern=_REGIONAL_ARN),
        })),
        "SchemaValidationConfigs": ListOf(Struct({
            "Attribute": Scalar("string", enum=("KEY", "VALUE")),
        })),
    }),
}
_MSK_CONFIG = Struct(_KAFKA_CONFIG_MEMBERS)
_SELF_MANAGED_CONFIG = Struct({**_KAFKA_CONFIG_MEMBERS,
                               "ConsumptionMode": Scalar("string", enum=("Stream", "Queue"))})

SOURCE_ACCESS_TYPES = ("BASIC_AUTH", "VPC_SUBNET", "VPC_SECURITY_GROUP", "SASL_SCRAM_512_AUTH",
                       "SASL_SCRAM_256_AUTH", "VIRTUAL_HOST", "CLIENT_CERTIFICATE_TLS_AUTH",
                       "SERVER_ROOT_CA_CERTIFICATE", "OAUTHBEARER_AUTH", "OAUTHBEARER_SCOPE",
                       "OAUTHBEARER_AUDIENCE", "OAUTHBEARER_LOGICAL_CLUSTER",
                       "OAUTHBEARER_IDENTITY_POOL", "IAM_AUTH", "IAM_OAUTHBEARER_AUTH")

# CreateEventSourceMapping's input members, in the model's order (which is the order Lambda
# reports violations in).  FunctionName and EventSourceArn patterns are judged where they are
# resolved (arns.py, sources.py), so only their types are listed here.
CREATE_MEMBERS: Dict[str, Spec] = {
    "EventSourceArn": _STR,
    "FunctionName": _STR,
    "Enabled": _BOOL,
    "BatchSize": _int(1, 10000),
    "FilterCriteria": Struct({"Filters": ListOf(Struct({
        "Pattern": Scalar("string", 0, 4096, pattern=r"[\s\S]*")}))}),
    "KMSKeyArn": Scalar("string", 0, 10000, pattern=r"(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()"),
    "MetricsConfig": Struct({"Metrics": ListOf(
        Scalar("string", enum=("EventCount", "ErrorCount", "KafkaMetrics")), 0, 3)}),
    "LoggingConfig": Struct({"SystemLogLevel": Scalar("string", enum=("DEBUG", "INFO", "WARN"))}),
    "ScalingConfig": Struct({"MaximumConcurrency": _int(2, 1000)}),
    "MaximumBatchingWindowInSeconds": _int(0, 300),
    "ParallelizationFactor": _int(1, 10),
    # Enum order as Lambda prints the set (recorded for StartingPosition), not the model's order.
    "StartingPosition": Scalar("string", enum=("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON")),
    "StartingPositionTimestamp": Scalar("timestamp"),
    "DestinationConfig": Struct({"OnSuccess": _DESTINATION_STRUCT,
                                 "OnFailure": _DESTINATION_STRUCT}),
    "MaximumRecordAgeInSeconds": _int(-1, 604800),
    "BisectBatchOnFunctionError": _BOOL,
    "MaximumRetryAttempts": _int(-1, 10000),
    "Tags": MapOf(Scalar("string", 1, 128, pattern=_TAG), Scalar("string", 0, 256, pattern=_TAG)),
    "TumblingWindowInSeconds": _int(0, 900),
    "Topics": ListOf(Scalar("string", 1, 249, pattern=r"[^.]([a-zA-Z0-9\-_.]+)"), 1, 1),
    "Queues": ListOf(Scalar("string", 1, 1000, pattern=r"[\s\S]*"), 1, 1),
    "SourceAccessConfigurations": ListOf(Struct({
        "Type": Scalar("string", enum=SOURCE_ACCESS_TYPES),
        "URI": Scalar("string", 1, 200, pattern=_SPACED_URI),
    }), 0, 23),
    "SelfManagedEventSource": Struct({"Endpoints": MapOf(
        Scalar("string", enum=("KAFKA_BOOTSTRAP_SERVERS",)),
        ListOf(Scalar("string", 1, 300, pattern=BOOTSTRAP_SERVER), 1, 10), 1, 2)}),
    "FunctionResponseTypes": ListOf(Scalar("string", enum=("ReportBatchItemFailures",)), 0, 1),
    "AmazonManagedKafkaEventSourceConfig": _MSK_CONFIG,
    "SelfManagedKafkaEventSourceConfig": _SELF_MANAGED_CONFIG,
    "DocumentDBEventSourceConfig": Struct({
        "DatabaseName": Scalar("string", 1, 63, pattern=r"[^ /\.$\x22]*"),
        "CollectionName": Scalar("string", 1, 57,
                                 pattern=r"(^(?!(system\x2e)))(^[_a-zA-Z0-9])([^$]*)"),
        "FullDocument": Scalar("string", enum=("UpdateLookup", "Default")),
    }),
    "ProvisionedPollerConfig": Struct({
        "MinimumPollers": _int(1, 200),
        "MaximumPollers": _int(1, 10000),
        "PollerGroupName": Scalar("string", 0, 128, pattern=r"[a-zA-Z0-9-_]*"),
    }),
}

# UpdateEventSourceMapping accepts these; anything else in an Update body is ignored, as
# Lambda's deserializer ignores members its input shape does not have.
UPDATE_MEMBERS = frozenset({
    "FunctionName", "Enabled", "BatchSize", "FilterCriteria", "MaximumBatchingWindowInSeconds",
    "DestinationConfig", "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
    "MaximumRetryAttempts", "ParallelizationFactor", "SourceAccessConfigurations",
    "TumblingWindowInSeconds", "FunctionResponseTypes", "ScalingConfig",
    "AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig", "KMSKeyArn", "MetricsConfig", "LoggingConfig",
    "ProvisionedPollerConfig",
})

_PYTHON_TYPES: Dict[str, Any] = {
    "integer": int, "boolean": bool, "string": str, "timestamp": (int, float),
}
_JSON_NAMES = {"integer": "integer", "boolean": "boolean", "string": "string",
               "timestamp": "timestamp", "list": "list", "map": "structure",
               "structure": "structure"}


_MEMBER_ORDER: Dict[str, int] = {name: position for position, name in enumerate(CREATE_MEMBERS)}


def camel(name: str) -> str:
    """Lambda's wire name for a member in messages: ``BatchSize`` -> ``batchSize``."""
    if name.startswith("KMS"):
        return "kMSKeyArn"
    return name[:1].lower() + name[1:]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)


class _Checker:
    """Walks one request; type errors stop at once, constraint errors are collected."""

    def __init__(self) -> None:
        self.errors: List[str] = []

    def fail(self, path: str, value: Any, constraint: str) -> None:
        self.errors.append(f"Value '{_shown(value)}' at '{path}' failed to satisfy constraint: "
                           f"{constraint}")

    def wrong_type(self, name: str, expected: str, value: Any) -> None:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not deserialize {name}: "
            f"expected a JSON {_JSON_NAMES[expected]}, got {type(value).__name__}")

    def check(self, spec: Spec, value: Any, name: str, path: str) -> None:
        if isinstance(spec, Scalar):
            self._scalar(spec, value, name, path)
        elif isinstance(spec, ListOf):
            if not isinstance(value, list):
                self.wrong_type(name, "list", value)
            self._length(spec.min, spec.max, len(value), value, path)
            for index, item in enumerate(value, 1):
                if item is not None:
                    self.check(spec.member, item, name, f"{path}.{index}.member")
        elif isinstance(spec, MapOf):
            if not isinstance(value, dict):
                self.wrong_type(name, "map", value)
            self._length(spec.min, spec.max, len(value), value, path)
            for key, item in value.items():
                self._scalar(spec.key, key, name, f"{path}.key")
                if item is not None:
                    self.check(spec.value, item, name, f"{path}.{key}")
        else:
            if not isinstance(value, dict):
                self.wrong_type(name, "structure", value)
            for member, member_spec in spec.members.items():
                item = value.get(member)
                if item is not None:
                    self.check(member_spec, item, f"{name}.{member}",
                               f"{path}.{camel(member)}")

    def _scalar(self, spec: Scalar, value: Any, name: str, path: str) -> None:
        python_type = _PYTHON_TYPES[spec.type]
        if not isinstance(value, python_type) or (
                spec.type in ("integer", "timestamp") and isinstance(value, bool)):
            self.wrong_type(name, spec.type, value)
        if spec.type == "string":
            self._length(spec.min, spec.max, len(value), value, path)
            if spec.enum and value not in spec.enum:
                self.fail(path, value, "Member must satisfy enum value set: ["
                          + ", ".join(spec.enum) + "]")
            if spec.pattern is not None and re.fullmatch(
                    _PYTHON_PATTERNS.get(spec.pattern, spec.pattern), value, re.DOTALL) is None:
                self.fail(path, value, "Member must satisfy regular expression pattern: "
                          + spec.pattern)
        elif spec.type == "integer":
            if spec.min is not None and value < spec.min:
                self.fail(path, value, f"Member must have value greater than or equal to "
                          f"{spec.min}")
            if spec.max is not None and value > spec.max:
                self.fail(path, value, f"Member must have value less than or equal to "
                          f"{spec.max}")

    def _length(self, low: Optional[int], high: Optional[int], length: int, value: Any,
                path: str) -> None:
        if low is not None and length < low:
            self.fail(path, value, f"Member must have length greater than or equal to {low}")
        if high is not None and length > high:
            self.fail(path, value, f"Member must have length less than or equal to {high}")


def _quick_check(spec: Spec) -> Optional[Any]:
    """A one-expression test that passes exactly the values ``spec`` accepts without a word,
    for the plain scalars nearly every request is made of; None where the walk is needed."""
    if not isinstance(spec, Scalar) or spec.enum or spec.pattern is not None:
        return None
    if spec.type == "string" and spec.min is None and spec.max is None:
        return lambda value: type(value) is str
    if spec.type == "boolean":
        return lambda value: type(value) is bool
    if spec.type == "integer":
        low = -(2 ** 63) if spec.min is None else spec.min
        high = 2 ** 63 if spec.max is None else spec.max
        return lambda value: type(value) is int and low <= value <= high
    return None


_QUICK = {name: check for name, check in
          ((name, _quick_check(spec)) for name, spec in CREATE_MEMBERS.items())
          if check is not None}


def check_shape(request: Mapping[str, Any]) -> None:
    """Refuse a wrong JSON type (400 InvalidRequestContent) or any model constraint violation
    (400 ValidationException with Lambda's ``N validation errors detected`` sentence)."""
    for name, value in request.items():
        if value is None:
            continue
        quick = _QUICK.get(name)
        if quick is None:
            if name in CREATE_MEMBERS:
                break  # a structure, list or constrained string: walk the whole request
        elif not quick(value):
            break
    else:
        return
    _walk(request)


def _walk(request: Mapping[str, Any]) -> None:
    checker = _Checker()
    # Walk what the request holds (a handful of members), then report in the model's order.
    for name in sorted((n for n, v in request.items() if v is not None and n in CREATE_MEMBERS),
                       key=_MEMBER_ORDER.__getitem__):
        checker.check(CREATE_MEMBERS[name], request[name], name, camel(name))
    errors = checker.errors
    if errors:
        count = len(errors)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(errors))
