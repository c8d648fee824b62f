"""What kind of event source a mapping reads, and what AWS answers for each kind.

Lambda decides almost everything (defaults, allowed members, duplicate wording, the
``StateTransitionReason`` text) from the service in the ``EventSourceArn``; self-managed Kafka is
the one source named by ``SelfManagedEventSource`` instead of an ARN.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .errors import InvalidParameterValueException, validation_error
from .json_values import json_copy

UNRECOGNIZED = "Unrecognized event source."

SQS_DUPLICATE = ('An event source mapping with SQS arn (" {source} ") and function '
                 '(" {function} ") already exists. Please update or delete the existing mapping '
                 "with UUID {uuid}")
STREAM_DUPLICATE = ('The event source arn (" {source} ") and function (" {function} ") provided '
                    "mapping already exists. Please update or delete the existing mapping with "
                    "UUID {uuid}")
# Self-managed Kafka names the servers as the request listed them and the function by its ARN.
KAFKA_DUPLICATE = ('An event source mapping with event source ("{servers}"), function '
                   '("{function_arn}"), topics ("{topics}") already exists. Please update or '
                   "delete the existing mapping with UUID {uuid}")

_STREAM_DEFAULTS: Dict[str, Any] = {
    "BatchSize": 100,
    "BisectBatchOnFunctionError": False,
    "DestinationConfig": {"OnFailure": {}},
    "FunctionResponseTypes": [],
    "LastProcessingResult": "No records processed",
    "MaximumBatchingWindowInSeconds": 0,
    "MaximumRecordAgeInSeconds": -1,
    "MaximumRetryAttempts": -1,
    "ParallelizationFactor": 1,
    "TumblingWindowInSeconds": 0,
}


class SourceKind:
    """One family of event source, with the answers AWS gives for it.

    A plain slotted class, not a dataclass: the eight kinds are made once at import, and
    generating a dataclass costs more import time than this whole module otherwise does.  Kinds
    are compared by identity (there is one object per kind)."""

    __slots__ = ("_nested", "claims", "defaults", "duplicate_template", "family", "name",
                 "rules", "transition_reason")

    def __init__(self, name: str, family: str, transition_reason: str,
                 defaults: Optional[Mapping[str, Any]] = None,
                 duplicate_template: str = STREAM_DUPLICATE, *,
                 claims: Optional[Callable[[str, str], bool]] = None,
                 rules: Optional[str] = None) -> None:
        self.name = name
        self.family = family
        # Whether an EventSourceArn's (service, resource) names this kind; None for a kind no
        # ARN names (self-managed Kafka).
        self.claims = claims
        # The module of mock_esm.service.rules that judges this kind's settings.
        self.rules = family if rules is None else rules
        self.transition_reason = transition_reason
        self.defaults: Mapping[str, Any] = {} if defaults is None else defaults
        self.duplicate_template = duplicate_template
        self._nested = tuple(name for name, value in self.defaults.items()
                             if isinstance(value, (dict, list)))

    def fresh_defaults(self) -> Dict[str, Any]:
        """A private copy of the defaults, for a new mapping to own (and change later)."""
        settings = dict(self.defaults)
        for name in self._nested:
            settings[name] = json_copy(settings[name])
        return settings

    def duplicate_message(self, source: str, fields: Mapping[str, Any], function_name: str,
                          function_arn: str, uuid: str) -> str:
        """AWS's ResourceConflictException text for a second mapping of this source."""
        return self.duplicate_template.format(
            source=source, function=function_name, function_arn=function_arn,
            servers=",".join(bootstrap_servers(fields)),
            topics=",".join(fields.get("Topics") or []), uuid=uuid)

    def __repr__(self) -> str:
        return f"SourceKind({self.name!r})"


def bootstrap_servers(fields: Mapping[str, Any]) -> List[str]:
    """A self-managed Kafka mapping's servers, in the order the request listed them."""
    endpoints = (fields.get("SelfManagedEventSource") or {}).get("Endpoints") or {}
    return [str(server) for server in endpoints.get("KAFKA_BOOTSTRAP_SERVERS") or []]


def _queue(fifo: bool) -> Callable[[str, str], bool]:
    def claims(service: str, resource: str) -> bool:
        return (service == "sqs" and bool(resource) and "/" not in resource
                and resource.endswith(".fifo") == fifo)

    return claims


def _prefixed(service_name: str, prefix: str) -> Callable[[str, str], bool]:
    def claims(service: str, resource: str) -> bool:
        return service == service_name and resource.startswith(prefix)

    return claims


_TABLE_STREAM = re.compile(r"^table/[^/]+/stream/.+$")

SQS = SourceKind("sqs", "sqs", "USER_INITIATED",
                 {"BatchSize": 10, "MaximumBatchingWindowInSeconds": 0,
                  "FunctionResponseTypes": []},
                 SQS_DUPLICATE, claims=_queue(fifo=False))
SQS_FIFO = SourceKind("sqs-fifo", "sqs", "USER_INITIATED", SQS.defaults, SQS_DUPLICATE,
                      claims=_queue(fifo=True))
KINESIS = SourceKind("kinesis", "stream", "User action", _STREAM_DEFAULTS, rules="streams",
                     claims=lambda service, resource: (service == "kinesis"
                                                       and resource.startswith("stream/")
                                                       and len(resource) > 7))
DYNAMODB = SourceKind("dynamodb", "stream", "User action", _STREAM_DEFAULTS, rules="streams",
                      claims=lambda service, resource: (service == "dynamodb" and bool(
                          _TABLE_STREAM.match(resource))))
# Kafka, MQ and DocumentDB batch for 500 ms by default, which the integer
# MaximumBatchingWindowInSeconds cannot express, so AWS leaves the key out until it is set.
_POLLED_DEFAULTS: Dict[str, Any] = {
    "BatchSize": 100,
    "LastProcessingResult": "No records processed",
}
MSK = SourceKind("msk", "kafka", "USER_INITIATED", _POLLED_DEFAULTS,
                 claims=_prefixed("kafka", "cluster/"))
SELF_MANAGED_KAFKA = SourceKind("kafka", "kafka", "USER_INITIATED", _POLLED_DEFAULTS,
                                KAFKA_DUPLICATE)
MQ = SourceKind("mq", "mq", "USER_INITIATED", _POLLED_DEFAULTS, claims=_prefixed("mq", "broker:"))
DOCUMENTDB = SourceKind("documentdb", "documentdb", "USER_INITIATED", _POLLED_DEFAULTS,
                        claims=_prefixed("rds", "cluster:"))

# Every kind Lambda recognises: a new source family adds its kinds here (and its rules module,
# and one entry in mock_esm.families for its existence check and delivery).
KINDS: Tuple[SourceKind, ...] = (SQS, SQS_FIFO, KINESIS, DYNAMODB, MSK, SELF_MANAGED_KAFKA, MQ,
                                 DOCUMENTDB)


_check_arn: Optional[Callable[[str], None]] = None


def parse_arn(arn: str) -> Tuple[str, str, str, str, str]:
    """Split an EventSourceArn into (partition, service, region, account, resource), once the
    model's length and pattern for it admit it."""
    global _check_arn
    if _check_arn is None:
        # Imported here: the constraint table is read from botocore by the first call needing it.
        from .rules.model import constraints, value_check

        _check_arn = value_check(constraints().event_source_arn, "eventSourceArn")
    _check_arn(arn)
    _, partition, service, region, account, resource = arn.split(":", 5)
    return partition, service, region, account, resource


def kind_for(event_source_arn: Optional[str],
             self_managed: Optional[Mapping[str, Any]] = None, *,
             arn_checked: bool = False) -> SourceKind:
    """The source kind a Create request names, or AWS's refusal.  ``arn_checked`` says the
    model's constraints on the ARN were judged already (with the rest of the request)."""
    if event_source_arn is None:
        if self_managed:
            if self_managed.get("Endpoints") is None:
                # The endpoints are what name a self-managed source.
                raise validation_error("selfManagedEventSource.endpoints", None,
                                       "Member must not be null")
            return SELF_MANAGED_KAFKA
        raise InvalidParameterValueException(UNRECOGNIZED)
    parts = event_source_arn.split(":", 5) if arn_checked else ()
    if len(parts) == 6:
        service, resource = parts[2], parts[5]
    else:
        _, service, _, _, resource = parse_arn(event_source_arn)
    for kind in KINDS:
        if kind.claims is not None and kind.claims(service, resource):
            return kind
    raise InvalidParameterValueException(UNRECOGNIZED)
