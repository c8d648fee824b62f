"""The process's time zone, switched for a test and restored after it.

botocore renders every timestamp in the local zone, so a value the mock accepts must parse back
in any zone a user's CI might run in; tests that care run under several.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Iterator

import pytest

ZONES = ("UTC", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata")


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """Run the block with ``TZ=name``; put back what was there (set or unset) afterwards."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset() is not available on this platform")
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
