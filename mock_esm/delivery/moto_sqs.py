"""Delivery from moto's SQS queues, through the SQS API moto serves.

Consulted only while moto's mock is active.  The poller works as Lambda's does: it receives
messages (``ReceiveMessage`` with every attribute, under the queue's own visibility timeout),
holds what it received until the batch is ready, and deletes what was handled
(``DeleteMessageBatch``); so moto's visibility timeouts, receive counts, FIFO group locking and
redrive policy apply exactly as they do for any other consumer.  What it received but will not
deliver (a mapping removed meanwhile) it hands back with ``ChangeMessageVisibility``.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Dict, List, Optional, Sequence, Set

from ..aws import existence, moto_api
from .sqs_message import SqsMessage
from .sqs_queue import Entry

RECEIVE_LIMIT = 10  # SQS's most messages per ReceiveMessage and per DeleteMessageBatch
# moto numbers only FIFO messages sent with an explicit deduplication ID; AWS numbers all.
_FIRST_SEQUENCE = 18849496460467696128


class MotoQueue:
    """A moto queue seen through the same four calls as the in-mock one."""

    def __init__(self, arn: str, url: str, fifo: bool) -> None:
        region, account, _ = existence.split_arn(arn)
        self.arn = arn
        self.url = url
        self.fifo = fifo
        self._sqs = moto_api.client("sqs", region, account)
        self._held: Dict[str, Dict[str, Any]] = {}  # received, not yet delivered, in order
        self._sequence_numbers: Dict[str, str] = {}

    def _top_up(self, wanted: int) -> None:
        while len(self._held) < wanted:
            answer = self._sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=min(RECEIVE_LIMIT, wanted - len(
                    self._held)), AttributeNames=["All"], MessageAttributeNames=["All"])
            messages = answer.get("Messages") or []
            if not messages:
                return
            for message in messages:  # seen again after its visibility ran out: newest handle
                self._held.pop(message["MessageId"], None)
                self._held[message["MessageId"]] = message

    def _ready(self, skip: Set[str], limit: int) -> List[Dict[str, Any]]:
        self._top_up(limit + len(skip.intersection(self._held)))
        return [m for m in self._held.values() if m["MessageId"] not in skip][:limit]

    def ready_since(self, now: float, skip: Set[str], limit: int) -> List[float]:
        return [int(m["Attributes"]["SentTimestamp"]) / 1000.0 for m in self._ready(skip, limit)]

    def receive(self, count: int, now: float, skip: Set[str]) -> List[SqsMessage]:
        chosen = self._ready(skip, count)[:count]
        for message in chosen:
            del self._held[message["MessageId"]]
        return [self._convert(m) for m in chosen]

    def _convert(self, message: Dict[str, Any]) -> SqsMessage:
        attributes = message.get("Attributes") or {}
        sequence = attributes.get("SequenceNumber")
        if self.fifo and sequence is None:
            sequence = self._sequence_numbers.setdefault(
                message["MessageId"], str(_FIRST_SEQUENCE + len(self._sequence_numbers)))
        return SqsMessage(
            message_id=message["MessageId"], receipt_handle=message["ReceiptHandle"],
            body=message["Body"], sent_ms=int(attributes["SentTimestamp"]),
            first_receive_ms=int(attributes.get("ApproximateFirstReceiveTimestamp") or 0),
            receive_count=int(attributes.get("ApproximateReceiveCount") or 1),
            sender_id=str(attributes.get("SenderId")),
            message_attributes=message.get("MessageAttributes") or {},
            group_id=attributes.get("MessageGroupId"),
            deduplication_id=attributes.get("MessageDeduplicationId"),
            sequence_number=sequence, trace_header=attributes.get("AWSTraceHeader"))

    def delete(self, receipt_handles: Sequence[str]) -> None:
        for start in range(0, len(receipt_handles), RECEIVE_LIMIT):
            chunk = receipt_handles[start:start + RECEIVE_LIMIT]
            # A handle already gone comes back under Failed; nothing is left to delete then.
            self._sqs.delete_message_batch(QueueUrl=self.url, Entries=[
                {"Id": str(n), "ReceiptHandle": handle} for n, handle in enumerate(chunk)])

    def release(self) -> None:
        """Hand back what was received and not delivered, visible again at once."""
        for message in self._held.values():
            # The queue or the message may be gone meanwhile: nothing to hand back then.
            with contextlib.suppress(self._sqs.exceptions.ClientError):
                self._sqs.change_message_visibility(
                    QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0)
        self._held.clear()

    def send(self, entries: Sequence[Entry], now: float) -> List[str]:
        ids = []
        for entry in entries:
            request: Dict[str, Any] = {"QueueUrl": self.url, "MessageBody": entry.body}
            if entry.attributes:
                request["MessageAttributes"] = dict(entry.attributes)
            if entry.delay:
                request["DelaySeconds"] = entry.delay
            if entry.group_id is not None:
                request["MessageGroupId"] = entry.group_id
            if entry.deduplication_id is not None:
                request["MessageDeduplicationId"] = entry.deduplication_id
            if entry.trace_header is not None:
                request["MessageSystemAttributes"] = {"AWSTraceHeader": {
                    "DataType": "String", "StringValue": entry.trace_header}}
            try:
                sent = self._sqs.send_message(**request)
            except self._sqs.exceptions.ClientError as error:  # SQS's own refusal and wording
                raise ValueError(f"put_records(): {error}") from None
            ids.append(str(sent["MessageId"]))
        return ids


class MotoQueues:
    """The moto queues delivery has seen this activation, by ARN."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._queues: Dict[str, MotoQueue] = {}

    def get(self, arn: str) -> Optional[MotoQueue]:
        """moto's queue with this ARN while moto's mock is active, else None."""
        if not moto_api.moto_active():
            return None
        with self.lock:
            url = existence.queue_url(arn) if _well_formed(arn) else None
            known = self._queues.get(arn)
            if url is None:
                self._queues.pop(arn, None)
                return None
            if known is None or known.url != url:
                known = self._queues[arn] = MotoQueue(arn, url, existence.is_fifo(arn, url))
            return known

    def reset(self) -> None:
        with self.lock:
            queues, self._queues = list(self._queues.values()), {}
        if moto_api.moto_active():
            for queue in queues:
                queue.release()


def _well_formed(arn: str) -> bool:
    parts = arn.split(":")
    return len(parts) == 6 and parts[2] == "sqs" and bool(parts[3]) and bool(parts[4])


QUEUES = MotoQueues()


def queue_for(arn: str) -> Optional[MotoQueue]:
    return QUEUES.get(arn)


def reset() -> None:
    QUEUES.reset()
