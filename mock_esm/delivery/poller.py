"""``poll()``: deliver batch after batch until no enabled mapping has one ready.

Nothing runs in the background.  Each round reads the mappings afresh through their backends
with the mock clock (so states advance lazily and updates apply at once), gives every enabled
mapping with a registered function at most one batch, and stops after a round in which no
mapping made progress.  The clock is read again before every batch, so a handler that moves a
frozen clock is seen by the batches after it.
"""

from __future__ import annotations

import copy
from typing import Dict, List, Optional

from .. import clock
from ..backend import BackendRegistry
from ..mapping import ENABLED
from .base import MappingView, Outcome, PollSession, Source
from .functions import FunctionRegistry
from .invoke import invoke
from .report import FilteredRecord, PollReport


def enabled_mappings(registry: BackendRegistry, now: float,
                     uuid: Optional[str] = None) -> List[MappingView]:
    views: List[MappingView] = []
    for backend in registry.backends():
        with backend.lock:
            for mapping in backend.snapshot(now):
                if mapping.state != ENABLED or (uuid is not None and mapping.uuid != uuid):
                    continue
                views.append(MappingView(
                    uuid=mapping.uuid, function_arn=mapping.function_arn,
                    event_source_arn=mapping.fields.get("EventSourceArn"),
                    family=mapping.kind.family, kind=mapping.kind.name,
                    account_id=mapping.account_id, region=mapping.region,
                    settings=copy.deepcopy(mapping.fields)))
    return views


def mapping_exists(registry: BackendRegistry, uuid: str, now: float) -> bool:
    return any(mapping.uuid == uuid for backend in registry.backends()
               for mapping in backend.snapshot(now))


def poll(registry: BackendRegistry, functions: FunctionRegistry, sources: Dict[str, Source],
         uuid: Optional[str] = None) -> PollReport:
    report = PollReport()
    session = PollSession()
    while _round(registry, functions, sources, uuid, session, report):
        pass
    return report


def _round(registry: BackendRegistry, functions: FunctionRegistry, sources: Dict[str, Source],
           uuid: Optional[str], session: PollSession, report: PollReport) -> bool:
    progressed = False
    for view in enabled_mappings(registry, clock.now(), uuid):
        target = functions.lookup(view.function_arn)
        source = sources.get(view.family)
        if target is None or source is None:
            continue
        batch = source.next_batch(view, clock.now(), session)
        if batch is None:
            continue
        progressed = True
        report.filtered.extend(FilteredRecord(view.uuid, r) for r in batch.filtered)
        if not batch.records:
            source.complete(batch, Outcome(frozenset()), clock.now())
            continue
        invocation, outcome = invoke(target, batch)
        source.complete(batch, outcome, clock.now())
        report.append(invocation)
    return progressed


def family_sources() -> Dict[str, Source]:
    """One source object per family; issue 17's families are added here, one module each."""
    from .sqs import SqsSource

    return {"sqs": SqsSource()}


