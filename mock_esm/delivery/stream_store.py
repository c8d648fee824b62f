"""In-mock Kinesis and DynamoDB streams, fed by ``esm.put_records`` when moto does not hold them.

A stream here has one shard: ``shardId-000000000000`` for Kinesis, a DynamoDB-style shard ID for
a table stream.  Sequence numbers grow with every record in the shape each service uses
(56 digits for Kinesis, 21 for DynamoDB), so tests can compare them as AWS's are compared.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid as uuidlib
from typing import Any, Dict, List, Mapping

from .inputs import as_bytes, record_list
from .inputs import entry as checked_entry
from .stream_records import (
    StreamItem,
    dynamodb_key,
    dynamodb_payload,
    dynamodb_size,
    event_name_for,
)

KINESIS_SHARD = "shardId-000000000000"
DYNAMODB_SHARD = "shardId-00000001700000000000-00000001"
_KINESIS_FIRST = 49590338271490256608559692538361571095921575989136588898
_DYNAMODB_FIRST = 100000000000000000001
_KINESIS_KEYS = frozenset({"Data", "PartitionKey", "ExplicitHashKey"})
_VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
_EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")


def kinesis_items(records: Any, shard: str, first: int, now: float) -> List[StreamItem]:
    """PutRecords entries (``Data`` bytes or str, ``PartitionKey``), checked as Kinesis does."""
    items: List[StreamItem] = []
    for position, raw in enumerate(record_list(records, "PutRecords entries (dict)")):
        where = f"put_records(): entry {position}"
        entry = checked_entry(raw, where, _KINESIS_KEYS, None,
                              "a PutRecords entry (dict with Data and PartitionKey)")
        data = as_bytes(entry.get("Data"), where, "Data")
        key = entry.get("PartitionKey")
        if not isinstance(key, str) or not 1 <= len(key) <= 256:
            raise ValueError(f"{where} needs a PartitionKey string of 1 to 256 characters; "
                             f"got {key!r}")
        sequence = first + len(items)
        items.append(StreamItem(shard, str(sequence), sequence, now, key,
                                base64.b64encode(data).decode("ascii")))
    return items


def dynamodb_items(records: Any, shard: str, first: int, now: float) -> List[StreamItem]:
    """Stream records: ``{"eventName": ..., "dynamodb": {"Keys": ..., "NewImage": ...}}`` or
    just the ``dynamodb`` part; what is left out is filled in as DynamoDB fills it."""
    items: List[StreamItem] = []
    for position, raw in enumerate(record_list(records, "DynamoDB stream records")):
        where = f"put_records(): record {position}"
        entry = checked_entry(raw, where, None, None, "a dict")
        part = entry.get("dynamodb", entry)
        if not isinstance(part, Mapping) or not isinstance(part.get("Keys"), Mapping) or not (
                part["Keys"]):
            raise ValueError(f"{where} needs dynamodb.Keys, the item's key attributes in "
                             f"DynamoDB JSON (e.g. {{'id': {{'S': '1'}}}}); got {entry!r}")
        # No deep copy: the stream keeps the record as JSON text, so what the caller changes
        # in its dicts afterwards cannot reach the stream.
        dynamodb: Dict[str, Any] = dict(part)
        for image in ("NewImage", "OldImage"):
            if image in dynamodb and not isinstance(dynamodb[image], Mapping):
                raise ValueError(f"{where}: dynamodb.{image} must be a dict in DynamoDB JSON")
        try:
            json.dumps(dynamodb)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: the dynamodb part must be DynamoDB JSON as a stream "
                             f"record carries it (binary B/BS values as base64 strings)"
                             ) from None
        name = entry.get("eventName") or event_name_for(dynamodb)
        if name not in _EVENT_NAMES:
            raise ValueError(f"{where}: eventName must be one of {list(_EVENT_NAMES)}; "
                             f"got {name!r}")
        view = dynamodb.get("StreamViewType", "NEW_AND_OLD_IMAGES")
        if view not in _VIEW_TYPES:
            raise ValueError(f"{where}: StreamViewType must be one of {list(_VIEW_TYPES)}; "
                             f"got {view!r}")
        event_id = entry.get("eventID") or uuidlib.uuid4().hex
        if not isinstance(event_id, str):
            raise ValueError(f"{where}: eventID must be a string; got {event_id!r}")
        sequence = first + len(items)
        shaped: Dict[str, Any] = {"ApproximateCreationDateTime": float(int(now)),
                                  "Keys": dynamodb["Keys"]}
        for image in ("NewImage", "OldImage"):
            if image in dynamodb:
                shaped[image] = dynamodb[image]
        shaped["SequenceNumber"] = str(sequence)
        shaped["SizeBytes"] = dynamodb.get("SizeBytes", dynamodb_size(dynamodb))
        shaped["StreamViewType"] = view
        items.append(StreamItem(shard, str(sequence), sequence, now, dynamodb_key(shaped),
                                dynamodb_payload(event_id, name, shaped)))
    return items


class LocalStreams:
    """Every in-mock stream (one shard each), created on first ``put_records``."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._shards: Dict[str, List[StreamItem]] = {}

    def put(self, arn: str, records: Any, now: float) -> List[str]:
        kinesis = arn.split(":")[2] == "kinesis"
        with self.lock:
            shard = self._shards.setdefault(arn, [])
            first = (shard[-1].order + 1 if shard
                     else _KINESIS_FIRST if kinesis else _DYNAMODB_FIRST)
            made = (kinesis_items(records, KINESIS_SHARD, first, now) if kinesis
                    else dynamodb_items(records, DYNAMODB_SHARD, first, now))
            shard.extend(made)
            return [item.sequence_number for item in made]

    def shards(self, arn: str) -> Dict[str, List[StreamItem]]:
        """The stream's shard, the live list itself (no copy per batch): read it under
        ``lock``, and never change it."""
        with self.lock:
            items = self._shards.get(arn)
        if not items:
            return {}
        return {items[0].shard_id: items}

    def reset(self) -> None:
        with self.lock:
            self._shards.clear()
