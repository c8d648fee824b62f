"""Kinesis and DynamoDB stream records: what a shard holds, and the Lambda record made from it.

Both stores (in-mock and moto) hand the stream source :class:`StreamItem` objects, so the
checkpoint, retry and window logic never looks at a family's own shape; only ``to_record``
does, when a batch is built for one mapping.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Mapping, NamedTuple, Optional

from .base import MappingView, with_decoded_json

KINESIS_EVENT_NAME = "aws:kinesis:record"


class StreamItem(NamedTuple):
    """One record in one shard; ``order`` sorts a shard, ``key`` chooses its parallel lane.

    ``payload`` is the family's own part of the record as text: for Kinesis the base64 data,
    for DynamoDB the JSON of ``eventID``, ``eventName`` and ``dynamodb``.  A stream keeps every
    record for the whole activation, so each is one small object of strings and numbers: every
    full collection of the garbage collector still visits it (CPython stops tracking exact
    tuples of such values, not named tuples) but finds nothing inside to walk, where a DynamoDB
    item's images kept as dicts were half a dozen more objects per record.  Building a batch
    decodes the JSON into the fresh dicts the event needs anyway.
    """

    shard_id: str
    sequence_number: str
    order: int
    arrival: float
    key: str
    payload: str


def stream_arn(arn: str) -> str:
    """The stream a mapping reads: a Kinesis consumer ARN (enhanced fan-out) names its stream."""
    if arn.split(":")[2:3] == ["kinesis"] and "/consumer/" in arn:
        return arn.split("/consumer/")[0]
    return arn


def iso_millis(seconds: float) -> str:
    """AWS's timestamp form in failure records: ``2019-11-14T00:38:06.021Z``."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def invoke_identity_arn(mapping: MappingView) -> str:
    """The function's execution role; the mock has no IAM, so it names a conventional one."""
    name = mapping.function_arn.split(":")[6]
    return f"arn:aws:iam::{mapping.account_id}:role/{name}-role"


def to_record(item: StreamItem, mapping: MappingView) -> Dict[str, Any]:
    """The record Lambda puts in ``event["Records"]`` for this item and mapping."""
    arn = stream_arn(mapping.event_source_arn or "")
    region = arn.split(":")[3]
    if mapping.kind == "kinesis":
        return {
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": item.key,
                "sequenceNumber": item.sequence_number,
                "data": item.payload,
                "approximateArrivalTimestamp": round(item.arrival, 3),
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": f"{item.shard_id}:{item.sequence_number}",
            "eventName": KINESIS_EVENT_NAME,
            "invokeIdentityArn": invoke_identity_arn(mapping),
            "awsRegion": region,
            "eventSourceARN": arn,
        }
    part = json.loads(item.payload)
    return {
        "eventID": part["eventID"],
        "eventName": part["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": part["dynamodb"],
        "eventSourceARN": arn,
    }


def dynamodb_payload(event_id: str, event_name: str, dynamodb: Mapping[str, Any]) -> str:
    """A DynamoDB stream record's ``payload``, as :func:`to_record` reads it."""
    return json.dumps({"eventID": event_id, "eventName": event_name, "dynamodb": dynamodb})


def sequence_of(record: Mapping[str, Any]) -> str:
    """The identifier a partial batch response names for a stream record."""
    if "kinesis" in record:
        return str(record["kinesis"]["sequenceNumber"])
    return str(record["dynamodb"]["SequenceNumber"])


def filter_view(record: Dict[str, Any]) -> Dict[str, Any]:
    """What a filter pattern sees: Kinesis ``data`` decoded as JSON when it is JSON."""
    kinesis = record.get("kinesis")
    if not isinstance(kinesis, dict):
        return record
    return with_decoded_json(record, "data", kinesis["data"])


def dynamodb_size(dynamodb: Mapping[str, Any]) -> int:
    """Bytes of the item images and keys, close to what DynamoDB reports in ``SizeBytes``."""
    parts = [dynamodb.get(name) for name in ("Keys", "NewImage", "OldImage")]
    return len(json.dumps([p for p in parts if p], separators=(",", ":")))


def dynamodb_key(dynamodb: Mapping[str, Any]) -> str:
    """The item's key as a stable string: one item's changes share a lane."""
    return json.dumps(dynamodb.get("Keys") or {}, sort_keys=True)


def event_name_for(dynamodb: Mapping[str, Any]) -> str:
    if dynamodb.get("OldImage") is None:
        return "INSERT"
    if dynamodb.get("NewImage") is None:
        return "REMOVE"
    return "MODIFY"


def epoch(value: Any) -> Optional[float]:
    """Seconds since the epoch of a number, a (naive = UTC) datetime, or its ISO text (as
    moto before 5.2 stores a stream record's creation time)."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return float(value.timestamp())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None
