"""Amazon MQ: ActiveMQ and RabbitMQ queues on a broker, consumed message by message.

moto's MQ has brokers but no queues, so messages come only from
``esm.put_records(broker_arn, [...])``; each goes to its ``queue`` (default: the mapping's
queue).  A broker is RabbitMQ when moto's broker says so or the mapping names a
``VIRTUAL_HOST``, else ActiveMQ; the event has Lambda's shape for that engine (``messages`` for
ActiveMQ, ``rmqMessagesByQueue`` for RabbitMQ).  A delivered message leaves the queue when the
invocation succeeds; after a failure it is delivered again, ``redelivered``, on the next
``poll()``.
"""

from __future__ import annotations

import base64
import copy
import heapq
import itertools
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from .base import Batch, MappingView, Outcome, PollSession, split_by_filters
from .inputs import as_bytes, entry, record_list

_KEYS = frozenset({"data", "queue", "properties", "basicProperties", "messageType",
                   "correlationId", "priority", "deliveryMode", "expiration"})


@dataclass
class MqMessage:
    message_id: str
    data: bytes
    sent_ms: int
    options: Mapping[str, Any]
    redelivered: bool = False
    extra: Dict[str, Any] = field(default_factory=dict)


def _checked(position: int, raw: Any) -> Tuple[Optional[str], bytes, Dict[str, Any]]:
    where = f"put_records(): message {position}"
    raw = entry(raw, where, _KEYS, "data", "the message data (bytes or str) or a dict with data "
                "and optional queue, properties, basicProperties")
    data = as_bytes(raw.get("data"), where, "data")
    queue = raw.get("queue")
    if queue is not None and (not isinstance(queue, str) or not queue):
        raise ValueError(f"{where}: queue must be a non-empty string; got {queue!r}")
    options = {k: copy.deepcopy(v) for k, v in raw.items() if k not in ("data", "queue")}
    return queue, data, options


def _virtual_host(mapping: MappingView) -> Optional[str]:
    for access in mapping.settings.get("SourceAccessConfigurations") or []:
        if access.get("Type") == "VIRTUAL_HOST":
            return str(access.get("URI"))
    return None


def _moto_engine(broker_arn: str) -> Optional[str]:
    """The broker's engine as moto's MQ ``DescribeBroker`` answers it, while moto is active."""
    from ..aws import moto_api

    parts = broker_arn.split(":")
    if len(parts) < 7 or not moto_api.moto_active():
        return None
    mq = moto_api.client("mq", parts[3], parts[4])
    try:
        broker = mq.describe_broker(BrokerId=parts[-1])
    except mq.exceptions.ClientError:  # moto holds no such broker
        return None
    engine = broker.get("EngineType")
    return None if engine is None else str(engine).upper()


def is_rabbit(mapping: MappingView) -> bool:
    if _virtual_host(mapping) is not None:
        return True
    return _moto_engine(mapping.event_source_arn or "") == "RABBITMQ"


def active_record(message: MqMessage, queue: str, broker: str) -> Dict[str, Any]:
    options = message.options
    return {
        "messageID": message.message_id,
        "messageType": options.get("messageType", "jms/text-message"),
        "deliveryMode": options.get("deliveryMode", 1),
        "replyTo": None,
        "type": None,
        "expiration": options.get("expiration", "0"),
        "priority": options.get("priority", 4),
        "correlationId": options.get("correlationId"),
        "redelivered": message.redelivered,
        "destination": {"physicalName": queue},
        "data": base64.b64encode(message.data).decode("ascii"),
        "timestamp": message.sent_ms,
        "brokerInTime": message.sent_ms,
        "brokerOutTime": message.sent_ms,
        "properties": dict(options.get("properties") or {}),
    }


def rabbit_record(message: MqMessage) -> Dict[str, Any]:
    properties: Dict[str, Any] = {
        "contentType": "text/plain", "contentEncoding": None, "headers": {},
        "deliveryMode": 1, "priority": None, "correlationId": None, "replyTo": None,
        "expiration": None, "messageId": None, "timestamp": None, "type": None,
        "userId": None, "appId": None, "clusterId": None, "bodySize": len(message.data)}
    properties.update(message.options.get("basicProperties") or {})
    return {"basicProperties": properties, "redelivered": message.redelivered,
            "data": base64.b64encode(message.data).decode("ascii")}


class MqSource:
    """The MQ family: in-mock queues keyed by (broker ARN, queue name).

    A queue holds its messages by ID in send-time order, so a batch reads only the front of
    the queue and removing a message costs the same however long the queue is.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.queues: Dict[Tuple[str, str], Dict[str, MqMessage]] = {}

    def next_batch(self, mapping: MappingView, now: float,
                   session: PollSession) -> Optional[Batch]:
        broker = mapping.event_source_arn or ""
        queue = str((mapping.settings.get("Queues") or [""])[0])
        seen = session.seen(f"{broker}|{queue}")
        with self.lock:
            # The mapping's queue first, then messages sent without a queue, by send time.
            waiting = heapq.merge(self.queues.get((broker, queue), {}).values(),
                                  self.queues.get((broker, ""), {}).values(),
                                  key=lambda m: m.sent_ms)
            unseen = (m for m in waiting if m.message_id not in seen)
            ready = list(itertools.islice(unseen, mapping.batch_size))
        if not ready:
            return None
        if (len(ready) < mapping.batch_size and mapping.batching_window > 0
                and now < ready[0].sent_ms / 1000.0 + mapping.batching_window):
            return None
        rabbit = is_rabbit(mapping)
        records = [rabbit_record(m) if rabbit else active_record(m, queue, broker)
                   for m in ready]
        kept, dropped = split_by_filters(mapping.filter_patterns, records, lambda r: r)
        kept_ids = {id(r) for r in kept}
        delivered = [m for m, r in zip(ready, records) if id(r) in kept_ids]
        if rabbit:
            host = _virtual_host(mapping) or "/"
            event: Dict[str, Any] = {"eventSource": "aws:rmq", "eventSourceArn": broker,
                                     "rmqMessagesByQueue": {f"{queue}::{host}": kept}}
        else:
            event = {"eventSource": "aws:mq", "eventSourceArn": broker, "messages": kept}
        with self.lock:  # Lambda acknowledges the messages its filters drop
            dropped_ids = {m.message_id for m in ready} - {m.message_id for m in delivered}
            self._remove(broker, queue, dropped_ids)
        return Batch(mapping=mapping, event=event, records=kept,
                     item_ids=[m.message_id for m in delivered], filtered=dropped,
                     token=(broker, queue, delivered, session))

    def _remove(self, broker: str, queue: str, ids: Iterable[str]) -> None:
        for key in ((broker, queue), (broker, "")):
            messages = self.queues.get(key)
            if messages is not None:
                for message_id in ids:
                    messages.pop(message_id, None)

    def complete(self, batch: Batch, outcome: Outcome, now: float) -> None:
        broker, queue, delivered, session = batch.token
        with self.lock:
            if outcome.failed:
                for message in delivered:
                    message.redelivered = True
                # Delivered again on the next poll(), not this one.
                session.mark(f"{broker}|{queue}", [m.message_id for m in delivered])
                return
            self._remove(broker, queue, [m.message_id for m in delivered])

    def put_records(self, source: str, records: Sequence[Any], account_id: str,
                    region: str, now: float) -> List[str]:
        checked = [_checked(n, raw)
                   for n, raw in enumerate(record_list(records, "MQ messages"))]
        ids = []
        with self.lock:
            for queue, data, options in checked:
                name = queue or ""  # no queue: whichever mapping on the broker reads first
                host = source.split(":")[-1]
                message = MqMessage(f"ID:{host}-{secrets.token_hex(6)}:1:1:1:1", data,
                                    int(now * 1000), options)
                messages = self.queues.setdefault((source, name), {})
                if messages and message.sent_ms < next(reversed(messages.values())).sent_ms:
                    # The clock went back: keep the queue in send-time order (ties: send order).
                    ordered = sorted([*messages.values(), message], key=lambda m: m.sent_ms)
                    messages.clear()
                    messages.update((m.message_id, m) for m in ordered)
                else:
                    messages[message.message_id] = message
                ids.append(message.message_id)
        return ids

    def reset(self) -> None:
        with self.lock:
            self.queues.clear()
