"""What mock_esm checks against the rest of the account while moto is active, and whose account
a request lands in: asked of moto through the AWS API it serves (see :mod:`mock_esm.moto_api`).

Only called while moto's ``mock_aws`` is active; nothing here runs, imports moto or makes a
client otherwise.  Each check is the public call Lambda itself would make, in the account and
region the ARN names.
"""

from __future__ import annotations

import sys
from typing import Callable, Dict, Optional, Tuple

from ..service.errors import InvalidParameterValueException
from ..service.runtime import RUNTIME
from ..service.sources import DYNAMODB, KINESIS, SQS, SQS_FIFO, SourceKind
from . import moto_api
from .moto_api import moto_active as moto_active

FUNCTION_MISSING = "Function does not exist"
QUEUE_MISSING = ("Error occurred while ReceiveMessage. SQS Error Code: "
                 "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue "
                 "does not exist.")
STREAM_MISSING = "Stream not found: {arn}"
NOT_FIFO = ("The event source arn (\" {arn} \") names a queue that is not a FIFO queue: a queue "
            "whose name ends in .fifo must be created with the FifoQueue attribute set to true.")
DEFAULT_REGION = "us-east-1"


def resolve_account(access_key: Callable[[], Optional[str]], moto: bool,
                    region: str = DEFAULT_REGION) -> str:
    """Explicit option > moto's account for the request's key > MOTO_ACCOUNT_ID > default.

    The key is asked for only while moto is active, so without moto no credentials are read.
    """
    if RUNTIME.account_id:
        return RUNTIME.account_id
    if moto:
        key = access_key()
        if key:
            return moto_api.account_for_key(key, region)
    return RUNTIME.fallback_account()


def split_arn(arn: str) -> Tuple[str, str, str]:
    """(region, account, resource) of an ARN the backend has already validated."""
    parts = arn.split(":", 5)
    return parts[3], parts[4], parts[5]


def _function_exists(function_arn: str) -> bool:
    region, account, _ = split_arn(function_arn)
    lam = moto_api.client("lambda", region, account)
    try:
        lam.get_function(FunctionName=function_arn)
    except lam.exceptions.ClientError as error:
        if moto_api.error_code(error) == "ResourceNotFoundException":
            return False
        raise
    return True


def _registered(function_arn: str) -> bool:
    """A function given a Python handler with ``esm.register_function`` exists for the check."""
    delivery = sys.modules.get("mock_esm.delivery")
    return delivery is not None and delivery.DELIVERY.functions.lookup(function_arn) is not None


def queue_url(arn: str) -> Optional[str]:
    """The URL of the queue this ARN names, or None when moto holds no such queue."""
    region, account, name = split_arn(arn)
    sqs = moto_api.client("sqs", region, account)
    try:
        return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])
    except sqs.exceptions.ClientError as error:
        if "NonExistentQueue" in (moto_api.error_code(error) or ""):
            return None
        raise


def is_fifo(arn: str, url: str) -> bool:
    region, account, _ = split_arn(arn)
    sqs = moto_api.client("sqs", region, account)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue"])
    return bool(attributes.get("Attributes", {}).get("FifoQueue") == "true")


def _check_queue(kind: SourceKind, arn: str) -> None:
    url = queue_url(arn)
    if url is None:
        raise InvalidParameterValueException(QUEUE_MISSING)
    if kind is SQS_FIFO and not is_fifo(arn, url):
        raise InvalidParameterValueException(NOT_FIFO.format(arn=arn))


def _kinesis_stream_exists(arn: str) -> bool:
    region, account, resource = split_arn(arn)
    kinesis = moto_api.client("kinesis", region, account)
    try:
        summary = kinesis.describe_stream_summary(StreamName=resource[len("stream/"):])
    except kinesis.exceptions.ResourceNotFoundException:
        return False
    return bool(summary["StreamDescriptionSummary"]["StreamARN"] == arn)


def table_stream_exists(arn: str) -> bool:
    """Whether the table holds this stream now (DynamoDB Streams ``ListStreams``); moto's
    DescribeStream finds the table by name and would answer for a stream the table replaced."""
    region, account, resource = split_arn(arn)
    streams = moto_api.client("dynamodbstreams", region, account)
    listed = streams.list_streams(TableName=resource.split("/")[1])
    return any(stream["StreamArn"] == arn for stream in listed.get("Streams") or [])


_STREAM_CHECKS: Dict[str, Callable[[str], bool]] = {
    KINESIS.name: _kinesis_stream_exists, DYNAMODB.name: table_stream_exists}


def check(kind: SourceKind, function_arn: Optional[str], event_source_arn: Optional[str]) -> None:
    """What AWS checks against the rest of the account, in AWS's order: function, then source.

    The function exists if moto holds it or ``esm.register_function`` gave it a handler.
    Sources moto cannot hold for us (MSK, Kafka, MQ, DocumentDB) are accepted as named.
    """
    if (function_arn is not None and not _registered(function_arn)
            and not _function_exists(function_arn)):
        raise InvalidParameterValueException(FUNCTION_MISSING)
    if event_source_arn is None:
        return
    if kind is SQS or kind is SQS_FIFO:
        _check_queue(kind, event_source_arn)
        return
    stream_exists = _STREAM_CHECKS.get(kind.name)
    if stream_exists is not None and not stream_exists(event_source_arn):
        raise InvalidParameterValueException(STREAM_MISSING.format(arn=event_source_arn))
