"""What the request path needs to know about activation, in one object read per call.

The controller (:mod:`mock_esm.mock`) writes it when activations start and stop; the
interceptor only reads it.  Keeping it separate avoids an import cycle and keeps the hot path to
a couple of attribute reads.
"""

from __future__ import annotations

import os
from typing import Optional

from .backend import ACTIVATED_REGISTRY, BackendRegistry

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_TRANSITION_SECONDS = 1.0


class Runtime:
    """The effective options of the innermost activations, and the shared backend."""

    __slots__ = ("account_id", "active", "default_account", "registry", "transition_seconds")

    def __init__(self) -> None:
        self.active = False
        self.account_id: Optional[str] = None
        self.transition_seconds = DEFAULT_TRANSITION_SECONDS
        self.registry: BackendRegistry = ACTIVATED_REGISTRY
        self.default_account = DEFAULT_ACCOUNT_ID

    def refresh_default_account(self) -> None:
        """Read ``MOTO_ACCOUNT_ID`` once per activation change, not on every call."""
        self.default_account = os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID

    def fallback_account(self) -> str:
        """The account when no option and no moto credentials decide it."""
        return self.default_account


RUNTIME = Runtime()
