"""SQS and SQS FIFO: how Lambda's poller turns queue messages into invocations.

Per step of ``poll()`` and per mapping: look at the messages deliverable now (visible, not
delayed, not behind an in-flight message of their FIFO group); if the batch is ready, receive up
to ``BatchSize`` of them (which starts their visibility timeout), delete those no filter keeps,
and hand the rest to the function.  Afterwards the messages that succeeded are deleted; the
others stay in flight until their visibility timeout ends, then are delivered again (and, with
moto, moved by moto's redrive policy once they were received ``maxReceiveCount`` times).

Batching window, as modelled: a batch smaller than ``BatchSize`` is delivered once
``MaximumBatchingWindowInSeconds`` has passed since the earliest deliverable message became
available (was sent, ended its delay, or became visible again).  A full batch goes at once.
"""

from __future__ import annotations

from typing import Any, List, Optional, Protocol, Sequence, Set, Union

from . import moto_sqs
from .base import Batch, MappingView, Outcome, PollSession, split_by_filters
from .sqs_message import SqsMessage, filter_view, to_record
from .sqs_queue import Entry, LocalQueue, LocalQueues, normalise


class QueueStore(Protocol):
    arn: str
    fifo: bool

    def ready_since(self, now: float, skip: Set[str], limit: int) -> List[float]: ...

    def receive(self, count: int, now: float, skip: Set[str]) -> List[SqsMessage]: ...

    def delete(self, receipt_handles: Sequence[str]) -> None: ...

    def send(self, entries: Sequence[Entry], now: float) -> List[str]: ...


class SqsSource:
    """The SQS family; moto's queue when moto holds it, else the in-mock queue."""

    def __init__(self) -> None:
        self.local = LocalQueues()

    def _store(self, arn: str) -> Optional[QueueStore]:
        moto_queue = moto_sqs.queue_for(arn)
        if moto_queue is not None:
            return moto_queue
        local: Optional[LocalQueue] = self.local.get(arn)
        return local

    def next_batch(self, mapping: MappingView, now: float,
                   session: PollSession) -> Optional[Batch]:
        arn = mapping.event_source_arn or ""
        skip = session.seen(arn)
        with self.local.lock:
            store = self._store(arn)
            if store is None:
                return None
            size = mapping.batch_size
            # Only a batch's worth is needed: fewer means the whole queue was seen.
            since = store.ready_since(now, skip, size)
            if not since:
                return None
            window = mapping.batching_window
            if len(since) < size and window > 0 and now < min(since) + window:
                return None
            messages = store.receive(min(size, len(since)), now, skip)
            if not messages:
                return None
            records = [to_record(m, arn, store.fifo) for m in messages]
            kept, dropped = split_by_filters(mapping.filter_patterns, records, filter_view)
            if dropped:
                # Lambda deletes the messages its filters drop.
                store.delete([r["receiptHandle"] for r in dropped])
        return Batch(mapping=mapping, event={"Records": kept}, records=kept,
                     item_ids=[r["messageId"] for r in kept], filtered=dropped,
                     token=(store, session))

    def complete(self, batch: Batch, outcome: Outcome, now: float) -> None:
        store: QueueStore
        session: PollSession
        store, session = batch.token
        done = [r["receiptHandle"] for r in batch.records if r["messageId"] not in outcome.failed]
        if outcome.failed:
            # Deleted messages cannot come back; only the failed ones need keeping out of the
            # rest of this poll() (their visibility timeout may end while it runs).
            session.mark(batch.mapping.event_source_arn or "", sorted(outcome.failed))
        if done:
            with self.local.lock:
                store.delete(done)

    def put_records(self, source: str, records: Sequence[Union[str, Any]], account_id: str,
                    region: str, now: float) -> List[str]:
        with self.local.lock:
            store: QueueStore = moto_sqs.queue_for(source) or self.local.create(source)
            return store.send(normalise(records, store.fifo), now)

    def reset(self) -> None:
        self.local.reset()
        moto_sqs.reset()
