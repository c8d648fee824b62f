"""Apache Kafka: Amazon MSK clusters (by ARN) and self-managed clusters (by bootstrap servers).

Both read one topic from a position, like a stream, and authenticate through
``SourceAccessConfigurations``; a self-managed cluster has no ARN, so Lambda cannot find its
credentials or network without them and requires them.
"""

from __future__ import annotations

import re

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


def check(kind: SourceKind, settings: Settings) -> None:
    self_managed = kind.name == "kafka"
    if self_managed:
        common.check_access(settings, ACCESS_TYPES, required=True)
    common.check_members(settings, SELF_MANAGED_ALLOWED if self_managed else MSK_ALLOWED)
    common.require(settings, "Topics")
    common.check_starting_position(settings, required=True, at_timestamp=True)
    if self_managed:
        _check_servers(settings)
    else:
        common.check_access(settings, ACCESS_TYPES, required=False)
    common.check_common(settings, kafka=True)
