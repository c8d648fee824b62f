"""Amazon DocumentDB change streams (``arn:…:rds:…:cluster:…``; ARNs have no ``docdb``).

Read from a position like a stream, from one database; Lambda does not filter DocumentDB
events, so ``FilterCriteria`` is refused.
"""

from __future__ import annotations

from ..sources import SourceKind
from . import common
from .common import Settings, refuse

ALLOWED = frozenset({"BatchSize", "MaximumBatchingWindowInSeconds", "StartingPosition",
                     "StartingPositionTimestamp", "DocumentDBEventSourceConfig",
                     "SourceAccessConfigurations", "KMSKeyArn"})
ACCESS_TYPES = frozenset({"BASIC_AUTH"})
DATABASE = "documentDBEventSourceConfig.databaseName"


def check(kind: SourceKind, settings: Settings) -> None:
    common.check_members(settings, ALLOWED)
    config = settings.get("DocumentDBEventSourceConfig") or {}
    if config.get("DatabaseName") is None:
        raise refuse(common.NULL_MEMBER.format(name=DATABASE))
    common.check_starting_position(settings, required=True, at_timestamp=True)
    common.check_access(settings, ACCESS_TYPES, required=False)
    common.check_common(settings)
