"""Put the interceptor into botocore as soon as botocore loads, without loading botocore ourselves.

The interceptor must be in botocore's ``BUILTIN_HANDLERS`` before a session is made, or the
clients of that session are never mocked (each client copies its session's handlers).  But
importing botocore is slow, which ``import mock_esm`` -- and so every pytest start-up, through
the ``pytest11`` plugin -- should not pay.  So: if ``botocore.handlers`` is already loaded,
register now (cheap, botocore is paid for); otherwise wait for it with a one-shot import hook
that registers right after ``botocore.handlers`` runs, which is before ``botocore.session`` can
build its first session.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Optional, Sequence

_TRIGGER = "botocore.handlers"
_INTERCEPTOR = "mock_esm.wire.interceptor"
_lock = threading.Lock()


def _register() -> None:
    importlib.import_module(_INTERCEPTOR)


class _AfterBotocoreHandlers(MetaPathFinder):
    """Finds nothing itself; wraps the real loader of ``botocore.handlers`` once."""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]],
                  target: Optional[ModuleType] = None) -> Optional[ModuleSpec]:
        if fullname != _TRIGGER:
            return None
        _uninstall()
        spec = importlib.util.find_spec(fullname)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            _register()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


_FINDER = _AfterBotocoreHandlers()


def _uninstall() -> None:
    with _lock:
        if _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)


def ensure_registered() -> None:
    """Register now if botocore is loaded, else as soon as it is (idempotent)."""
    if _TRIGGER in sys.modules:
        _register()
        return
    with _lock:
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)
