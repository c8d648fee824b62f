"""Amazon MSK and self-managed Kafka: topic partitions read from an offset, batch by batch.

There is no Kafka in moto, so records come only from ``esm.put_records``: for MSK the source
is the cluster ARN, for self-managed Kafka the mapping's UUID.  Each message names its
``topic`` (default: the mapping's topic) and ``partition`` (default 0); offsets count from 0 per
topic-partition.  A mapping reads its topic from ``StartingPosition`` (``TRIM_HORIZON`` all,
``LATEST`` from the mapping's creation on, ``AT_TIMESTAMP`` from the timestamp on), keeps
partition order, and on a function error retries the same batch on the next ``poll()``, as
Lambda retries a Kafka batch until it succeeds.
"""

from __future__ import annotations

import base64
import threading
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from .base import (
    Batch,
    MappingView,
    Outcome,
    PollSession,
    split_by_filters,
    with_decoded_json,
)
from .inputs import as_bytes, entry, record_list

_KEYS = frozenset({"topic", "partition", "key", "value", "headers", "timestamp"})


class KafkaMessage(NamedTuple):
    """One message of a topic partition.  A topic keeps every message it was sent for the
    whole activation, so each is one small object of strings, numbers and bytes: the garbage
    collector visits it but finds nothing inside to walk."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: Optional[bytes]
    value: bytes
    headers: Tuple[Tuple[str, bytes], ...]


def _message(position: int, raw: Any, now: float) -> Dict[str, Any]:
    where = f"put_records(): message {position}"
    raw = entry(raw, where, _KEYS, "value", "a value (bytes or str) or a dict with value, key, "
                "topic, partition, headers, timestamp")
    partition = raw.get("partition", 0)
    if isinstance(partition, bool) or not isinstance(partition, int) or partition < 0:
        raise ValueError(f"{where}: partition must be an integer of 0 or more; got {partition!r}")
    topic = raw.get("topic")
    if topic is not None and (not isinstance(topic, str) or not topic):
        raise ValueError(f"{where}: topic must be a non-empty string; got {topic!r}")
    headers = raw.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise ValueError(f"{where}: headers must be a dict of name -> bytes or str")
    timestamp = raw.get("timestamp", int(now * 1000))
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise ValueError(f"{where}: timestamp is in epoch milliseconds; got {timestamp!r}")
    key = raw.get("key")
    return {"topic": topic, "partition": partition, "timestamp": timestamp,
            "key": None if key is None else as_bytes(key, where, "key"),
            "value": as_bytes(raw.get("value"), where, "value"),
            "headers": tuple((str(k), as_bytes(v, where, f"header {k!r}"))
                             for k, v in headers.items())}


def to_record(message: KafkaMessage, topic: str) -> Dict[str, Any]:
    """One entry of ``event["records"]["topic-partition"]``, as Lambda shapes it."""
    record: Dict[str, Any] = {
        "topic": message.topic or topic,
        "partition": message.partition,
        "offset": message.offset,
        "timestamp": message.timestamp_ms,
        "timestampType": "CREATE_TIME",
        "value": base64.b64encode(message.value).decode("ascii"),
        "headers": [{name: list(value)} for name, value in message.headers],
    }
    if message.key is not None:
        record["key"] = base64.b64encode(message.key).decode("ascii")
    return record


def filter_view(record: Dict[str, Any]) -> Dict[str, Any]:
    """What a filter pattern sees: ``value`` decoded as JSON when it is JSON."""
    return with_decoded_json(record, "value", record["value"])


def bootstrap_servers(mapping: MappingView) -> str:
    endpoints = ((mapping.settings.get("SelfManagedEventSource") or {}).get("Endpoints") or {})
    servers = endpoints.get("KAFKA_BOOTSTRAP_SERVERS")
    if servers:
        return ",".join(servers)
    cluster = (mapping.event_source_arn or "").split("/")[1:2] or ["cluster"]
    return ",".join(f"b-{n}.{cluster[0]}.mock01.c1.kafka.{mapping.region}.amazonaws.com:9092"
                    for n in (1, 2))


def _topic(mapping: MappingView) -> str:
    return str((mapping.settings.get("Topics") or [""])[0])


def _admitted(message: KafkaMessage, mapping: MappingView) -> bool:
    position = mapping.settings.get("StartingPosition")
    if position == "LATEST":
        return message.timestamp_ms >= int(mapping.created * 1000)
    if position == "AT_TIMESTAMP":
        stamp = float(mapping.settings.get("StartingPositionTimestamp") or 0)
        return message.timestamp_ms >= int(stamp * 1000)
    return True


class KafkaSource:
    """The Kafka family: in-mock topics keyed by cluster ARN or self-managed mapping UUID."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.logs: Dict[Tuple[str, str, int], List[KafkaMessage]] = {}
        self.committed: Dict[Tuple[str, str, int], int] = {}

    def next_batch(self, mapping: MappingView, now: float,
                   session: PollSession) -> Optional[Batch]:
        if session.seen(mapping.uuid):
            return None
        owner = mapping.event_source_arn or mapping.uuid
        topic = _topic(mapping)
        chosen: List[KafkaMessage] = []
        with self.lock:
            logs = sorted(key for key in self.logs
                          if key[0] == owner and key[1] in (topic, ""))
            for log in logs:
                start = self.committed.get((mapping.uuid, log[1], log[2]), 0)
                messages = self.logs[log]
                for offset in range(start, len(messages)):  # no copy of the rest of the log
                    if len(chosen) == mapping.batch_size:
                        break
                    message = messages[offset]
                    if _admitted(message, mapping):
                        chosen.append(message)
                    else:
                        self.committed[(mapping.uuid, log[1], log[2])] = message.offset + 1
        if not chosen:
            return None
        first = min(m.timestamp_ms for m in chosen) / 1000.0
        if (len(chosen) < mapping.batch_size and mapping.batching_window > 0
                and now < first + mapping.batching_window):
            return None
        records = [to_record(m, topic) for m in chosen]
        kept, dropped = split_by_filters(mapping.filter_patterns, records, filter_view)
        grouped: Dict[str, List[Dict[str, Any]]] = {}
        for record in kept:
            grouped.setdefault(f"{record['topic']}-{record['partition']}", []).append(record)
        event: Dict[str, Any] = {"eventSource": "aws:kafka" if mapping.event_source_arn
                                 else "SelfManagedKafka"}
        if mapping.event_source_arn:
            event["eventSourceArn"] = mapping.event_source_arn
        event["bootstrapServers"] = bootstrap_servers(mapping)
        event["records"] = grouped
        return Batch(mapping=mapping, event=event, records=kept,
                     item_ids=[f"{r['topic']}-{r['partition']}:{r['offset']}" for r in kept],
                     filtered=dropped, token=(chosen, session))

    def complete(self, batch: Batch, outcome: Outcome, now: float) -> None:
        chosen, session = batch.token
        if outcome.failed:
            session.mark(batch.mapping.uuid, ["retry next poll"])
            return
        with self.lock:
            for message in chosen:
                key = (batch.mapping.uuid, message.topic, message.partition)
                self.committed[key] = max(self.committed.get(key, 0), message.offset + 1)

    def put_records(self, source: str, records: Sequence[Any], account_id: str,
                    region: str, now: float) -> List[str]:
        checked = [_message(n, raw, now)
                   for n, raw in enumerate(record_list(records, "Kafka messages"))]
        ids = []
        with self.lock:
            for item in checked:
                topic = item["topic"] or ""  # no topic: the topic of the mapping reading it
                log = self.logs.setdefault((source, topic, item["partition"]), [])
                log.append(KafkaMessage(topic, item["partition"], len(log), item["timestamp"],
                                        item["key"], item["value"], item["headers"]))
                ids.append(str(len(log) - 1))  # the offset, as a producer learns it
        return ids

    def reset(self) -> None:
        with self.lock:
            self.logs.clear()
            self.committed.clear()

