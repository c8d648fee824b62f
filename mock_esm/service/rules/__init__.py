"""Per-source validation rules, one module per source family.

:func:`check` is the single entry: it picks the family's module and runs its rules on the
settings a Create or Update would leave.  A family's module is loaded by the first mapping of
that family, so importing mock_esm compiles none of them, and a suite that only maps SQS queues
never loads the Kafka rules.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Mapping, Tuple

from ..sources import SourceKind

Rule = Callable[[SourceKind, Mapping[str, Any]], None]

Change = Callable[[Mapping[str, Any], Mapping[str, Any]], None]
Fill = Callable[[SourceKind, Dict[str, Any], str], None]
_loaded: Dict[str, Tuple[Rule, Change, Fill]] = {}


def _no_fixed_settings(before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Families whose every setting an Update may change."""


def _no_identity_defaults(kind: SourceKind, settings: Dict[str, Any], uuid: str) -> None:
    """Families whose defaults do not depend on the new mapping's identity."""


def _family(kind: SourceKind) -> Tuple[Rule, Change, Fill]:
    """The ``check``, ``check_change`` and ``fill_identity_defaults`` functions of the rules
    module the kind names, loaded on first use."""
    loaded = _loaded.get(kind.rules)
    if loaded is None:
        module = importlib.import_module(f"{__name__}.{kind.rules}")
        loaded = _loaded[kind.rules] = (
            module.check, getattr(module, "check_change", _no_fixed_settings),
            getattr(module, "fill_identity_defaults", _no_identity_defaults))
    return loaded


def check(kind: SourceKind, settings: Mapping[str, Any]) -> None:
    """Raise AWS's error for the first rule the settings break; return if they are valid."""
    _family(kind)[0](kind, settings)


def check_change(kind: SourceKind, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Raise AWS's error for a setting the family fixes at creation that an Update changes."""
    _family(kind)[1](before, after)


def fill_identity_defaults(kind: SourceKind, settings: Dict[str, Any], uuid: str) -> None:
    """Add the defaults Lambda derives once the new mapping has its UUID (and that the rules,
    judging the request, must not mistake for members the caller sent)."""
    _family(kind)[2](kind, settings, uuid)
