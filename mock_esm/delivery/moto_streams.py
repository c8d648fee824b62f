"""Delivery from moto's Kinesis streams and DynamoDB table streams, and to moto's SQS queues and
SNS topics, through the APIs moto serves.

Consulted only while moto's mock is active.  A stream is read as Lambda's poller reads it:
``ListShards`` (Kinesis) or ``DescribeStream`` (DynamoDB Streams), then per shard an iterator
and ``GetRecords`` until the shard has nothing more.  The first read of a shard starts at
``TRIM_HORIZON``; later reads in the same activation start ``AFTER_SEQUENCE_NUMBER`` of the last
record read, and what was read before is kept (a stream never loses a record while a test
runs), so each poll pays for new records only.  Reading never removes a record; the stream
source keeps its own checkpoints.  Lambda's event is built from the API's answers, turned back
into the JSON they travelled as (see :mod:`mock_esm.aws.wire_json`).
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from ..aws import existence, moto_api
from ..aws.wire_json import to_wire
from .sqs_queue import Entry
from .stream_records import StreamItem, dynamodb_key, dynamodb_payload, epoch

GET_RECORDS_LIMIT = 1000  # DynamoDB Streams' most records per GetRecords (Kinesis allows more)
_LOCK = threading.Lock()


@dataclass
class _ShardLog:
    """What has been read of one shard this activation."""

    items: List[StreamItem] = field(default_factory=list)

    @property
    def last(self) -> Optional[str]:
        return self.items[-1].sequence_number if self.items else None


def _parts(arn: str) -> Optional[List[str]]:
    parts = arn.split(":", 5)  # a table stream's label holds colons
    return parts if len(parts) >= 6 and parts[3] and parts[4] else None


def _read(client: Any, arn: str, shard_id: str, iterator: Callable[..., Any], after: str,
          convert: Callable[[Dict[str, Any]], StreamItem]) -> List[StreamItem]:
    """Every record of the shard so far, reading only those after the last one read
    (``after`` names the iterator's sequence number parameter in this API); the live list,
    never to be changed by the caller."""
    with _LOCK:  # one reader per shard log at a time, so no record is appended twice
        log: _ShardLog = moto_api.activation_cache("stream-shards").setdefault(
            (arn, shard_id), _ShardLog())
        start: Dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
        if log.last is not None:
            start = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", after: log.last}
        try:
            position = iterator(ShardId=shard_id, **start)["ShardIterator"]
        except client.exceptions.ClientError:  # the stream was made anew: read from the start
            log.items = []  # a new list: a batch still reading the old one keeps it whole
            position = iterator(ShardId=shard_id,
                                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while position:
            answer = client.get_records(ShardIterator=position, Limit=GET_RECORDS_LIMIT)
            log.items.extend(convert(record) for record in answer["Records"])
            position = answer.get("NextShardIterator") if answer["Records"] else None
        # The log itself, as the in-mock store hands out its shards: records are only ever
        # appended, so a reader needs no copy of the whole shard per batch.
        return log.items


def _kinesis_shards(arn: str, parts: List[str]) -> Optional[Dict[str, List[StreamItem]]]:
    kinesis = moto_api.client("kinesis", parts[3], parts[4])
    name = parts[5].split("/")[1]
    try:
        listed = kinesis.list_shards(StreamName=name)
    except kinesis.exceptions.ResourceNotFoundException:
        return None

    def iterator(**start: Any) -> Any:
        return kinesis.get_shard_iterator(StreamName=name, **start)

    shards: Dict[str, List[StreamItem]] = {}
    for shard in listed["Shards"]:
        shard_id = shard["ShardId"]

        def convert(record: Dict[str, Any], shard_id: str = shard_id) -> StreamItem:
            sequence = record["SequenceNumber"]
            return StreamItem(shard_id, sequence, int(sequence),
                              epoch(record["ApproximateArrivalTimestamp"]) or 0.0,
                              record["PartitionKey"],
                              base64.b64encode(record["Data"]).decode("ascii"))

        shards[shard_id] = _read(kinesis, arn, shard_id, iterator, "StartingSequenceNumber",
                                   convert)
    return shards


def _dynamodb_shards(arn: str, parts: List[str]) -> Optional[Dict[str, List[StreamItem]]]:
    if not existence.table_stream_exists(arn):
        return None
    streams = moto_api.client("dynamodbstreams", parts[3], parts[4])
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    record_shape = streams.meta.service_model.shape_for("Record")

    def iterator(**start: Any) -> Any:
        return streams.get_shard_iterator(StreamArn=arn, **start)

    shards: Dict[str, List[StreamItem]] = {}
    for shard in described.get("Shards") or []:
        shard_id = shard["ShardId"]

        def convert(parsed: Dict[str, Any], shard_id: str = shard_id) -> StreamItem:
            record = to_wire(record_shape, parsed)
            dynamodb = record["dynamodb"]
            arrival = epoch(parsed["dynamodb"].get("ApproximateCreationDateTime")) or 0.0
            # Lambda's event carries the creation time in whole seconds.
            dynamodb["ApproximateCreationDateTime"] = float(int(arrival))
            sequence = str(dynamodb["SequenceNumber"])
            return StreamItem(shard_id, sequence, int(sequence), arrival,
                              dynamodb_key(dynamodb),
                              dynamodb_payload(record["eventID"], record["eventName"], dynamodb))

        shards[shard_id] = _read(streams, arn, shard_id, iterator, "SequenceNumber", convert)
    return shards


def shards_for(arn: str) -> Optional[Dict[str, List[StreamItem]]]:
    """moto's shards of this stream, oldest record first in each, or None when moto lacks it."""
    if not moto_api.moto_active():
        return None
    parts = _parts(arn)
    if parts is None:
        return None
    if parts[2] == "kinesis":
        return _kinesis_shards(arn, parts)
    return _dynamodb_shards(arn, parts)


def send_failure(destination: str, record: Dict[str, Any], now: float) -> bool:
    """Send a failure record to moto's SQS queue or SNS topic; False when moto lacks it."""
    if not moto_api.moto_active():
        return False
    body = json.dumps(record)
    parts = _parts(destination)
    if parts is None:
        return False
    if parts[2] == "sqs":
        from .moto_sqs import queue_for

        queue = queue_for(destination)
        if queue is None:
            return False
        try:
            queue.send([Entry(body, {}, None, None, 0, None)], now)
        except ValueError:  # moto refused it (a FIFO queue needs a group): not delivered
            return False
        return True
    if parts[2] == "sns":
        sns = moto_api.client("sns", parts[3], parts[4])
        try:
            sns.publish(TopicArn=destination, Message=body)
        except sns.exceptions.ClientError:  # no such topic
            return False
        return True
    return False
