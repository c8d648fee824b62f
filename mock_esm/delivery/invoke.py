"""Calling a handler the way Lambda does, and reading its answer the way an ESM does.

A handler exception, a return value the runtime cannot serialise, and a run past the
function's timeout on the mock clock are all function errors; none of them escapes ``poll()``.
"""

from __future__ import annotations

import json
import traceback
import uuid as uuidlib
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..service import clock
from .base import Batch, Outcome
from .context import LambdaContext
from .functions import FunctionTarget
from .report import Invocation
from .snapshot import capture


class FunctionError(Exception):
    """A failure Lambda reports for the function itself rather than raising in the caller."""

    error_type = "Unhandled"


class TaskTimedOut(FunctionError):
    """The handler ran past its timeout on the mock clock."""

    error_type = "Sandbox.Timedout"


class MarshalError(FunctionError):
    """The handler returned something the Python runtime cannot serialise to JSON."""

    error_type = "Runtime.MarshalError"


def call(target: FunctionTarget,
         event: Dict[str, Any]) -> Tuple[str, Any, Any, Optional[Exception]]:
    """Run the handler on ``event``, its own copy: (request id, its return value, that value as
    JSON sees it, error)."""
    request_id = str(uuidlib.uuid4())
    started = clock.now()
    function = target.function
    context = LambdaContext(function_name=target.name, qualifier=target.qualifier,
                            invoked_function_arn=target.arn, aws_request_id=request_id,
                            memory_size=function.memory_size, timeout=function.timeout,
                            started=started)
    try:
        result = function.handler(event, context)
    except Exception as exc:  # a function error, reported, never raised out of poll()
        # The report keeps the error; its frames' locals (the handler's copy of the event,
        # whatever the handler built) would stay alive with it, so they are let go.
        traceback.clear_frames(exc.__traceback__)
        return request_id, None, None, exc
    if clock.now() - started > function.timeout:
        return request_id, result, None, TaskTimedOut(
            f"Task timed out after {function.timeout:.2f} seconds")
    try:
        wire = json.loads(json.dumps(result))
    except (TypeError, ValueError) as exc:
        return request_id, result, None, MarshalError(f"Unable to marshal response: {exc}")
    return request_id, result, wire, None


def reported_failures(result: Any, item_ids: Sequence[str]) -> Optional[List[str]]:
    """The item IDs a partial batch response names, or None when the response is malformed.

    AWS's rules: a null response, an empty object, a missing or null ``batchItemFailures`` or an
    empty list mean complete success; a response that is not a JSON object, a
    ``batchItemFailures`` that is not a list, an entry without an ``itemIdentifier``, or an
    identifier that is null, empty or not in the batch fail the whole batch.
    """
    if result is None:
        return []
    if not isinstance(result, dict):
        return None
    failures = result.get("batchItemFailures")
    if failures is None:
        return []
    if not isinstance(failures, list):
        return None
    known = set(item_ids)
    named: List[str] = []
    for entry in failures:
        identifier = entry.get("itemIdentifier") if isinstance(entry, dict) else None
        if not isinstance(identifier, str) or identifier not in known:
            return None
        if identifier not in named:
            named.append(identifier)
    return named


def invoke(target: FunctionTarget, batch: Batch) -> Tuple[Invocation, Outcome]:
    """Deliver one batch and decide which of its items failed.

    The report's record of the batch and the handler's copy of its event come from one pickle
    (see :mod:`.snapshot`); the source keeps reading ``batch`` itself afterwards.
    """
    delivered, handler_event = capture(batch.event, batch.records)
    request_id, result, wire, error = call(target, handler_event)
    failed: Sequence[str]
    if error is not None:
        failed = batch.item_ids
    elif batch.mapping.reports_item_failures:
        named = reported_failures(wire, batch.item_ids)
        failed = batch.item_ids if named is None else [i for i in batch.item_ids if i in named]
    else:
        failed = ()
    if error is None and batch.requires_state and not (
            isinstance(wire, dict) and "state" in wire):
        failed = batch.item_ids
    invocation = Invocation(
        mapping_uuid=batch.mapping.uuid, function_arn=batch.mapping.function_arn,
        delivered=delivered, aws_request_id=request_id, result=result,
        error=error, failed_item_ids=tuple(failed))
    return invocation, Outcome(frozenset(failed), error, request_id, wire)
