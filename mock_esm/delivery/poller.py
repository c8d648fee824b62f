"""``poll()``: deliver batch after batch until no enabled mapping has one ready.

Nothing runs in the background.  Each round reads the mappings afresh through their backends
with the mock clock (so states advance lazily and updates apply at once), gives every enabled
mapping with a registered function at most one batch, and stops after a round in which no
mapping made progress.  The clock is read again before every batch, so a handler that moves a
frozen clock is seen by the batches after it.
"""

from __future__ import annotations

import copy
from typing import Dict, List, Optional, Tuple

from ..service import clock
from ..service.backend import BackendRegistry
from ..service.mapping import ENABLED
from .base import MappingView, Outcome, PollSession, Source
from .functions import FunctionRegistry
from .invoke import invoke
from .report import FilteredRecord, PollReport


def enabled_mappings(registry: BackendRegistry, now: float, uuid: Optional[str] = None,
                     cache: Optional[Dict[str, Tuple[int, MappingView]]] = None,
                     ) -> List[MappingView]:
    """Every enabled mapping (or the one), as delivery sees it at ``now``.

    ``cache`` keeps the views of one ``poll()`` by UUID with the mapping's version: a mapping
    not changed since its view was made reuses it instead of copying its settings again.
    """
    views: List[MappingView] = []
    for backend in registry.backends():
        for mapping in backend.snapshot(now):
            if mapping.state != ENABLED or (uuid is not None and mapping.uuid != uuid):
                continue
            known = None if cache is None else cache.get(mapping.uuid)
            if known is not None and known[0] == mapping.version:
                views.append(known[1])
                continue
            # The backend replaces a mapping's settings, never changes them in place, so the
            # ones read here stay whole while other threads call the API.
            settings = mapping.fields
            view = MappingView(
                uuid=mapping.uuid, function_arn=settings["FunctionArn"],
                event_source_arn=settings.get("EventSourceArn"),
                family=mapping.kind.family, kind=mapping.kind.name,
                account_id=mapping.account_id, region=mapping.region,
                settings=copy.deepcopy(settings), created=mapping.created)
            if cache is not None:
                cache[mapping.uuid] = (mapping.version, view)
            views.append(view)
    return views


def mapping_exists(registry: BackendRegistry, uuid: str, now: float) -> bool:
    return any(mapping.uuid == uuid for backend in registry.backends()
               for mapping in backend.snapshot(now))


def kafka_mapping(registry: BackendRegistry, uuid: str,
                  now: float) -> Optional[Tuple[str, str]]:
    """(account, region) of the self-managed Kafka mapping with this UUID, if there is one."""
    for backend in registry.backends():
        for mapping in backend.snapshot(now):
            if mapping.uuid == uuid and mapping.kind.name == "kafka":
                return mapping.account_id, mapping.region
    return None


def poll(registry: BackendRegistry, functions: FunctionRegistry, sources: Dict[str, Source],
         uuid: Optional[str] = None) -> PollReport:
    report = PollReport()
    session = PollSession()
    while _round(registry, functions, sources, uuid, session, report):
        pass
    report.failures.extend(session.failures)
    return report


def _round(registry: BackendRegistry, functions: FunctionRegistry, sources: Dict[str, Source],
           uuid: Optional[str], session: PollSession, report: PollReport) -> bool:
    progressed = False
    for view in enabled_mappings(registry, clock.now(), uuid, session.views):
        target = functions.lookup(view.function_arn)
        source = sources.get(view.family)
        if target is None or source is None:
            continue
        batch = source.next_batch(view, clock.now(), session)
        if batch is None:
            continue
        progressed = True
        report.filtered.extend(FilteredRecord(view.uuid, r) for r in batch.filtered)
        if not batch.records and not batch.invoke_when_empty:
            source.complete(batch, Outcome(frozenset()), clock.now())
            continue
        invocation, outcome = invoke(target, batch)
        source.complete(batch, outcome, clock.now())
        report.append(invocation)
        if outcome.succeeded and "LastProcessingResult" in view.settings:
            record_processing_result(registry, view, "OK")
    return progressed


def record_processing_result(registry: BackendRegistry, view: MappingView, result: str) -> None:
    """Write ``LastProcessingResult`` back to the mapping, as AWS reports it after a delivery."""
    registry.get(view.account_id, view.region).record_result(view.uuid, result, clock.now())
