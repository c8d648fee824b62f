"""Kinesis and DynamoDB Streams: how Lambda's poller walks a shard.

Per mapping, each shard is split into ``ParallelizationFactor`` lanes by partition key (item
key for DynamoDB), so one key's records stay in order while a failing key blocks only its lane.
A lane has a checkpoint: the last record it finished.  A batch is the next ``BatchSize``
records after the checkpoint that the starting position admits (``TRIM_HORIZON`` all,
``LATEST`` those that arrived from the mapping's creation on, ``AT_TIMESTAMP`` from the
timestamp on), held back until ``MaximumBatchingWindowInSeconds`` has passed since the first
one arrived unless the batch is full.  Records no filter keeps are skipped, not delivered.

On failure the lane blocks on the same records: ``BisectBatchOnFunctionError`` halves the batch
first (halving does not use up retries), ``ReportBatchItemFailures`` moves the checkpoint to just
before the lowest failed sequence number, and after ``MaximumRetryAttempts`` retries, or once
the oldest record is older than ``MaximumRecordAgeInSeconds``, the batch is given up: its
failure record goes to ``DestinationConfig.OnFailure`` (and always to ``report.failures``) and
the lane moves on.  With unlimited retries a failed batch is retried on the next ``poll()``,
so one ``poll()`` always ends; with a limit, one ``poll()`` runs the retries to the end.

``TumblingWindowInSeconds`` cuts batches at window boundaries (windows aligned on the epoch,
by arrival time), passes the state the function returned for the window to the next
invocation, and ends each window with ``isFinalInvokeForWindow`` once the mock clock has passed
its end.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field
from typing import (
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
    overload,
)

from . import moto_streams
from .base import Batch, MappingView, Outcome, PollSession, split_by_filters
from .context import function_version
from .invoke import FunctionError
from .stream_records import (
    StreamItem,
    filter_view,
    iso_millis,
    sequence_of,
    stream_arn,
    to_record,
)
from .stream_store import LocalStreams

_BLOCKED = "blocked"


@dataclass
class Lane:
    """One mapping's position in one shard's lane."""

    checkpoint: Optional[int] = None
    attempts: int = 0
    sizes: List[int] = field(default_factory=list)
    window: Optional[float] = None
    state: Any = field(default_factory=dict)
    scanned: Tuple[int, int, int] = (0, 0, -1)
    """(factor, index, order of the record before it): below that index of the shard, nothing
    after the checkpoint is this lane's, so the next walk starts there."""


@dataclass
class Token:
    lane: Lane
    lane_key: str
    shard_id: str
    items: List[StreamItem]
    session: PollSession
    window: Optional[float]
    final: bool


def _lane_of(key: str, factor: int) -> int:
    if factor <= 1:
        return 0
    # A stable hash (not Python's salted one), so a key keeps its lane across runs.
    return sum(key.encode("utf-8")) % factor


def _admitted(item: StreamItem, mapping: MappingView) -> bool:
    position = mapping.settings.get("StartingPosition")
    if position == "LATEST":
        return item.arrival >= mapping.created
    if position == "AT_TIMESTAMP":
        return item.arrival >= float(mapping.settings.get("StartingPositionTimestamp") or 0)
    return True


class _Orders(Sequence[int]):
    """A shard's ``order`` values, as a sequence ``bisect`` can search without copying."""

    def __init__(self, items: Sequence[StreamItem]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[int, Sequence[int]]:
        if isinstance(index, slice):
            return [item.order for item in self._items[index]]
        return self._items[index].order


class _Pending:
    """A lane's records after its checkpoint that the starting position admits, in order.

    Iterating walks the shard from the checkpoint (found by binary search, or where the lane's
    last walk found its first record) and stops when the caller stops, so a batch costs about
    its own size, not the length of the shard.
    """

    def __init__(self, items: Sequence[StreamItem], lane: Lane, number: int, factor: int,
                 mapping: MappingView) -> None:
        self._items = items
        self._lane = lane
        start = 0 if lane.checkpoint is None else bisect.bisect_right(_Orders(items),
                                                                      lane.checkpoint)
        known_factor, index, before = lane.scanned
        if (known_factor == factor and start < index <= len(items)
                and items[index - 1].order == before):
            start = index
        self._start = start
        self._number = number
        self._factor = factor
        self._mapping = mapping

    def _indexed(self) -> Iterator[Tuple[int, StreamItem]]:
        items, number, factor, mapping = self._items, self._number, self._factor, self._mapping
        for index in range(self._start, len(items)):
            item = items[index]
            if _lane_of(item.key, factor) == number and _admitted(item, mapping):
                yield index, item

    def __iter__(self) -> Iterator[StreamItem]:
        return (item for _, item in self._indexed())

    def first(self) -> Optional[StreamItem]:
        """The lane's next record; remembers where it is, so an idle lane is not walked twice."""
        index, item = next(self._indexed(), (len(self._items), None))
        self._start = index
        if index > 0:
            self._lane.scanned = (self._factor, index, self._items[index - 1].order)
        return item


class StreamSource:
    """The stream family; moto's stream when moto holds it, else the in-mock one."""

    def __init__(self) -> None:
        self.local = LocalStreams()
        self.lanes: Dict[str, Lane] = {}

    def _shards(self, arn: str) -> Dict[str, List[StreamItem]]:
        from_moto = moto_streams.shards_for(arn)
        return from_moto if from_moto is not None else self.local.shards(arn)

    def next_batch(self, mapping: MappingView, now: float,
                   session: PollSession) -> Optional[Batch]:
        arn = stream_arn(mapping.event_source_arn or "")
        factor = int(mapping.settings.get("ParallelizationFactor") or 1)
        with self.local.lock:
            for shard_id, items in self._shards(arn).items():
                for number in range(factor):
                    lane_key = f"{mapping.uuid}|{shard_id}|{number}"
                    if session.seen(lane_key):
                        continue
                    lane = self.lanes.setdefault(lane_key, Lane())
                    pending = _Pending(items, lane, number, factor, mapping)
                    batch = self._batch(mapping, now, session, lane, lane_key, shard_id, pending)
                    if batch is not None:
                        return batch
        return None

    def _batch(self, mapping: MappingView, now: float, session: PollSession, lane: Lane,
               lane_key: str, shard_id: str, pending: _Pending) -> Optional[Batch]:
        width = float(mapping.settings.get("TumblingWindowInSeconds") or 0)
        if width > 0 and lane.window is not None and now >= lane.window + width and not any(
                i.arrival < lane.window + width for i in pending):
            return self._make(mapping, session, lane, lane_key, shard_id, [], lane.window, True)
        first = pending.first()
        if first is None:
            return None
        max_age = int(mapping.settings.get("MaximumRecordAgeInSeconds") or -1)
        if max_age != -1 and now - first.arrival > max_age:
            expired = list(itertools.islice(
                (i for i in pending if now - i.arrival > max_age), mapping.batch_size))
            self._give_up(mapping, lane, session, shard_id, expired, None,
                          "RecordAgeExceeded", now)
            return Batch(mapping=mapping, event={}, records=[], item_ids=[],
                         token=None)
        size = lane.sizes[0] if lane.sizes else mapping.batch_size
        window: Optional[float] = None
        candidates: Iterable[StreamItem] = pending
        if width > 0:
            window = math.floor(first.arrival / width) * width
            end = window + width
            candidates = (i for i in pending if i.arrival < end)
        # One more than a batch tells whether the batch takes the window's last record.
        looked = list(itertools.islice(candidates, size + 1))
        chosen = looked[:size]
        if (len(chosen) < size and mapping.batching_window > 0
                and now < chosen[0].arrival + mapping.batching_window):
            return None
        final = window is not None and now >= window + width and len(chosen) == len(looked)
        return self._make(mapping, session, lane, lane_key, shard_id, chosen, window, final)

    def _make(self, mapping: MappingView, session: PollSession, lane: Lane, lane_key: str,
              shard_id: str, items: List[StreamItem], window: Optional[float],
              final: bool) -> Batch:
        records = [to_record(i, mapping) for i in items]
        patterns = mapping.filter_patterns
        kept, dropped = split_by_filters(patterns, records, filter_view)
        event: Dict[str, Any] = {"Records": kept}
        if window is not None:
            if lane.window != window:
                lane.window, lane.state = window, {}
            width = float(mapping.settings["TumblingWindowInSeconds"])
            event.update({
                "window": {"start": iso_millis(window)[:-5] + "Z",
                           "end": iso_millis(window + width)[:-5] + "Z"},
                "state": lane.state,
                "shardId": shard_id,
                "eventSourceARN": stream_arn(mapping.event_source_arn or ""),
                "isFinalInvokeForWindow": final,
                "isWindowTerminatedEarly": False,
            })
        return Batch(mapping=mapping, event=event, records=kept,
                     item_ids=[sequence_of(r) for r in kept], filtered=dropped,
                     token=Token(lane, lane_key, shard_id, items, session, window, final),
                     invoke_when_empty=final, requires_state=window is not None)

    def complete(self, batch: Batch, outcome: Outcome, now: float) -> None:
        token: Optional[Token] = batch.token
        if token is None:  # records given up for age before any invocation
            return
        mapping = batch.mapping
        failed = set(outcome.failed)
        windowed = token.window is not None
        invoked = outcome.request_id is not None
        answered = isinstance(outcome.result, dict) and "state" in outcome.result
        if windowed and invoked and not failed and not answered:
            # Lambda treats a windowed response without ``state`` as a failed invocation.
            failed = set(batch.item_ids) or {""}
        with self.local.lock:
            lane = token.lane
            if not failed:
                self._finish(lane, token.items)
                if windowed:
                    if token.final:
                        lane.window, lane.state = None, {}
                    elif invoked:
                        lane.state = outcome.result["state"]
                return
            items = token.items
            if outcome.error is None and mapping.reports_item_failures and failed <= set(
                    batch.item_ids) and "" not in failed:
                lowest = min(int(s) for s in failed)
                done = [i for i in items if i.order < lowest]
                if done:
                    self._finish(lane, done, whole=False)
                items = [i for i in items if i.order >= lowest]
            elif (mapping.settings.get("BisectBatchOnFunctionError") and len(items) > 1):
                half = (len(items) + 1) // 2
                lane.sizes[:1] = [half, len(items) - half]
                return
            lane.attempts += 1
            retries = int(mapping.settings.get("MaximumRetryAttempts", -1))
            if retries != -1 and lane.attempts > retries:
                self._give_up(mapping, lane, token.session, token.shard_id, items, outcome,
                              "RetryAttemptsExhausted", now)
            elif retries == -1:
                token.session.mark(token.lane_key, [_BLOCKED])

    def _finish(self, lane: Lane, items: Sequence[StreamItem], whole: bool = True) -> None:
        if items:
            lane.checkpoint = max(i.order for i in items)
        if whole:
            lane.attempts = 0
            if lane.sizes:
                lane.sizes.pop(0)
        elif lane.sizes:
            lane.sizes[0] = max(1, lane.sizes[0] - len(items))

    def _give_up(self, mapping: MappingView, lane: Lane, session: PollSession, shard_id: str,
                 items: List[StreamItem], outcome: Optional[Outcome], condition: str,
                 now: float) -> None:
        if not items:  # a final window invocation that keeps failing: the window closes
            lane.window, lane.state, lane.attempts = None, {}, 0
            return
        record = failure_record(mapping, shard_id, items, outcome, condition, lane.attempts, now)
        self._finish(lane, items)
        session.failures.append(record)
        destination = ((mapping.settings.get("DestinationConfig") or {}).get("OnFailure")
                       or {}).get("Destination")
        if destination:
            moto_streams.send_failure(destination, record, now)

    def put_records(self, source: str, records: Sequence[Any], account_id: str,
                    region: str, now: float) -> List[str]:
        if moto_streams.shards_for(source) is not None:
            raise ValueError(f"put_records(): moto holds {source}; write to it with boto3 "
                             f"(put_records / put_item) while mock_aws is active")
        return self.local.put(source, records, now)

    def reset(self) -> None:
        with self.local.lock:
            self.lanes.clear()
            self.local.reset()


def failure_record(mapping: MappingView, shard_id: str, items: List[StreamItem],
                   outcome: Optional[Outcome], condition: str, attempts: int,
                   now: float) -> Dict[str, Any]:
    """What Lambda sends to an on-failure destination for a batch it gave up on."""
    record: Dict[str, Any] = {"requestContext": {
        "requestId": outcome.request_id if outcome is not None else None,
        "functionArn": mapping.function_arn,
        "condition": condition,
        "approximateInvokeCount": attempts,
    }}
    if outcome is not None:
        response: Dict[str, Any] = {"statusCode": 200,
                                    "executedVersion": function_version(
                                        _qualifier(mapping.function_arn))}
        if outcome.error is not None:
            response["functionError"] = (outcome.error.error_type
                                         if isinstance(outcome.error, FunctionError)
                                         else "Unhandled")
        record["responseContext"] = response
    record["version"] = "1.0"
    record["timestamp"] = iso_millis(now)
    info_key = "KinesisBatchInfo" if mapping.kind == "kinesis" else "DDBStreamBatchInfo"
    first, last = items[0], items[-1]
    record[info_key] = {
        "shardId": shard_id,
        "startSequenceNumber": first.sequence_number,
        "endSequenceNumber": last.sequence_number,
        "approximateArrivalOfFirstRecord": iso_millis(first.arrival),
        "approximateArrivalOfLastRecord": iso_millis(last.arrival),
        "batchSize": len(items),
        "streamArn": stream_arn(mapping.event_source_arn or ""),
    }
    return record


def _qualifier(function_arn: str) -> Optional[str]:
    parts = function_arn.split(":")
    return parts[7] if len(parts) > 7 else None
