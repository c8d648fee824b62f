"""Everything mock_esm asks moto, in one place: which account a key belongs to, and whether the
function and the event source a mapping names exist.

Only called while moto's ``mock_aws`` is active, so moto is already imported; nothing here is
imported by the backend, and nothing here runs (or imports moto) when moto is not active.
Lookups read moto's backend dictionaries with plain ``dict.get`` so that asking never creates an
account or a regional backend as a side effect: what moto has not created does not exist.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Dict, Optional, Tuple

from .errors import InvalidParameterValueException
from .runtime import RUNTIME
from .sources import DYNAMODB, KINESIS, SQS, SQS_FIFO, SourceKind

FUNCTION_MISSING = "Function does not exist"
QUEUE_MISSING = ("Error occurred while ReceiveMessage. SQS Error Code: "
                 "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue "
                 "does not exist.")
STREAM_MISSING = "Stream not found: {arn}"
NOT_FIFO = ("The event source arn (\" {arn} \") names a queue that is not a FIFO queue: a queue "
            "whose name ends in .fifo must be created with the FifoQueue attribute set to true.")


def moto_active() -> bool:
    """Whether moto's ``mock_aws`` currently answers botocore calls (never imports moto)."""
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def _regional(backends: Any, account_id: str, region: str) -> Any:
    """moto's backend for (account, region) if moto already made it; never creates one."""
    account = dict.get(backends, account_id)
    return None if account is None else dict.get(account, region)


def account_for_key(access_key: Optional[str]) -> Optional[str]:
    """The account moto files this access key under, or None when moto does not know the key.

    Keys only exist once IAM or STS made them, and both import ``moto.iam.models``; when it is
    not imported no key can be known, and we do not import it.
    """
    iam = sys.modules.get("moto.iam.models")
    if iam is None or not access_key:
        return None
    for account_id, account in list(dict.items(iam.iam_backends)):
        for backend in list(dict.values(account)):
            if access_key in backend.access_keys:
                return str(account_id)
    return None


def resolve_account(access_key: Callable[[], Optional[str]], moto: bool) -> str:
    """Explicit option > moto's account for the request's key > MOTO_ACCOUNT_ID > default.

    The key is asked for only while moto is active, so without moto no credentials are read.
    """
    if RUNTIME.account_id:
        return RUNTIME.account_id
    if moto:
        account = account_for_key(access_key())
        if account is not None:
            return account
    return RUNTIME.fallback_account()


def _split(arn: str) -> Tuple[str, str, str]:
    """(region, account, resource) of an ARN the backend has already validated."""
    parts = arn.split(":", 5)
    return parts[3], parts[4], parts[5]


def _function_exists(function_arn: str) -> bool:
    from moto.awslambda.exceptions import LambdaClientError
    from moto.awslambda.models import lambda_backends

    region, account_id, _ = _split(function_arn)
    backend = _regional(lambda_backends, account_id, region)
    if backend is None:
        return False
    try:
        backend.get_function(function_arn)
    except LambdaClientError:
        return False
    return True


def _registered(function_arn: str) -> bool:
    """A function given a Python handler with ``esm.register_function`` exists for the check."""
    delivery = sys.modules.get("mock_esm.delivery")
    return delivery is not None and delivery.DELIVERY.functions.lookup(function_arn) is not None


def _check_queue(kind: SourceKind, arn: str) -> None:
    from moto.sqs.models import sqs_backends

    region, account_id, name = _split(arn)
    backend = _regional(sqs_backends, account_id, region)
    queue = None if backend is None else backend.queues.get(name)
    if queue is None:
        raise InvalidParameterValueException(QUEUE_MISSING)
    if kind is SQS_FIFO and not queue.fifo_queue:
        raise InvalidParameterValueException(NOT_FIFO.format(arn=arn))


def _kinesis_stream_exists(arn: str) -> bool:
    from moto.kinesis.models import kinesis_backends

    region, account_id, resource = _split(arn)
    backend = _regional(kinesis_backends, account_id, region)
    stream = None if backend is None else backend.streams.get(resource[len("stream/"):])
    return stream is not None and stream.arn == arn


def _table_stream_exists(arn: str) -> bool:
    from moto.dynamodb.models import dynamodb_backends

    region, account_id, resource = _split(arn)
    backend = _regional(dynamodb_backends, account_id, region)
    table_name = resource.split("/")[1]
    table = None if backend is None else backend.tables.get(table_name)
    return (table is not None and table.latest_stream_label is not None
            and f"{table.table_arn}/stream/{table.latest_stream_label}" == arn)


_STREAM_CHECKS: Dict[str, Callable[[str], bool]] = {
    KINESIS.name: _kinesis_stream_exists, DYNAMODB.name: _table_stream_exists}


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
