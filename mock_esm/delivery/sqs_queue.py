"""The in-mock SQS queue that ``esm.put_records`` feeds when moto does not hold the queue.

It models what delivery depends on and nothing more: send order, ``DelaySeconds``, a 30-second
visibility timeout on the mock clock, receive counts, receipt handles, FIFO message groups
(a group is blocked while any of its messages is in flight) and FIFO deduplication within
five minutes.  Without moto there is no redrive policy, so a failing message is retried forever.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import itertools
import secrets
import threading
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any, Deque, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .sqs_message import SENDER_ID, SqsMessage
from .sqs_order import DeliveryOrder

VISIBILITY_TIMEOUT = 30.0
DEDUPLICATION_SECONDS = 300.0
MAX_DELAY_SECONDS = 900
_ENTRY_KEYS = frozenset({"Id", "MessageBody", "MessageAttributes", "MessageSystemAttributes",
                         "MessageGroupId", "MessageDeduplicationId", "DelaySeconds"})
_FIRST_SEQUENCE = 18849496460467696128


@dataclass(frozen=True)
class Entry:
    """One message to send, checked."""

    body: str
    attributes: Mapping[str, Mapping[str, Any]]
    group_id: Optional[str]
    deduplication_id: Optional[str]
    delay: int
    trace_header: Optional[str]


def _attributes(position: int, raw: Any) -> Dict[str, Dict[str, Any]]:
    where = f"put_records(): entry {position}"
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise TypeError(f"{where}: MessageAttributes must be a dict of name -> "
                        f"{{'DataType': ..., 'StringValue' or 'BinaryValue': ...}}; got {raw!r}")
    checked: Dict[str, Dict[str, Any]] = {}
    for name, value in raw.items():
        if not isinstance(value, Mapping) or not isinstance(value.get("DataType"), str):
            raise ValueError(f"{where}: message attribute {name!r} needs a DataType "
                             f"('String', 'Number' or 'Binary'); got {value!r}")
        if value.get("StringValue") is None and value.get("BinaryValue") is None:
            raise ValueError(f"{where}: message attribute {name!r} needs a StringValue or a "
                             f"BinaryValue")
        checked[str(name)] = dict(value)
    return checked


def normalise(records: Sequence[Any], fifo: bool) -> List[Entry]:
    """Plain body strings or SendMessageBatch entries, checked as SQS checks them."""
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise TypeError("put_records() takes a list of message bodies (str) or SendMessageBatch "
                        f"entries (dict); got {records!r}")
    entries: List[Entry] = []
    for position, record in enumerate(records):
        if isinstance(record, str):
            record = {"MessageBody": record}
        if not isinstance(record, Mapping):
            raise TypeError(f"put_records(): entry {position} must be a message body (str) or a "
                            f"SendMessageBatch entry (dict); got {record!r}")
        unknown = sorted(set(record) - _ENTRY_KEYS)
        if unknown:
            raise ValueError(f"put_records(): entry {position} has unknown keys {unknown}; "
                             f"allowed: {sorted(_ENTRY_KEYS)}")
        body = record.get("MessageBody")
        if not isinstance(body, str) or not body:
            raise ValueError(f"put_records(): entry {position} needs a non-empty MessageBody "
                             f"string; got {body!r}")
        delay = record.get("DelaySeconds", 0)
        if isinstance(delay, bool) or not isinstance(delay, int) or not (
                0 <= delay <= MAX_DELAY_SECONDS):
            raise ValueError(f"put_records(): entry {position}: DelaySeconds must be an integer "
                             f"from 0 to {MAX_DELAY_SECONDS}; got {delay!r}")
        group = record.get("MessageGroupId")
        dedup = record.get("MessageDeduplicationId")
        for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError(f"put_records(): entry {position}: {name} must be a non-empty "
                                 f"string; got {value!r}")
        if fifo and group is None:
            raise ValueError(f"put_records(): entry {position}: a FIFO queue needs a "
                             f"MessageGroupId on every message")
        if fifo and delay:
            raise ValueError(f"put_records(): entry {position}: a FIFO queue does not accept "
                             f"DelaySeconds on a message")
        system = record.get("MessageSystemAttributes") or {}
        trace = (system.get("AWSTraceHeader") or {}).get("StringValue") if isinstance(
            system, Mapping) else None
        entries.append(Entry(body, _attributes(position, record.get("MessageAttributes")),
                             group, dedup, delay, trace))
    return entries


def new_receipt_handles(count: int) -> List[str]:
    """``count`` fresh receipt handles, each as ``secrets.token_urlsafe(96)`` makes one (128
    URL-safe characters), drawn from one read of the system's random source."""
    text = base64.urlsafe_b64encode(secrets.token_bytes(96 * count)).decode("ascii")
    return [text[start:start + 128] for start in range(0, len(text), 128)]


@dataclass
class _Stored:
    message_id: str
    seq: int
    entry: Entry
    sent_at: float
    visible_at: float
    sequence_number: Optional[str]
    deduplication_id: Optional[str]
    receive_count: int = 0
    first_receive_at: Optional[float] = None
    receipt_handle: Optional[str] = None


class LocalQueue:
    """One queue, keyed by its ARN; every method is called under the owner's lock.

    Sending, receiving and deleting cost the same however long the queue is: messages are
    kept by ID, by receipt handle and by deduplication ID, and the receive order is kept by
    :class:`~mock_esm.delivery.sqs_order.DeliveryOrder`.
    """

    def __init__(self, arn: str, fifo: bool) -> None:
        self.arn = arn
        self.fifo = fifo
        self.visibility_timeout = VISIBILITY_TIMEOUT
        self._order: DeliveryOrder[_Stored] = DeliveryOrder(fifo)
        self._by_id: Dict[str, _Stored] = {}
        self._by_handle: Dict[str, str] = {}
        # deduplication ID -> (when sent, message ID), for five minutes after the send whether
        # or not the message is still in the queue, as SQS keeps it; expired in send order.
        self._by_dedup: Dict[str, Tuple[float, str]] = {}
        self._dedup_order: Deque[Tuple[float, str]] = collections.deque()
        self._seq = itertools.count()
        self._changes = 0  # counts sends, receives and deletes, to know a look is still good
        self._looked: Optional[Tuple[Tuple[float, int, int, int], int, List[_Stored]]] = None
        self._sequence = itertools.count(_FIRST_SEQUENCE)

    def send(self, entries: Sequence[Entry], now: float) -> List[str]:
        self._changes += 1
        ids: List[str] = []
        for entry in entries:
            dedup = entry.deduplication_id
            if self.fifo and dedup is None:
                dedup = hashlib.sha256(entry.body.encode("utf-8")).hexdigest()
            duplicate = self._duplicate(dedup, now) if self.fifo else None
            if duplicate is not None:
                ids.append(duplicate)
                continue
            stored = _Stored(str(uuidlib.uuid4()), next(self._seq), entry, now, now + entry.delay,
                             str(next(self._sequence)) if self.fifo else None, dedup)
            self._by_id[stored.message_id] = stored
            if dedup is not None:
                self._by_dedup[dedup] = (now, stored.message_id)
                self._dedup_order.append((now, dedup))
            self._order.add(stored, entry.group_id)
            ids.append(stored.message_id)
        return ids

    def _duplicate(self, dedup: Optional[str], now: float) -> Optional[str]:
        """The ID of the message sent with this deduplication ID in the last five minutes, even
        one already delivered and deleted."""
        order = self._dedup_order
        while order and now - order[0][0] >= DEDUPLICATION_SECONDS:
            sent_at, expired = order.popleft()
            if self._by_dedup.get(expired, (None, ""))[0] == sent_at:
                del self._by_dedup[expired]
        sent = self._by_dedup.get(dedup or "")
        if sent is not None and now - sent[0] < DEDUPLICATION_SECONDS:
            return sent[1]
        return None

    def _deliverable(self, now: float, skip: Set[str], limit: int) -> List[_Stored]:
        """``DeliveryOrder.deliverable``, answered from the last look when nothing changed since
        (a receive follows the look that sized its batch)."""
        key = (now, id(skip), len(skip), self._changes)
        if self._looked is not None and self._looked[0] == key and self._looked[1] >= limit:
            return self._looked[2][:limit]
        found = self._order.deliverable(now, skip, limit)
        self._looked = (key, limit, found)
        return found

    def ready_since(self, now: float, skip: Set[str], limit: int) -> List[float]:
        """When each deliverable message became available, in delivery order (``limit`` at most)."""
        return [m.visible_at for m in self._deliverable(now, skip, limit)]

    def receive(self, count: int, now: float, skip: Set[str]) -> List[SqsMessage]:
        received: List[SqsMessage] = []
        deliverable = self._deliverable(now, skip, count)
        self._changes += 1
        handles = new_receipt_handles(len(deliverable))
        for stored, handle in zip(deliverable, handles):
            stored.receive_count += 1
            if stored.first_receive_at is None:
                stored.first_receive_at = now
            stored.visible_at = now + self.visibility_timeout
            if stored.receipt_handle is not None:
                del self._by_handle[stored.receipt_handle]
            stored.receipt_handle = handle
            self._by_handle[stored.receipt_handle] = stored.message_id
            entry = stored.entry
            received.append(SqsMessage(
                message_id=stored.message_id, receipt_handle=stored.receipt_handle,
                body=entry.body, sent_ms=int(stored.sent_at * 1000),
                first_receive_ms=int(stored.first_receive_at * 1000),
                receive_count=stored.receive_count, sender_id=SENDER_ID,
                message_attributes=entry.attributes, group_id=entry.group_id,
                deduplication_id=stored.deduplication_id,
                sequence_number=stored.sequence_number, trace_header=entry.trace_header))
        return received

    def delete(self, receipt_handles: Sequence[str]) -> None:
        """Delete the messages these handles name; a handle replaced by a later receive, or of
        a message already deleted, deletes nothing."""
        self._changes += 1
        for handle in receipt_handles:
            message_id = self._by_handle.pop(handle, None)
            if message_id is None:
                continue
            self._by_id.pop(message_id)
            self._order.remove(message_id)

    def __len__(self) -> int:
        return len(self._by_id)


class LocalQueues:
    """Every in-mock queue, created on first use."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._queues: Dict[str, LocalQueue] = {}

    def get(self, arn: str) -> Optional[LocalQueue]:
        with self.lock:
            return self._queues.get(arn)

    def create(self, arn: str) -> LocalQueue:
        """The queue with this ARN, made on first use (FIFO when the name ends in .fifo)."""
        with self.lock:
            queue = self._queues.get(arn)
            if queue is None:
                queue = LocalQueue(arn, fifo=arn.endswith(".fifo"))
                self._queues[arn] = queue
            return queue

    def reset(self) -> None:
        with self.lock:
            self._queues.clear()
