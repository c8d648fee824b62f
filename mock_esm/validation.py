"""The backend's one door to request checking, and the settings a request produces.

Order, as Lambda runs it: the request's shape (JSON types, then every model constraint as one
``ValidationException``), then which source the request names (backend, ``sources.kind_for``),
then the source's own rules on the settings the call would leave (``rules``), then duplicates
(backend).  Nothing is stored until all of them pass, so a refused call changes nothing.
"""

from __future__ import annotations

from typing import AbstractSet, Any, Dict, Mapping

from . import rules
from .errors import validation_error
from .json_values import json_copy
from .rules.model import CREATE_MEMBERS, UPDATE_MEMBERS, check_shape
from .sources import SourceKind

# Members that only steer the call; they never appear in the mapping's API view.
REQUEST_ONLY = frozenset({"FunctionName", "Enabled", "Tags", "UUID"})
_CREATE = frozenset(CREATE_MEMBERS)
_FIXED_AT_CREATION = {
    "SelfManagedKafkaEventSourceConfig": ("ConsumerGroupId", "ConsumptionMode"),
    "AmazonManagedKafkaEventSourceConfig": ("ConsumerGroupId",),
}


def check_types(request: Mapping[str, Any]) -> None:
    """Refuse a wrong JSON type or a broken model constraint, before anything else runs."""
    check_shape(request)


def check_create(kind: SourceKind, request: Mapping[str, Any]) -> Dict[str, Any]:
    """The per-source rules for a new mapping; returns the settings it would store."""
    if request.get("FunctionName") is None:
        raise validation_error("functionName", None, "Member must not be null.")
    settings: Dict[str, Any] = kind.fresh_defaults()
    _apply(settings, request, _CREATE)
    rules.check(kind, settings)
    return settings


def check_update(kind: SourceKind, before: Mapping[str, Any], merged: Mapping[str, Any]) -> None:
    """The per-source rules for a changed mapping, judged on the merged settings, and what the
    source does not let an Update change."""
    rules.check_change(kind, before, merged)
    rules.check(kind, merged)


def _apply(fields: Dict[str, Any], request: Mapping[str, Any], members: AbstractSet[str]) -> None:
    for name, value in request.items():
        if name in REQUEST_ONLY or name not in members or value is None:
            continue
        if name == "FilterCriteria":
            if value.get("Filters"):
                fields[name] = json_copy(value)
            else:
                fields.pop(name, None)
        elif name == "DestinationConfig":
            merged = json_copy(fields.get(name, {}))
            merged.update(json_copy(value))
            fields[name] = merged
        elif name == "ScalingConfig" and not value:
            fields.pop(name, None)  # an empty ScalingConfig removes the concurrency limit
        elif name in _FIXED_AT_CREATION:
            # The consumer group and the consumption mode are fixed at creation: a config that
            # leaves them out keeps them (one that names another mode is refused by the rules).
            config = json_copy(value)
            stored = fields.get(name) or {}
            if isinstance(config, dict):
                for kept in _FIXED_AT_CREATION[name]:
                    if config.get(kept) is None and stored.get(kept) is not None:
                        config[kept] = stored[kept]
            fields[name] = config
        else:
            fields[name] = json_copy(value)


def merge_update(fields: Mapping[str, Any], request: Mapping[str, Any]) -> Dict[str, Any]:
    """The settings an Update would leave, without touching the stored ones."""
    merged: Dict[str, Any] = json_copy(dict(fields))
    _apply(merged, request, UPDATE_MEMBERS)
    return merged
