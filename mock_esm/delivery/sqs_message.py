"""An SQS message as both queue stores hand it over, and the Lambda record made from it."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

SENDER_ID = "AIDAIT2UOQQY3AUEKVGXU"


@dataclass(frozen=True)
class SqsMessage:
    """One received message; attributes in the SQS API shape (``DataType``, ``StringValue``...)."""

    message_id: str
    receipt_handle: str
    body: str
    sent_ms: int
    first_receive_ms: int
    receive_count: int
    sender_id: str
    message_attributes: Mapping[str, Mapping[str, Any]]
    group_id: Optional[str] = None
    deduplication_id: Optional[str] = None
    sequence_number: Optional[str] = None
    trace_header: Optional[str] = None


def md5_of(body: str) -> str:
    return hashlib.md5(body.encode("utf-8")).hexdigest()


def _b64(value: Any) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(raw).decode("ascii")


def lambda_message_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> Dict[str, Any]:
    """SQS API attribute values in the shape Lambda's SQS event uses (camelCase, base64)."""
    shaped: Dict[str, Any] = {}
    for name, value in attributes.items():
        item: Dict[str, Any] = {}
        if value.get("StringValue") is not None:
            item["stringValue"] = value["StringValue"]
        if value.get("BinaryValue") is not None:
            item["binaryValue"] = _b64(value["BinaryValue"])
        item["stringListValues"] = list(value.get("StringListValues") or [])
        item["binaryListValues"] = [_b64(v) for v in value.get("BinaryListValues") or []]
        item["dataType"] = value.get("DataType")
        shaped[name] = item
    return shaped


def to_record(message: SqsMessage, queue_arn: str, fifo: bool) -> Dict[str, Any]:
    """The record Lambda puts in ``event["Records"]`` for this message."""
    attributes: Dict[str, str] = {
        "ApproximateReceiveCount": str(message.receive_count),
        "SentTimestamp": str(message.sent_ms),
    }
    if message.trace_header is not None:
        attributes["AWSTraceHeader"] = message.trace_header
    if fifo:
        attributes["SequenceNumber"] = message.sequence_number or ""
        attributes["MessageGroupId"] = message.group_id or ""
    attributes["SenderId"] = message.sender_id
    if fifo:
        attributes["MessageDeduplicationId"] = message.deduplication_id or ""
    attributes["ApproximateFirstReceiveTimestamp"] = str(message.first_receive_ms)
    return {
        "messageId": message.message_id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": lambda_message_attributes(message.message_attributes),
        "md5OfBody": md5_of(message.body),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }


def filter_view(record: Dict[str, Any]) -> Dict[str, Any]:
    """What a filter pattern sees: the record, its body parsed when it is a JSON object."""
    body = record.get("body")
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except ValueError:
            return record
        if isinstance(parsed, dict):
            view = dict(record)
            view["body"] = parsed
            return view
    return record
