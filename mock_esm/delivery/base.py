"""The contract between the poll loop and the source families.

A source family (SQS, streams, Kafka, MQ) is one module with one
object implementing :class:`Source`.  The loop knows nothing about queues or shards: it asks a
source for the next batch of a mapping, invokes the function, and tells the source what failed.
Keeping that seam narrow is what lets each family model its own retry rules (SQS: visibility
timeout; streams: checkpoints, bisection) without the loop growing a branch per family.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Protocol,
    Sequence,
    Set,
    Tuple,
)

from ..service import filters


@dataclass(frozen=True)
class MappingView:
    """What delivery needs of a mapping, copied under the backend lock at one instant."""

    uuid: str
    function_arn: str
    event_source_arn: Optional[str]
    family: str
    kind: str
    account_id: str
    region: str
    settings: Mapping[str, Any]
    created: float = 0.0

    @property
    def batch_size(self) -> int:
        return int(self.settings.get("BatchSize") or 1)

    @property
    def batching_window(self) -> float:
        return float(self.settings.get("MaximumBatchingWindowInSeconds") or 0)

    @property
    def reports_item_failures(self) -> bool:
        return "ReportBatchItemFailures" in (self.settings.get("FunctionResponseTypes") or [])

    @property
    def filter_patterns(self) -> List[str]:
        criteria = self.settings.get("FilterCriteria") or {}
        return [str(item.get("Pattern")) for item in criteria.get("Filters") or []]


@dataclass
class Batch:
    """One invocation's worth of records, as a source prepared it.

    ``item_ids`` are the identifiers a ``batchItemFailures`` response may name (SQS message IDs,
    stream sequence numbers); ``filtered`` are records the filters dropped while preparing it;
    ``token`` is the source's own bookkeeping (receipt handles, shard positions).
    """

    mapping: MappingView
    event: Dict[str, Any]
    records: List[Dict[str, Any]]
    item_ids: List[str]
    filtered: List[Dict[str, Any]] = field(default_factory=list)
    token: Any = None
    invoke_when_empty: bool = False
    """A stream's final tumbling-window invocation carries state but may carry no records."""
    requires_state: bool = False
    """A tumbling-window batch: a response without ``state`` fails it, as on AWS."""


@dataclass(frozen=True)
class Outcome:
    """What the invocation left undone: the item IDs to retry (all of them on a function error)."""

    failed: FrozenSet[str]
    error: Optional[BaseException] = None
    request_id: Optional[str] = None
    result: Any = None
    """What the handler returned, as JSON sees it (a tumbling window's ``state`` lives here)."""

    @property
    def succeeded(self) -> bool:
        return not self.failed


class PollSession:
    """State of one ``poll()`` call: which items of which source it already handed out.

    An item is delivered at most once per ``poll()``, so a queue whose visibility timeout is 0
    (or a clock that runs in real time) cannot keep one ``poll()`` busy forever.
    """

    def __init__(self) -> None:
        self._seen: Dict[str, Set[str]] = {}
        self.views: Dict[str, Tuple[int, MappingView]] = {}
        """The mappings as this poll saw them, by UUID, with the version each view was made at."""
        self.failures: List[Dict[str, Any]] = []
        """Records of discarded stream batches, as sent to their on-failure destinations."""

    def seen(self, source: str) -> Set[str]:
        """The items of ``source`` already delivered by this poll (a live set)."""
        return self._seen.setdefault(source, set())

    def mark(self, source: str, items: Sequence[str]) -> None:
        self.seen(source).update(items)


class Source(Protocol):
    """One family of event sources, as the poll loop drives it."""

    def next_batch(self, mapping: MappingView, now: float,
                   session: PollSession) -> Optional[Batch]:
        """The next batch to deliver now, or None when the mapping has nothing ready.

        A batch whose records were all filtered out still counts as progress: it carries them
        in ``filtered`` and the loop completes it without invoking the function.
        """

    def complete(self, batch: Batch, outcome: Outcome, now: float) -> None:
        """Apply the invocation's outcome (delete, release, checkpoint, retry)."""

    def put_records(self, source: str, records: Sequence[Any], account_id: str,
                    region: str, now: float) -> List[str]:
        """Add records to the in-mock source; returns their identifiers."""

    def reset(self) -> None:
        """Forget every in-mock record."""


def split_by_filters(patterns: Sequence[str], records: Sequence[Dict[str, Any]],
                     view: Callable[[Dict[str, Any]], Mapping[str, Any]],
                     ) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(kept, dropped): the records a mapping's FilterCriteria lets through, and the others.

    ``view`` is the family's rule for what a pattern sees (for SQS, the record with its body
    parsed as JSON when it is a JSON object).
    """
    if not patterns:
        return list(records), []
    kept: List[Dict[str, Any]] = []
    dropped: List[Dict[str, Any]] = []
    for record in records:
        (kept if filters.matches_any(patterns, view(record)) else dropped).append(record)
    return kept, dropped


def with_decoded_json(record: Dict[str, Any], key: str, encoded: Any) -> Dict[str, Any]:
    """The record with ``key`` set to the base64 payload ``encoded`` parsed as JSON, or the
    record unchanged when the payload is not JSON (then only metadata patterns can match)."""
    try:
        parsed = json.loads(base64.b64decode(encoded))
    except (TypeError, ValueError):
        return record
    view = dict(record)
    view[key] = parsed
    return view
