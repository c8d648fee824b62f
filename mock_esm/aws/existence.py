"""What mock_esm checks against the rest of the account while moto is active, and whose account
a request lands in: asked of moto through the AWS API it serves (see :mod:`mock_esm.aws.moto_api`).

Only called while moto's ``mock_aws`` is active; nothing here runs, imports moto or makes a
client otherwise.  Each check is the public call Lambda itself would make, in the account and
region the ARN names.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

from ..service.errors import InvalidParameterValueException
from ..service.runtime import RUNTIME
from ..service.sources import SQS_FIFO, SourceKind
from . import moto_api
from .moto_api import moto_active as moto_active

FUNCTION_MISSING = "Function does not exist"
QUEUE_MISSING = ("Error occurred while ReceiveMessage. SQS Error Code: "
                 "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue "
                 "does not exist.")
STREAM_MISSING = "Stream not found: {arn}"
NOT_FIFO = ("The event source arn (\" {arn} \") names a queue that is not a FIFO queue: a queue "
            "whose name ends in .fifo must be created with the FifoQueue attribute set to true.")
# Ours: AWS's wording for a missing cluster or broker is unrecorded (docs/wording.md).
CLUSTER_MISSING = "The Amazon MSK cluster {arn} does not exist."
BROKER_MISSING = "The Amazon MQ broker {arn} does not exist."
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


_known_functions: List[Callable[[str], bool]] = []
SourceCheck = Callable[[SourceKind, str], None]
_source_checks: Dict[SourceKind, SourceCheck] = {}


def accept_functions(known: Callable[[str], bool]) -> None:
    """Count the functions ``known`` answers True for as existing, though moto does not hold
    them (delivery's functions given a Python handler with ``esm.register_function``)."""
    if known not in _known_functions:
        _known_functions.append(known)


def register_source_check(kind: SourceKind, check: SourceCheck) -> None:
    """How a source of ``kind`` is looked for in moto: ``check`` raises Create's refusal when moto
    does not hold it.  Kinds without a check are accepted as named."""
    _source_checks[kind] = check


def _registered(function_arn: str) -> bool:
    return any(known(function_arn) for known in _known_functions)


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


def check_queue(kind: SourceKind, arn: str) -> None:
    """The queue exists (and, for a FIFO kind, is a FIFO queue)."""
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


def check_stream(kind: SourceKind, arn: str) -> None:
    """The Kinesis stream or DynamoDB table stream the ARN names exists."""
    exists = _kinesis_stream_exists if arn.split(":")[2] == "kinesis" else table_stream_exists
    if not exists(arn):
        raise InvalidParameterValueException(STREAM_MISSING.format(arn=arn))


def _msk_cluster_exists(arn: str) -> bool:
    """Listed rather than described: moto answers DescribeCluster(V2) of an unknown ARN with
    no AWS error at all, so the list of the account's clusters is the answer to trust."""
    region, account, _ = split_arn(arn)
    kafka = moto_api.client("kafka", region, account)
    return any(cluster["ClusterArn"] == arn
               for page in kafka.get_paginator("list_clusters_v2").paginate()
               for cluster in page.get("ClusterInfoList") or [])


def check_cluster(kind: SourceKind, arn: str) -> None:
    """The MSK cluster the ARN names exists.  (Self-managed Kafka names no ARN: never asked.)"""
    if not _msk_cluster_exists(arn):
        raise InvalidParameterValueException(CLUSTER_MISSING.format(arn=arn))


def check_broker(kind: SourceKind, arn: str) -> None:
    """The MQ broker exists: its id is the ARN's last part, in moto's ARNs as in AWS's."""
    region, account, resource = split_arn(arn)
    mq = moto_api.client("mq", region, account)
    try:
        mq.describe_broker(BrokerId=resource.rsplit(":", 1)[-1])
    except mq.exceptions.NotFoundException:
        raise InvalidParameterValueException(BROKER_MISSING.format(arn=arn)) from None


def check(kind: SourceKind, function_arn: Optional[str], event_source_arn: Optional[str]) -> None:
    """What AWS checks against the rest of the account, in AWS's order: function, then source.

    The function exists if moto holds it or ``esm.register_function`` gave it a handler.
    Sources without a registered check are accepted as named: self-managed Kafka names no
    ARN, and moto cannot hold a DocumentDB cluster (its RDS API refuses the ``docdb`` engine).
    """
    if (function_arn is not None and not _registered(function_arn)
            and not _function_exists(function_arn)):
        raise InvalidParameterValueException(FUNCTION_MISSING)
    if event_source_arn is None:
        return
    source_check = _source_checks.get(kind)
    if source_check is not None:
        source_check(kind, event_source_arn)
