"""Amazon MQ brokers (ActiveMQ and RabbitMQ): a queue, polled with the broker's credentials.

A broker queue has no stream position, so ``StartingPosition`` is refused; Lambda logs in with
a Secrets Manager secret (plus a virtual host for RabbitMQ), so an access configuration of
those types is required.
"""

from __future__ import annotations

from ..sources import SourceKind
from . import common
from .common import Settings

ALLOWED = frozenset({"BatchSize", "MaximumBatchingWindowInSeconds", "Queues",
                     "SourceAccessConfigurations", "FilterCriteria", "KMSKeyArn"})
ACCESS_TYPES = frozenset({"BASIC_AUTH", "VIRTUAL_HOST"})


def check(kind: SourceKind, settings: Settings) -> None:
    common.check_members(settings, ALLOWED)
    common.require(settings, "Queues")
    common.check_access(settings, ACCESS_TYPES, required=True)
    common.check_common(settings)
