"""Where the service's constraint table comes from: a loader the wire layer hands in.

The table is read from the installed botocore model, which the service never imports; the wire
layer, which does, registers its loader here when it is imported (as ``import mock_esm`` does).
This module is kept free of imports so that registering costs nothing at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from .rules.model import Constraints

_loader: Optional[Callable[[], Constraints]] = None


def set_loader(loader: Callable[[], Constraints]) -> None:
    """Say how to read the constraint table; the first request needing it calls ``loader``."""
    global _loader
    _loader = loader


def load() -> Constraints:
    if _loader is None:
        raise RuntimeError("no constraint table: import mock_esm (its wire layer hands the "
                           "botocore model's table to the service) before validating requests")
    return _loader()
