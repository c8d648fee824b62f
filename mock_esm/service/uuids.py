"""Fresh version-4 UUIDs for mapping identities and request IDs.

They only need to be unique and shaped as AWS's are, not unguessable: a generator of our own,
seeded from the OS (and reseeded in a forked child, so parent and child never hand out the same
ones), spares each call an OS call, and leaves the caller's ``random`` sequence alone.
"""

from __future__ import annotations

import os
import random
import uuid

_GENERATOR = random.Random()
if hasattr(os, "register_at_fork"):  # not on Windows, where nothing forks
    os.register_at_fork(after_in_child=_GENERATOR.seed)


def fresh_uuid() -> str:
    """A new random version-4 UUID in its canonical 36-character form."""
    return str(uuid.UUID(int=_GENERATOR.getrandbits(128), version=4))
