"""In-process delivery: event source mappings feed registered Python handlers on ``poll()``.

Layout (one job per module):

* ``functions`` which callable plays which Lambda function; ``context`` the handler's context.
* ``poller`` the loop: enabled mappings -> source -> batch -> ``invoke`` -> source.complete.
* ``invoke`` calls a handler as Lambda does and reads partial batch responses.
* ``base`` the contract a source family implements (``Source``, ``Batch``, ``Outcome``).
* ``sqs`` the SQS family; ``sqs_message`` its event records; ``sqs_queue`` the in-mock queue;
  ``moto_sqs`` moto's queues.
* ``streams`` Kinesis and DynamoDB Streams (lanes, checkpoints, retries, bisection, windows);
  ``stream_records`` their records; ``stream_store`` the in-mock streams; ``moto_streams``
  moto's streams and on-failure destinations.
* ``kafka`` MSK and self-managed Kafka; ``mq`` Amazon MQ (ActiveMQ, RabbitMQ).
* ``inputs`` checks on what tests pass to ``put_records``.
* ``report`` what ``poll()`` returns.

Nothing here imports botocore or moto; the ``moto_*`` modules and ``mq`` ask moto through its
AWS API (clients from :mod:`mock_esm.aws.moto_api`), and only while moto's mock is active.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from ..service import clock
from ..service.backend import BackendRegistry
from ..service.errors import AwsError
from ..service.sources import kind_for
from .base import Source
from .functions import DEFAULT_MEMORY_SIZE, DEFAULT_TIMEOUT, FunctionRegistry, Handler
from .invoke import FunctionError, MarshalError, TaskTimedOut
from .poller import kafka_mapping, mapping_exists, poll
from .report import FilteredRecord, Invocation, PollReport

__all__ = ["DELIVERY", "Delivery", "FilteredRecord", "FunctionError", "Invocation",
           "MarshalError", "PollReport", "TaskTimedOut"]


class Delivery:
    """The data side of the mock: registered functions, in-mock records, the poll loop."""

    def __init__(self) -> None:
        self.functions = FunctionRegistry()
        # One source per family, added by mock_esm.families when the mock first delivers.
        self.sources: Dict[str, Source] = {}

    def add_source(self, family: str, source: Source) -> None:
        """Deliver the mappings of ``family`` (a SourceKind's family) from ``source``."""
        self.sources.setdefault(family, source)

    def register_function(self, function: str, handler: Handler, *,
                          timeout: float = DEFAULT_TIMEOUT,
                          memory_size: int = DEFAULT_MEMORY_SIZE) -> None:
        self.functions.register(function, handler, timeout=timeout, memory_size=memory_size)

    def put_records(self, source: str, records: Sequence[Any],
                    registry: Optional[BackendRegistry] = None) -> List[str]:
        if not isinstance(source, str):
            raise TypeError(f"put_records() takes the event source ARN as a string (or a "
                            f"self-managed Kafka mapping's UUID); got {source!r}")
        now = clock.now()
        if not source.startswith("arn:"):
            owner = None if registry is None else kafka_mapping(registry, source, now)
            if owner is None:
                raise ValueError(f"put_records(): {source!r} is not an event source ARN, nor "
                                 f"the UUID of a self-managed Kafka mapping")
            return self.sources["kafka"].put_records(source, records, owner[0], owner[1], now)
        try:
            kind = kind_for(source)
        except AwsError:
            raise ValueError(f"put_records(): {source!r} is not an event source ARN") from None
        family = self.sources.get(kind.family)
        if family is None:
            raise NotImplementedError(
                f"put_records(): in-process delivery does not support {kind.name} sources; "
                f"{source!r} is one")
        parts = source.split(":")
        return family.put_records(source, records, parts[4], parts[3], now)

    def poll(self, registry: BackendRegistry, uuid: Optional[str] = None) -> PollReport:
        if uuid is not None:
            if not isinstance(uuid, str):
                raise TypeError(f"poll() takes a mapping UUID string or nothing; got {uuid!r}")
            if not mapping_exists(registry, uuid, clock.now()):
                raise LookupError(f"poll({uuid!r}): no event source mapping has this UUID in "
                                  f"any account or region")
        return poll(registry, self.functions, self.sources, uuid)

    def reset(self) -> None:
        self.functions.reset()
        for source in self.sources.values():
            source.reset()


DELIVERY = Delivery()
