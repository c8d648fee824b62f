"""Apache Kafka: Amazon MSK clusters (by ARN) and self-managed clusters (by bootstrap servers).

Both read one topic from a position, like a stream, and authenticate through
``SourceAccessConfigurations``; a self-managed cluster has no ARN, so Lambda cannot find its
credentials or network without them and requires them.
"""

from __future__ import annotations

import re
from typing import Any, Dict

from ..sources import SourceKind
from . import common
from .common import Settings, refuse

_SHARED = frozenset({
    "BatchSize", "MaximumBatchingWindowInSeconds", "StartingPosition",
    "StartingPositionTimestamp", "Topics", "SourceAccessConfigurations", "FilterCriteria",
    "FunctionResponseTypes", "DestinationConfig", "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError", "MaximumRetryAttempts", "MetricsConfig", "LoggingConfig",
    "ProvisionedPollerConfig", "KMSKeyArn",
})
SELF_MANAGED_ALLOWED = _SHARED | {"SelfManagedEventSource", "SelfManagedKafkaEventSourceConfig"}
MSK_ALLOWED = _SHARED | {"AmazonManagedKafkaEventSourceConfig"}

ACCESS_TYPES = frozenset({
    "BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH",
    "SERVER_ROOT_CA_CERTIFICATE", "VPC_SUBNET", "VPC_SECURITY_GROUP",
})
# OAuth and IAM sign-in: self-managed clusters only (the model's SourceAccessConfiguration docs).
OAUTH = "OAUTHBEARER_AUTH"
IAM_OAUTH = "IAM_OAUTHBEARER_AUTH"
SELF_MANAGED_ACCESS_TYPES = ACCESS_TYPES | {
    OAUTH, "OAUTHBEARER_SCOPE", "OAUTHBEARER_AUDIENCE", "OAUTHBEARER_LOGICAL_CLUSTER",
    "OAUTHBEARER_IDENTITY_POOL", "IAM_AUTH", IAM_OAUTH,
}
# What each OAuth setting needs beside it, and what IAM_OAUTHBEARER_AUTH cannot be combined with.
_NEEDS = {"OAUTHBEARER_SCOPE": (OAUTH,), "OAUTHBEARER_LOGICAL_CLUSTER": (OAUTH,),
          "OAUTHBEARER_IDENTITY_POOL": (OAUTH,), "OAUTHBEARER_AUDIENCE": (OAUTH, IAM_OAUTH),
          IAM_OAUTH: ("OAUTHBEARER_AUDIENCE",)}
_NOT_WITH_IAM_OAUTH = (OAUTH, "OAUTHBEARER_SCOPE", "OAUTHBEARER_LOGICAL_CLUSTER",
                       "OAUTHBEARER_IDENTITY_POOL")
_NO_URI = ("IAM_AUTH", IAM_OAUTH)  # the function's execution role signs: there is no secret

# Our words (the rules are the model's documentation; AWS's texts are unrecorded).
ACCESS_NEEDS = "SourceAccessConfigurations type '{type}' requires {needed}."
ACCESS_EXCLUDES = ("SourceAccessConfigurations type 'IAM_OAUTHBEARER_AUTH' cannot be combined "
                   "with '{type}'.")
ACCESS_NO_URI = ("SourceAccessConfigurations type '{type}' takes no URI: the function's "
                 "execution role authenticates. Omit URI.")
QUEUE_MODE = ("{name} is not supported when SelfManagedKafkaEventSourceConfig.ConsumptionMode is "
              "Queue.")
MODE_FIXED = ("SelfManagedKafkaEventSourceConfig.ConsumptionMode cannot be changed from {old} to "
              "{new}; create a new event source mapping to use another consumption mode.")
_QUEUE_UNSUPPORTED = ("StartingPosition", "StartingPositionTimestamp",
                      "MaximumBatchingWindowInSeconds")

# Our words: the model's pattern admits five-digit ports above the TCP range.
BAD_PORT = ("SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS entry '{server}' must be "
            "host:port with a port from 1 to 65535.")
_PORT = re.compile(r":(\d{1,5})$")


def _check_servers(settings: Settings) -> None:
    endpoints = (settings.get("SelfManagedEventSource") or {}).get("Endpoints") or {}
    for server in endpoints.get("KAFKA_BOOTSTRAP_SERVERS") or []:
        match = _PORT.search(server)
        if match is None or not 1 <= int(match.group(1)) <= 65535:
            raise refuse(BAD_PORT.format(server=server))


def consumption_mode(settings: Settings) -> str:
    """Stream unless the mapping was created in Queue mode (the model's default)."""
    config = settings.get("SelfManagedKafkaEventSourceConfig") or {}
    return str(config.get("ConsumptionMode") or "Stream")


def _check_sign_in(settings: Settings) -> None:
    configs = [item for item in settings.get("SourceAccessConfigurations") or []
               if isinstance(item, dict)]
    types = {item.get("Type") for item in configs}
    for item in configs:
        kind = str(item.get("Type"))
        if kind in _NO_URI and item.get("URI") is not None:
            raise refuse(ACCESS_NO_URI.format(type=kind))
        if IAM_OAUTH in types and kind in _NOT_WITH_IAM_OAUTH:
            raise refuse(ACCESS_EXCLUDES.format(type=kind))
        needed = _NEEDS.get(kind)
        if needed is not None and types.isdisjoint(needed):
            raise refuse(ACCESS_NEEDS.format(type=kind, needed=" or ".join(needed)))


def check(kind: SourceKind, settings: Settings) -> None:
    self_managed = kind.name == "kafka"
    queue = self_managed and consumption_mode(settings) == "Queue"
    if self_managed:
        common.check_access(settings, SELF_MANAGED_ACCESS_TYPES, required=True)
        _check_sign_in(settings)
    common.check_members(settings, SELF_MANAGED_ALLOWED if self_managed else MSK_ALLOWED)
    common.require(settings, "Topics")
    if queue:
        for name in _QUEUE_UNSUPPORTED:
            if settings.get(name) is not None:
                raise refuse(QUEUE_MODE.format(name=name))
    else:
        # Optional: the model requires it for Kinesis and DynamoDB streams only, and AWS was
        # recorded answering TRIM_HORIZON without it (filled in by fill_identity_defaults).
        common.check_starting_position(settings, required=False, at_timestamp=True)
    if self_managed:
        _check_servers(settings)
    else:
        common.check_access(settings, ACCESS_TYPES, required=False)
    common.check_common(settings, kafka=True)


# Where each Kafka source keeps its consumer group: the group defaults to the mapping's UUID.
_CONSUMER_CONFIG = {"kafka": "SelfManagedKafkaEventSourceConfig",
                    "msk": "AmazonManagedKafkaEventSourceConfig"}


def fill_identity_defaults(kind: SourceKind, settings: Dict[str, Any], uuid: str) -> None:
    """Recorded AWS answers: the consumer group is the mapping's UUID unless one is given, and
    a topic read as a stream starts at TRIM_HORIZON unless told otherwise."""
    name = _CONSUMER_CONFIG[kind.name]
    config = dict(settings.get(name) or {})
    config.setdefault("ConsumerGroupId", uuid)
    settings[name] = config
    if consumption_mode(settings) == "Stream" and settings.get("StartingPosition") is None:
        settings["StartingPosition"] = "TRIM_HORIZON"


def check_change(before: Settings, after: Settings) -> None:
    """What an Update may not change: the consumption mode is fixed at creation."""
    old, new = consumption_mode(before), consumption_mode(after)
    if old != new:
        raise refuse(MODE_FIXED.format(old=old, new=new))
