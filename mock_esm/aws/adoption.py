"""Mappings that moto holds (made by moto's CloudFormation, say) become mock_esm's on first sight.

While both mocks are active mock_esm answers the event-source-mapping calls, so a mapping that
reached moto's Lambda some other way would be invisible.  Before serving a call, mock_esm asks
moto's own ``ListEventSourceMappings`` (through a client moto answers, see
:mod:`mock_esm.aws.moto_api`) in the call's account and region, and takes in each mapping it has
not met this activation, under moto's UUID.  moto's own copy is left as it is (moto's other
services may still hand it records themselves).  A mapping is met once per activation, so
deleting it through mock_esm sticks although moto still lists it; one that moto stops listing
(its CloudFormation stack was deleted, say) is gone from mock_esm too.
"""

from __future__ import annotations

import contextlib
from typing import Any, Dict, Set

from ..service.backend import EsmBackend
from ..service.errors import AwsError
from ..service.mapping import ENABLED
from . import moto_api
from .wire_json import to_wire


def _request(model: Any, held: Dict[str, Any]) -> Dict[str, Any]:
    """The CreateEventSourceMapping request that makes moto's mapping again."""
    shape = model.operation_model("CreateEventSourceMapping").input_shape
    request = to_wire(shape, {name: value for name, value in held.items()
                              if name in shape.members and value not in (None, [], {})})
    request["FunctionName"] = held["FunctionArn"]
    request["Enabled"] = held.get("State", ENABLED) in (ENABLED, "Enabling", "Creating")
    return dict(request)


def adopt(backend: EsmBackend) -> None:
    """Take in the mappings moto holds in this backend's account and region, first sight only,
    and let go of those adopted before that moto no longer holds."""
    lam = moto_api.client("lambda", backend.region, backend.account_id)
    adopted: Set[str] = moto_api.activation_cache("adopted").setdefault(
        (backend.account_id, backend.region), set())
    held_now: Set[str] = set()
    marker: Dict[str, str] = {}
    while True:
        page = lam.list_event_source_mappings(**marker)
        for held in page.get("EventSourceMappings") or []:
            held_now.add(str(held.get("UUID")))
            if _take_in(backend, lam, held):
                adopted.add(str(held["UUID"]))
        if not page.get("NextMarker"):
            break
        marker = {"Marker": page["NextMarker"]}
    for uuid in adopted - held_now:
        adopted.discard(uuid)
        # Already deleted through mock_esm, or mid-transition: nothing to let go of now.
        with contextlib.suppress(AwsError):
            backend.delete(uuid, 0.0)


def _take_in(backend: EsmBackend, lam: Any, held: Dict[str, Any]) -> bool:
    """Whether moto's mapping became mock_esm's now."""
    key = f"{backend.account_id}:{backend.region}:{held.get('UUID')}"
    if not held.get("UUID") or not held.get("FunctionArn") or not moto_api.first_sight(key):
        return False
    # A mapping moto kept that Lambda would refuse stays moto's alone.
    try:
        backend.create(_request(lam.meta.service_model, held), 0.0, uuid=str(held["UUID"]))
    except AwsError:
        return False
    return True
