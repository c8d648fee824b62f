"""Mappings that moto holds (made by moto's CloudFormation, say) become mock_esm's on first sight.

While both mocks are active mock_esm answers the event-source-mapping calls, so a mapping that
reached moto's Lambda some other way would be invisible.  Before serving a call, mock_esm asks
moto's own ``ListEventSourceMappings`` (through a client moto answers, see
:mod:`mock_esm.aws.moto_api`) in the call's account and region, and takes in each mapping it has
not met this activation, under moto's UUID.  moto's own copy is left as it is (moto's other
services may still hand it records themselves).  A mapping is met once per activation, so
deleting it through mock_esm sticks although moto still lists it.
"""

from __future__ import annotations

import contextlib
from typing import Any, Dict

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
    """Take in the mappings moto holds in this backend's account and region, first sight only."""
    lam = moto_api.client("lambda", backend.region, backend.account_id)
    marker: Dict[str, str] = {}
    while True:
        page = lam.list_event_source_mappings(**marker)
        for held in page.get("EventSourceMappings") or []:
            _take_in(backend, lam, held)
        if not page.get("NextMarker"):
            return
        marker = {"Marker": page["NextMarker"]}


def _take_in(backend: EsmBackend, lam: Any, held: Dict[str, Any]) -> None:
    key = f"{backend.account_id}:{backend.region}:{held.get('UUID')}"
    if not held.get("UUID") or not held.get("FunctionArn") or not moto_api.first_sight(key):
        return
    # A mapping moto kept that Lambda would refuse stays moto's alone.
    with contextlib.suppress(AwsError):
        backend.create(_request(lam.meta.service_model, held), 0.0,
                       uuid=str(held["UUID"]))
