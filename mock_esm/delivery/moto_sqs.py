"""Delivery from moto's SQS queues: the only module that touches moto.

It is consulted only when moto is already imported and its mock is active; it then reads and
changes the queue through moto's backend API (``receive_message``, ``delete_message``,
``send_message``), so moto's visibility timeouts, receive counts, FIFO group locking and
redrive policy apply exactly as they do for boto3 calls.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Dict, List, Optional, Sequence, Set

from .sqs_message import SqsMessage
from .sqs_queue import Entry

_sequence_numbers: Dict[str, str] = {}


def _moto_active() -> bool:
    if "moto.core.models" not in sys.modules:
        return False
    from ..interceptor import moto_active

    return moto_active()


class MotoQueue:
    """A moto queue seen through the same five calls as the in-mock one."""

    def __init__(self, backend: Any, queue: Any) -> None:
        self._backend = backend
        self._queue = queue
        self.arn: str = queue.queue_arn
        self.fifo: bool = bool(queue.fifo_queue)

    def _deliverable(self, skip: Set[str], limit: int) -> List[Any]:
        queue = self._queue
        blocked = {m.group_id for m in queue.pending_messages
                   if self.fifo and m.group_id is not None and not m.visible}
        ready: List[Any] = []
        for message in queue.messages:  # moto's visible, undelayed messages, in send order
            if len(ready) == limit:
                break
            group = message.group_id if self.fifo else None
            if group is not None and group in blocked:
                continue
            if message.id in skip:
                if group is not None:
                    blocked.add(group)
                continue
            ready.append(message)
        return ready

    def ready_since(self, now: float, skip: Set[str], limit: int) -> List[float]:
        return [max(m.sent_timestamp or 0, m.delayed_until, m.visible_at) / 1000.0
                for m in self._deliverable(skip, limit)]

    def receive(self, count: int, now: float, skip: Set[str]) -> List[SqsMessage]:
        received = self._backend.receive_message(
            self._queue.name, count, 0, self._queue.visibility_timeout, ["All"])
        return [self._convert(m) for m in received if m.id not in skip]

    def _convert(self, message: Any) -> SqsMessage:
        sequence = message.sequence_number
        if self.fifo and sequence is None:
            # moto numbers only messages sent with an explicit deduplication ID; AWS numbers all.
            sequence = _sequence_numbers.setdefault(
                message.id, str(18849496460467696128 + len(_sequence_numbers)))
        system = message.system_attributes or {}
        trace = (system.get("AWSTraceHeader") or {}).get("StringValue")
        return SqsMessage(
            message_id=message.id, receipt_handle=message.receipt_handle, body=message.body,
            sent_ms=int(message.sent_timestamp), first_receive_ms=int(
                message.approximate_first_receive_timestamp),
            receive_count=int(message.approximate_receive_count), sender_id=message.sender_id,
            message_attributes=dict(message.message_attributes), group_id=message.group_id,
            deduplication_id=message.deduplication_id, sequence_number=sequence,
            trace_header=trace)

    def delete(self, receipt_handles: Sequence[str]) -> None:
        from moto.sqs.exceptions import ReceiptHandleIsInvalid

        for handle in receipt_handles:
            with contextlib.suppress(ReceiptHandleIsInvalid):  # already gone
                self._backend.delete_message(self._queue.name, handle)

    def send(self, entries: Sequence[Entry], now: float) -> List[str]:
        ids = []
        for entry in entries:
            system = ({"AWSTraceHeader": {"DataType": "String", "StringValue": entry.trace_header}}
                      if entry.trace_header is not None else None)
            try:
                message = self._backend.send_message(
                    self._queue.name, entry.body, message_attributes=dict(entry.attributes),
                    delay_seconds=entry.delay or None, deduplication_id=entry.deduplication_id,
                    group_id=entry.group_id, system_attributes=system)
            except Exception as exc:  # moto's own SQS error, with SQS's wording
                raise ValueError(f"put_records(): {exc}") from None
            ids.append(message.id)
        return ids


def queue_for(arn: str) -> Optional[MotoQueue]:
    """moto's queue with this ARN while moto's mock is active, else None."""
    if not _moto_active():
        return None
    from moto.sqs.models import sqs_backends

    parts = arn.split(":")
    if len(parts) != 6:
        return None
    _, _, _, region, account, name = parts
    if not region or not account:
        return None
    try:
        backend = sqs_backends[account][region]
    except KeyError:  # a region moto does not know holds no moto queue
        return None
    queue = backend.queues.get(name)
    return None if queue is None else MotoQueue(backend, queue)


def reset() -> None:
    _sequence_numbers.clear()
