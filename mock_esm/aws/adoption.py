"""Mappings that moto holds (made by moto's CloudFormation, say) become mock_esm's on first sight.

While both mocks are active mock_esm answers the event-source-mapping calls, so a mapping that
reached moto's Lambda some other way would be invisible.  Before serving a call, mock_esm asks
moto's own ``ListEventSourceMappings`` (through a client moto answers, see
:mod:`mock_esm.aws.moto_api`) in the call's account and region, and takes in each mapping it has
not met this activation, under moto's UUID.  moto's own copy is left as it is (moto's other
services may still hand it records themselves).  A mapping is met once per activation, so
deleting it through mock_esm sticks although moto still lists it.  moto's later changes to its
copy (a CloudFormation stack updated) are followed, and a mapping moto stops listing (its stack
deleted or its resource replaced) is gone from mock_esm too.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Dict, List

from ..service.backend import EsmBackend
from ..service.errors import AwsError
from ..service.mapping import ENABLED
from . import moto_api
from .wire_json import to_wire

# What moto's copy says that the adopted one should follow; the rest is state of its own.
_VOLATILE = frozenset({"State", "StateTransitionReason", "LastModified", "LastProcessingResult",
                       "ResponseMetadata"})


def _request(model: Any, held: Dict[str, Any], operation: str) -> Dict[str, Any]:
    """The request body that makes (Create) or brings up to date (Update) moto's mapping."""
    shape = model.operation_model(operation).input_shape
    request = to_wire(shape, {name: value for name, value in held.items()
                              if name in shape.members and name != "UUID"
                              and value not in (None, [], {})})
    request["FunctionName"] = held["FunctionArn"]
    request["Enabled"] = _enabled(held)
    return dict(request)


def _enabled(held: Dict[str, Any]) -> bool:
    return held.get("State", ENABLED) in (ENABLED, "Enabling", "Creating")


def _fingerprint(held: Dict[str, Any]) -> str:
    """What changes when moto's copy is updated (by a CloudFormation stack update, say)."""
    settings = {name: value for name, value in held.items() if name not in _VOLATILE}
    return json.dumps([settings, _enabled(held)], sort_keys=True, default=str)


def adopt(backend: EsmBackend) -> None:
    """Follow the mappings moto holds in this backend's account and region: take in those met
    for the first time, bring adopted ones up to date when moto's copy changed, and let go of
    those moto no longer holds."""
    lam = moto_api.client("lambda", backend.region, backend.account_id)
    model = lam.meta.service_model
    # UUID -> fingerprint of moto's copy when it was last followed.
    adopted: Dict[str, str] = moto_api.activation_cache("adopted").setdefault(
        (backend.account_id, backend.region), {})
    held_now = _held(lam)
    for uuid in set(adopted) - {str(held.get("UUID")) for held in held_now}:
        del adopted[uuid]
        # Already deleted through mock_esm, or mid-transition: nothing to let go of now.
        with contextlib.suppress(AwsError):
            backend.delete(uuid, 0.0)
    for held in held_now:
        uuid, fingerprint = str(held.get("UUID")), _fingerprint(held)
        if uuid in adopted:
            if adopted[uuid] != fingerprint and _follow(backend, model, held):
                adopted[uuid] = fingerprint
        elif _take_in(backend, model, held):
            adopted[uuid] = fingerprint


def _held(lam: Any) -> List[Dict[str, Any]]:
    """Every mapping moto's own ListEventSourceMappings answers, page after page."""
    held: List[Dict[str, Any]] = []
    marker: Dict[str, str] = {}
    while True:
        page = lam.list_event_source_mappings(**marker)
        held.extend(page.get("EventSourceMappings") or [])
        if not page.get("NextMarker"):
            return held
        marker = {"Marker": page["NextMarker"]}


def _follow(backend: EsmBackend, model: Any, held: Dict[str, Any]) -> bool:
    """Apply moto's changed copy to the adopted mapping; False while it cannot be (a transition
    is pending, say), so the next call tries again."""
    try:
        backend.update(str(held["UUID"]), _request(model, held, "UpdateEventSourceMapping"), 0.0)
    except AwsError:
        return False
    return True


def _take_in(backend: EsmBackend, model: Any, held: Dict[str, Any]) -> bool:
    """Whether moto's mapping became mock_esm's now."""
    key = f"{backend.account_id}:{backend.region}:{held.get('UUID')}"
    if not held.get("UUID") or not held.get("FunctionArn") or not moto_api.first_sight(key):
        return False
    # A mapping moto kept that Lambda would refuse stays moto's alone.
    try:
        backend.create(_request(model, held, "CreateEventSourceMapping"), 0.0,
                       uuid=str(held["UUID"]))
    except AwsError:
        return False
    return True
