"""Kinesis data streams and DynamoDB streams: read from a shard position.

Both take the full set of stream error-handling members; only Kinesis can start
``AT_TIMESTAMP`` (DynamoDB streams have no timestamp index).
"""

from __future__ import annotations

from ..sources import SourceKind
from . import common
from .common import Settings

ALLOWED = frozenset({
    "BatchSize", "MaximumBatchingWindowInSeconds", "ParallelizationFactor", "StartingPosition",
    "StartingPositionTimestamp", "DestinationConfig", "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError", "MaximumRetryAttempts", "TumblingWindowInSeconds",
    "FunctionResponseTypes", "MetricsConfig", "FilterCriteria", "KMSKeyArn",
})


def check(kind: SourceKind, settings: Settings) -> None:
    common.check_members(settings, ALLOWED)
    common.check_starting_position(settings, required=True,
                                   at_timestamp=kind.name == "kinesis")
    common.check_common(settings)
