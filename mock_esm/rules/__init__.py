"""Per-source validation rules, one module per source family.

:func:`check` is the single entry: it picks the family's module and runs its rules on the
settings a Create or Update would leave.
"""

from __future__ import annotations

from typing import Callable, Dict

from ..sources import SourceKind
from . import documentdb, kafka, mq, sqs, streams
from .common import Settings

_FAMILIES: Dict[str, Callable[[SourceKind, Settings], None]] = {
    "sqs": sqs.check,
    "stream": streams.check,
    "kafka": kafka.check,
    "mq": mq.check,
    "documentdb": documentdb.check,
}


def check(kind: SourceKind, settings: Settings) -> None:
    """Raise AWS's error for the first rule the settings break; return if they are valid."""
    _FAMILIES[kind.family](kind, settings)
