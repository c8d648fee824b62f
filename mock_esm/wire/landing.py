"""Where a request lands, the same way whichever way it came in (botocore's hook or the
``responses`` adapter): the backend of its account and region, caught up with the mappings moto
holds while moto is active, with moto checking the rest of the account.
"""

from __future__ import annotations

from typing import Callable, Optional

from ..aws import adoption, existence
from ..service import routing
from ..service.runtime import RUNTIME


def call_for(access_key: Callable[[], Optional[str]], region: str) -> routing.Call:
    """The call's landing; ``access_key`` is asked only while moto is active."""
    moto = existence.moto_active()
    backend = RUNTIME.registry.get(existence.resolve_account(access_key, moto, region), region)
    if moto:
        adoption.adopt(backend)
    return routing.Call(backend, RUNTIME.transition_seconds, existence.check if moto else None)
