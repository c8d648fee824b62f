"""What ``poll()`` returns: one entry per invocation, in the order they happened.

A report holds what its classes document and nothing else, so a ``poll()`` over a large backlog
costs memory for what a test can read back (each delivered record once, shared between
``event`` and ``records``), not for the poll's own bookkeeping: which items it handed out, the
handler's copy of each event, and the batches' receipt handles and positions are all dropped
as the poll goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Invocation:
    """One call of a handler with one batch.

    Holds: ``event``, the event as built for the handler (the handler itself got a copy, so
    what it changed there is not seen here); ``records``, the records of that event (the same
    objects as in ``event``, not a copy); ``result``, what the handler returned; ``error``, what
    it raised, or the timeout or marshalling failure Lambda would report (its traceback keeps
    where it was raised but not the handler's local variables); ``failed_item_ids``, the
    records left in the source for redelivery: all of them after an error, the reported ones
    after a partial batch response, none after a success.  Nothing else: not the context
    object, not the handler's copy of the event.
    """

    mapping_uuid: str
    function_arn: str
    event: Dict[str, Any]
    records: List[Dict[str, Any]]
    aws_request_id: str
    result: Any = None
    error: Optional[BaseException] = None
    failed_item_ids: Tuple[str, ...] = ()

    @property
    def batch_size(self) -> int:
        return len(self.records)

    @property
    def succeeded(self) -> bool:
        """Every record of the batch was processed and removed from the source."""
        return not self.failed_item_ids


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
    invocations when called; nothing else is kept.
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

