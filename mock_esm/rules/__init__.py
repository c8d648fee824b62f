"""Per-source validation rules, one module per source family.

:func:`check` is the single entry: it picks the family's module and runs its rules on the
settings a Create or Update would leave.  A family's module is loaded by the first mapping of
that family, so importing mock_esm compiles none of them, and a suite that only maps SQS queues
never loads the Kafka rules.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Mapping

from ..sources import SourceKind

Rule = Callable[[SourceKind, Mapping[str, Any]], None]

_MODULES = {"sqs": "sqs", "stream": "streams", "kafka": "kafka", "mq": "mq",
            "documentdb": "documentdb"}
_loaded: Dict[str, Rule] = {}


def rule_for(family: str) -> Rule:
    """The ``check`` function of a family's module, loaded on first use."""
    rule = _loaded.get(family)
    if rule is None:
        module = importlib.import_module(f"{__name__}.{_MODULES[family]}")
        rule = _loaded[family] = module.check
    return rule


def check(kind: SourceKind, settings: Mapping[str, Any]) -> None:
    """Raise AWS's error for the first rule the settings break; return if they are valid."""
    rule_for(kind.family)(kind, settings)
