"""Rules shared by several source families, and the messages they answer with.

Every rule judges the *settings a call would leave* (the source's defaults overlaid with the
Create request, or the stored settings overlaid with the Update request), so Create and Update
refuse the same combinations with the same words.  Messages quoted from AWS are marked; the
rest are ours (the manual's "Our wording where AWS's is unrecorded").
"""

from __future__ import annotations

import datetime
from typing import Any, Collection, Dict, Mapping, Optional

from .. import clock
from ..errors import InvalidParameterValueException
from .model import camel, constraints

Settings = Mapping[str, Any]

# AWS's words, as recorded answers give them (docs/recorded.md).
UNSUPPORTED = "Unsupported '{name}' parameter for given event source mapping type."
UNSUPPORTED_DESTINATION = ("Unsupported DestinationConfig parameter for given event source "
                           "mapping type.")
NULL_MEMBER = ("1 validation error detected: Value null at '{name}' failed to satisfy "
               "constraint: Member must not be null.")
NEED_TIMESTAMP = "Need to specify a timestamp"
UNSUPPORTED_POSITION = "Unsupported starting position for arn type: {arn}"
RECORD_AGE = ("MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 "
              "(inclusive)")
INVALID_FILTER = "Invalid filter pattern definition."

# Our words.
MAX_FILTERS = 5
TOO_MANY_FILTERS = ("FilterCriteria can contain at most 5 filters, but {count} were given. "
                    "Combine patterns or request a quota increase.")
FUTURE_TIMESTAMP = ("StartingPositionTimestamp ({timestamp}) cannot be in the future; use a time "
                    "at or before now, or StartingPosition LATEST.")
EARLIEST_TIMESTAMP = ("StartingPositionTimestamp ({timestamp}) must be at or after "
                      "1970-01-01T00:00:00Z (Unix time 0); use StartingPosition TRIM_HORIZON to "
                      "read from the oldest record.")
TIMESTAMP_WITHOUT_AT_TIMESTAMP = ("StartingPositionTimestamp is only valid when "
                                  "StartingPosition is AT_TIMESTAMP.")
KAFKA_METRICS_ONLY = ("MetricsConfig metric 'KafkaMetrics' is only valid for Amazon MSK and "
                      "self-managed Apache Kafka event sources.")
POLLERS_ORDER = ("ProvisionedPollerConfig.MinimumPollers ({low}) must be less than or equal to "
                 "ProvisionedPollerConfig.MaximumPollers ({high}).")

# Our words.
ACCESS_TYPE = ("SourceAccessConfigurations type '{type}' is not valid for this event source "
               "mapping type. Valid types: [{valid}].")

# AWS's words (LocalStack's validated self-managed Kafka test).
ACCESS_MISSING = "Required 'sourceAccessConfigurations' parameter is missing."

# Members that name the source or steer the call; every family accepts them.
ALWAYS = frozenset({"EventSourceArn", "FunctionName", "Enabled", "Tags"})


_order: Optional[Dict[str, int]] = None


def _member_order() -> Dict[str, int]:
    """Create's members -> their place in the model (the order Lambda reports them in)."""
    global _order
    if _order is None:
        _order = {name: position for position, name in enumerate(constraints().create)}
    return _order


def refuse(message: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(message)


def is_given(value: Any) -> bool:
    """Whether a member is set; an empty list is how callers clear a list-valued member."""
    return value is not None and value != []


def check_members(settings: Settings, allowed: Collection[str],
                  special: Optional[Mapping[str, str]] = None) -> None:
    """Refuse, in the model's member order, the first member this source does not take."""
    order = _member_order()
    if all(name in allowed or name in ALWAYS or name not in order for name in settings):
        return  # the usual case, without sorting
    for name in sorted((n for n in settings if n in order), key=order.__getitem__):
        if name in ALWAYS or name in allowed or not is_given(settings.get(name)):
            continue
        if name == "DestinationConfig":
            raise refuse(UNSUPPORTED_DESTINATION)
        if special and name in special:
            raise refuse(special[name])
        raise refuse(UNSUPPORTED.format(name=camel(name)))


def require(settings: Settings, name: str) -> None:
    """A member this source cannot work without, reported as Lambda reports a null member."""
    if not is_given(settings.get(name)):
        raise refuse(NULL_MEMBER.format(name=camel(name)))


def check_access(settings: Settings, allowed: Collection[str], *, required: bool) -> None:
    """SourceAccessConfigurations: present when required, and only this source's types."""
    configs = settings.get("SourceAccessConfigurations") or []
    if not configs:
        if required:
            raise refuse(ACCESS_MISSING)
        return
    types = [item.get("Type") for item in configs if isinstance(item, dict)]
    for kind in types:
        if kind not in allowed:
            raise refuse(ACCESS_TYPE.format(type=kind, valid=", ".join(sorted(allowed))))


def check_destination(settings: Settings) -> None:
    """OnSuccess is in the model but refused by Create and Update for every source."""
    destination = settings.get("DestinationConfig") or {}
    if destination.get("OnSuccess") is not None:
        raise refuse(UNSUPPORTED_DESTINATION)


def check_starting_position(settings: Settings, *, required: bool,
                            at_timestamp: bool) -> None:
    """Required-ness, AT_TIMESTAMP support and the timestamp that must come with it."""
    position = settings.get("StartingPosition")
    if position is None:
        if required:
            raise refuse(NULL_MEMBER.format(name="startingPosition"))
        if settings.get("StartingPositionTimestamp") is not None:
            raise refuse(TIMESTAMP_WITHOUT_AT_TIMESTAMP)
        return
    if position == "AT_TIMESTAMP":
        if not at_timestamp:
            raise refuse(UNSUPPORTED_POSITION.format(arn=settings.get("EventSourceArn")))
        timestamp = settings.get("StartingPositionTimestamp")
        if timestamp is None:
            raise refuse(NEED_TIMESTAMP)
        # Before Unix time 0, SDKs cannot turn the value back into a datetime in every time
        # zone (year 1 under UTC-5 is year 0); no stream holds records from then anyway.
        if timestamp < 0:
            raise refuse(EARLIEST_TIMESTAMP.format(timestamp=_describe(timestamp)))
        if timestamp > clock.now():
            raise refuse(FUTURE_TIMESTAMP.format(timestamp=_describe(timestamp)))
    elif settings.get("StartingPositionTimestamp") is not None:
        raise refuse(TIMESTAMP_WITHOUT_AT_TIMESTAMP)


def _describe(timestamp: float) -> str:
    """The timestamp as ISO 8601 where a datetime can hold it, else the number received."""
    try:
        return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):
        return repr(timestamp)


def check_record_age(settings: Settings) -> None:
    age = settings.get("MaximumRecordAgeInSeconds")
    if age is not None and age != -1 and not 60 <= age <= 604800:
        raise refuse(RECORD_AGE)


def check_filters(settings: Settings) -> None:
    """At most five filters, each a pattern the event-filtering grammar accepts."""
    criteria = settings.get("FilterCriteria") or {}
    filters = criteria.get("Filters") or []
    if len(filters) > MAX_FILTERS:
        raise refuse(TOO_MANY_FILTERS.format(count=len(filters)))
    if not filters:
        return
    # Imported here: most mappings carry no filters, and import time counts for every suite.
    from ..filters import InvalidFilterPattern, validate_pattern

    for item in filters:
        pattern: Any = item.get("Pattern") if isinstance(item, dict) else None
        try:
            validate_pattern(pattern)
        except InvalidFilterPattern:
            raise refuse(INVALID_FILTER) from None


def check_metrics(settings: Settings, *, kafka: bool) -> None:
    metrics = (settings.get("MetricsConfig") or {}).get("Metrics") or []
    if not kafka and "KafkaMetrics" in metrics:
        raise refuse(KAFKA_METRICS_ONLY)


def check_pollers(settings: Settings) -> None:
    pollers = settings.get("ProvisionedPollerConfig") or {}
    low, high = pollers.get("MinimumPollers"), pollers.get("MaximumPollers")
    if low is not None and high is not None and low > high:
        raise refuse(POLLERS_ORDER.format(low=low, high=high))


def check_common(settings: Settings, *, kafka: bool = False) -> None:
    """The checks every family runs after its own member and position rules (each only when
    its member is set: most mappings set none of them)."""
    if "DestinationConfig" in settings:
        check_destination(settings)
    if "MaximumRecordAgeInSeconds" in settings:
        check_record_age(settings)
    if "MetricsConfig" in settings:
        check_metrics(settings, kafka=kafka)
    if "ProvisionedPollerConfig" in settings:
        check_pollers(settings)
    if "FilterCriteria" in settings:
        check_filters(settings)
