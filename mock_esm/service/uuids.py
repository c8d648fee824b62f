"""Fresh version-4 UUIDs for mapping identities and request IDs.

They only need to be unique and shaped as AWS's are, not unguessable: a generator of our own,
seeded from the OS, spares each call an OS call and leaves the caller's ``random`` sequence
alone.  They are made a batch at a time: the same work, done in one go instead of between
botocore's steps of every call, runs faster.  A forked child drops the parent's unused batch
and reseeds, so parent and child never hand out the same UUID.
"""

from __future__ import annotations

import os
import random
import uuid
from typing import List

_BATCH = 256
_GENERATOR = random.Random()
_READY: List[str] = []


def _start_afresh() -> None:
    _READY.clear()
    _GENERATOR.seed()


if hasattr(os, "register_at_fork"):  # not on Windows, where nothing forks
    os.register_at_fork(after_in_child=_start_afresh)


def fresh_uuid() -> str:
    """A new random version-4 UUID in its canonical 36-character form."""
    while True:
        try:
            return _READY.pop()
        except IndexError:
            # Threads that find the batch empty together each add one; none is handed out twice.
            _READY.extend([str(uuid.UUID(int=_GENERATOR.getrandbits(128), version=4))
                           for _ in range(_BATCH)])
