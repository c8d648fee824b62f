"""Waiting code of the kind mock_esm users test: poll until a mapping is ready, and retry a
change that AWS refuses while a transition is under way.

It reads the time with ``time.time()`` and waits with ``time.sleep()``, so a test can drive it
with freezegun or time-machine and a patched ``sleep`` instead of waiting for real.
(``time.monotonic()`` would also work under freezegun, but time-machine does not move it.)
"""

from __future__ import annotations

import time
from typing import Any, Dict

from botocore.exceptions import ClientError


def wait_for_state(client: Any, uuid: str, wanted: str, *, timeout: float = 60.0,
                   interval: float = 0.2) -> Dict[str, Any]:
    """Poll until the mapping reaches ``wanted``; TimeoutError after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while True:
        mapping = dict(client.get_event_source_mapping(UUID=uuid))
        if mapping["State"] == wanted:
            return mapping
        if time.time() >= deadline:
            raise TimeoutError(f"mapping {uuid} is still {mapping['State']} after {timeout} s")
        time.sleep(interval)


def update_when_ready(client: Any, uuid: str, *, attempts: int = 10, backoff: float = 0.5,
                      **changes: Any) -> Dict[str, Any]:
    """Apply ``changes``, retrying while AWS answers ResourceInUseException."""
    for attempt in range(attempts):
        try:
            return dict(client.update_event_source_mapping(UUID=uuid, **changes))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceInUseException":
                raise
            if attempt == attempts - 1:
                raise
            time.sleep(backoff)
    raise AssertionError("unreachable")
