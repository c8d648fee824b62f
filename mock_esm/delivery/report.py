"""What ``poll()`` returns: one entry per invocation, in the order they happened.

A report holds what its classes document and nothing else, so a ``poll()`` over a large backlog
costs memory for what a test can read back, not for the poll's own bookkeeping: which items it
handed out, the handler's copy of each event, and the batches' receipt handles and positions
are all dropped as the poll goes.  What a test can read back is kept compact: each
invocation's event and records as the pickle bytes the handler's copy was loaded from (see
:mod:`.snapshot`), decoded on first read.  Bytes are nothing the garbage collector walks, so
the cost of a delivered record stays the same however large the report grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from .snapshot import Delivered


@dataclass(frozen=True, eq=False, repr=False)
class Invocation:
    """One call of a handler with one batch.

    Holds: ``event``, the event as the handler received it, before the handler ran (the handler
    had its own copy, so what it changed there is not seen here); ``records``, the records of
    that event (the same objects as in ``event``, not a copy); ``result``, what the handler
    returned; ``error``, what it raised, or the timeout or marshalling failure Lambda would
    report (its traceback keeps where it was raised but not the handler's local variables);
    ``failed_item_ids``, the records left in the source for redelivery: all of them after an
    error, the reported ones after a partial batch response, none after a success.  Nothing
    else: not the context object, not the handler's copy of the event.

    ``event`` and ``records`` are kept as bytes (``delivered``) and decoded the first time
    either is read; later reads return the same objects.  ``batch_size`` needs no decoding.
    Where pickle refused a value of the event, the objects themselves are kept instead.
    """

    mapping_uuid: str
    function_arn: str
    delivered: Delivered
    aws_request_id: str
    result: Any = None
    error: Optional[BaseException] = None
    failed_item_ids: Tuple[str, ...] = ()

    @property
    def event(self) -> Dict[str, Any]:
        return self.delivered.pair()[0]

    @property
    def records(self) -> List[Dict[str, Any]]:
        return self.delivered.pair()[1]

    @property
    def batch_size(self) -> int:
        return self.delivered.size

    @property
    def succeeded(self) -> bool:
        """Every record of the batch was processed and removed from the source."""
        return not self.failed_item_ids

    def _compared(self) -> Tuple[Any, ...]:
        return (self.mapping_uuid, self.function_arn, self.event, self.records,
                self.aws_request_id, self.result, self.error, self.failed_item_ids)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Invocation):
            return NotImplemented
        return self._compared() == other._compared()

    __hash__ = None  # type: ignore[assignment]  # equal by contents, which are mutable

    def __repr__(self) -> str:
        """The decoded event and records, never the bytes."""
        return (f"Invocation(mapping_uuid={self.mapping_uuid!r}, "
                f"function_arn={self.function_arn!r}, event={self.event!r}, "
                f"records={self.records!r}, aws_request_id={self.aws_request_id!r}, "
                f"result={self.result!r}, error={self.error!r}, "
                f"failed_item_ids={self.failed_item_ids!r})")


@dataclass(frozen=True)
class FilteredRecord:
    """A record the mapping's FilterCriteria dropped (and, for SQS, deleted): the record as it
    would have been delivered, and the UUID of the mapping whose filters dropped it."""

    mapping_uuid: str
    record: Dict[str, Any]


class PollReport(List[Invocation]):
    """The invocations of one ``poll()``, in order; ``filtered`` lists the records filters
    dropped, in order.

    ``failures`` lists the records of stream batches given up on (retries exhausted or records
    too old), in the shape Lambda sends to ``DestinationConfig.OnFailure``, whether or not the
    mapping names a destination.  ``errors`` and ``records()`` are computed from the
    invocations when called (``records()`` decodes each invocation's records, the first time
    they are read); nothing else is kept.
    """

    def __init__(self) -> None:
        super().__init__()
        self.filtered: List[FilteredRecord] = []
        self.failures: List[Dict[str, Any]] = []

    @property
    def errors(self) -> List[BaseException]:
        return [item.error for item in self if item.error is not None]

    def records(self) -> List[Dict[str, Any]]:
        """Every record handed to a handler, in delivery order."""
        return [record for item in self for record in item.records]

