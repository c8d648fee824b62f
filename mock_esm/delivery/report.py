"""What ``poll()`` returns: one entry per invocation, in the order they happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Invocation:
    """One call of a handler with one batch.

    ``result`` is what the handler returned and ``error`` what it raised (or the timeout or
    marshalling failure Lambda would report); ``failed_item_ids`` are the records left in the
    source for redelivery: all of them after an error, the reported ones after a partial batch
    response, none after a success.
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
    """A record the mapping's FilterCriteria dropped (and, for SQS, deleted)."""

    mapping_uuid: str
    record: Dict[str, Any]


class PollReport(List[Invocation]):
    """The invocations of one ``poll()``; ``filtered`` lists the records filters dropped.

    ``failures`` lists the records of stream batches given up on (retries exhausted or records
    too old), in the shape Lambda sends to ``DestinationConfig.OnFailure``, whether or not the
    mapping names a destination.
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

