"""The single place mock_esm reads the time.

Every state transition is computed from timestamps taken here, at call time, through the
``time`` module attribute.  Reading ``time.time`` late (not binding it at import) is what lets
freezegun, which swaps the module attribute, and time-machine, which patches the C function,
both steer the mock in whichever order they were started.
"""

from __future__ import annotations

import time


def now() -> float:
    """Seconds since the epoch, as the (possibly frozen or travelled) clock says."""
    return time.time()
