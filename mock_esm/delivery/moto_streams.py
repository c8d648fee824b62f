"""Delivery from moto's Kinesis streams and DynamoDB table streams, and to moto's SQS and SNS.

Consulted only when moto is already imported and its mock is active.  Records are read where
moto keeps them (a Kinesis shard's ``records``, a table's ``stream_shard.items``) and never
removed: a Lambda poller only reads a stream, it moves its own checkpoint.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from .moto_sqs import _moto_active, queue_for
from .sqs_queue import Entry
from .stream_records import StreamItem, dynamodb_key, epoch


def _split(arn: str) -> Optional[List[str]]:
    parts = arn.split(":", 5)  # a table stream's label holds colons
    return parts if len(parts) >= 6 and parts[3] and parts[4] else None


def _resource(backends: Any, parts: List[str], collection: str, key: str) -> Any:
    """``key`` in ``collection`` of moto's backend for the ARN's account and region, or None
    (moto has no backend for a region it does not know)."""
    try:
        return getattr(backends[parts[4]][parts[3]], collection).get(key)
    except KeyError:
        return None


def _kinesis_shards(parts: List[str]) -> Optional[Dict[str, List[StreamItem]]]:
    from moto.kinesis.models import kinesis_backends

    name = parts[5].split("/")[1]
    stream = _resource(kinesis_backends, parts, "streams", name)
    if stream is None:
        return None
    shards: Dict[str, List[StreamItem]] = {}
    for shard_id, shard in stream.shards.items():
        items = []
        for sequence, record in shard.records.items():
            data = record.data
            if isinstance(data, bytes):
                data = data.decode("ascii")
            # moto keeps PutRecord's Data base64-encoded, as it travelled.
            items.append(StreamItem(shard_id, str(sequence), int(sequence),
                                    float(record.created_at), record.partition_key,
                                    {"data": data}))
        shards[shard_id] = items
    return shards


def _dynamodb_shards(parts: List[str]) -> Optional[Dict[str, List[StreamItem]]]:
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.utilities import dynamo_json_dump

    _, name, _, label = parts[5].split("/", 3)
    table = _resource(dynamodb_backends, parts, "tables", name)
    if table is None or table.stream_shard is None or table.latest_stream_label != label:
        return None
    shard = table.stream_shard
    items = []
    for stored in shard.items:
        record = stored.record
        dynamodb = dict(record["dynamodb"])
        arrival = epoch(dynamodb.get("ApproximateCreationDateTime")) or 0.0
        dynamodb["ApproximateCreationDateTime"] = float(int(arrival))
        # moto's own encoder: its images may hold moto values, bytes and datetimes.
        dynamodb = json.loads(dynamo_json_dump(dynamodb))
        sequence = str(dynamodb["SequenceNumber"])
        items.append(StreamItem(shard.id, sequence, int(sequence), arrival,
                                dynamodb_key(dynamodb),
                                {"eventID": record["eventID"], "eventName": record["eventName"],
                                 "dynamodb": dynamodb}))
    return {shard.id: items}


def shards_for(arn: str) -> Optional[Dict[str, List[StreamItem]]]:
    """moto's shards of this stream, oldest record first in each, or None when moto lacks it."""
    if not _moto_active():
        return None
    parts = _split(arn)
    if parts is None:
        return None
    if parts[2] == "kinesis":
        return _kinesis_shards(parts)
    return _dynamodb_shards(parts)


def send_failure(destination: str, record: Dict[str, Any], now: float) -> bool:
    """Send a failure record to moto's SQS queue or SNS topic; False when moto lacks it."""
    if not _moto_active():
        return False
    body = json.dumps(record)
    parts = _split(destination)
    if parts is None:
        return False
    if parts[2] == "sqs":
        queue = queue_for(destination)
        if queue is None:
            return False
        try:
            queue.send([Entry(body, {}, None, None, 0, None)], now)
        except ValueError:  # moto refused it (a FIFO queue needs a group): not delivered
            return False
        return True
    if parts[2] == "sns":
        from moto.sns.models import sns_backends

        topic = _resource(sns_backends, parts, "topics", destination)
        if topic is None:
            return False
        topic.publish(body, message_attributes={})  # moto < 5.2 fails on None
        return True
    return False
