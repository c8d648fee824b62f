"""Amazon SQS standard and FIFO queues.

A queue is polled, not read from a position, so every stream-only member is refused; a FIFO
queue delivers in order per message group, which is why it takes no batching window and at
most ten messages per batch.
"""

from __future__ import annotations

from ..sources import SourceKind
from . import common
from .common import Settings, refuse

ALLOWED = frozenset({"BatchSize", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes",
                     "ScalingConfig", "MetricsConfig", "ProvisionedPollerConfig",
                     "FilterCriteria", "KMSKeyArn"})

# AWS's words.
STARTING_POSITION = "StartingPosition is not valid for SQS event sources."
WINDOW_REQUIRED = ("Maximum batch window in seconds must be greater than 0 if maximum batch size "
                   "is greater than 10")
FIFO_WINDOW = "Batching window is not supported for FIFO queues"
# Our words (the 2018 text AWS used when every queue was limited to ten).
FIFO_BATCH = "Maximum batch size must be between 1 and 10 inclusive"

_SPECIAL = {"StartingPosition": STARTING_POSITION}


def check(kind: SourceKind, settings: Settings) -> None:
    common.check_members(settings, ALLOWED, _SPECIAL)
    batch = settings.get("BatchSize", 10)
    window = settings.get("MaximumBatchingWindowInSeconds") or 0
    if kind.name == "sqs-fifo":
        if window:
            raise refuse(FIFO_WINDOW)
        if batch > 10:
            raise refuse(FIFO_BATCH)
    elif batch > 10 and window < 1:
        raise refuse(WINDOW_REQUIRED)
    common.check_common(settings)
