"""Modules that load on their first use instead of on ``import mock_esm``.

Every suite imports mock_esm, often from a conftest, and pays for each module the import
compiles (an editable install under PYTHONDONTWRITEBYTECODE compiles them on every run).  Modules
needed only once a request is served are bound through :class:`LazyModule`, which swaps itself
for the real module on first use, so later reads cost what any global read costs.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict


class LazyModule:
    """A stand-in for module ``name``, bound as ``alias`` in ``namespace``, until first read."""

    __slots__ = ("_alias", "_name", "_namespace")

    def __init__(self, name: str, namespace: Dict[str, Any], alias: str) -> None:
        self._name = name
        self._namespace = namespace
        self._alias = alias

    def __getattr__(self, attribute: str) -> Any:
        # Two threads may both get here first: the import system hands both the same module.
        module = importlib.import_module(self._name)
        self._namespace[self._alias] = module
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, loaded on first use>"
