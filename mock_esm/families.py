"""The source families, one registration each: its kinds, how moto is asked whether a source
exists, and which delivery source feeds its mappings.

A kind itself (how its ARN reads, its defaults, AWS's wording for it, its rules module) belongs
to the service, in :mod:`mock_esm.service.sources`, so a bare ``EsmBackend`` knows every kind.
What sits above the service is named here and pushed into the registries each layer owns:
:mod:`mock_esm.aws.existence` for the checks, the delivery engine for the sources.  Importing
this module imports no delivery code: a family's source is made by the first delivery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Tuple

from .aws import existence
from .service import sources
from .service.sources import SourceKind

if TYPE_CHECKING:
    from .delivery import Delivery
    from .delivery.base import Source


class Family:
    """One source family, as each layer above the service needs to know it."""

    __slots__ = ("exists", "kinds", "name", "source")

    def __init__(self, name: str, kinds: Tuple[SourceKind, ...],
                 source: Optional[Callable[[], Source]] = None,
                 exists: Optional[existence.SourceCheck] = None) -> None:
        if any(kind.family != name for kind in kinds):
            raise ValueError(f"family {name!r} lists a kind of another family: {kinds}")
        self.name = name
        self.kinds = kinds
        # Makes the family's delivery source, called once by the first delivery; None when
        # mappings of the family are not delivered in-process.
        self.source = source
        # Refuses, as Create would, a source moto does not hold; None accepts it as named.
        self.exists = exists


def _sqs() -> Source:
    from .delivery.sqs import SqsSource

    return SqsSource()


def _streams() -> Source:
    from .delivery.streams import StreamSource

    return StreamSource()


def _kafka() -> Source:
    from .delivery.kafka import KafkaSource

    return KafkaSource()


def _mq() -> Source:
    from .delivery.mq import MqSource

    return MqSource()


FAMILIES: Tuple[Family, ...] = (
    Family("sqs", (sources.SQS, sources.SQS_FIFO), _sqs, existence.check_queue),
    Family("stream", (sources.KINESIS, sources.DYNAMODB), _streams, existence.check_stream),
    Family("kafka", (sources.MSK, sources.SELF_MANAGED_KAFKA), _kafka, existence.check_cluster),
    Family("mq", (sources.MQ,), _mq, existence.check_broker),
    Family("documentdb", (sources.DOCUMENTDB,)),
)


def install_delivery(delivery: Delivery) -> None:
    """Give the delivery engine each family's source, and let the existence checks count the
    functions it has handlers for."""
    for family in FAMILIES:
        if family.source is not None and family.name not in delivery.sources:
            delivery.add_source(family.name, family.source())
    existence.accept_functions(delivery.functions.known)


def _register_checks() -> None:
    for family in FAMILIES:
        if family.exists is not None:
            for kind in family.kinds:
                existence.register_source_check(kind, family.exists)


_register_checks()
