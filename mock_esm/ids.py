"""The identifiers the service hands out: mapping UUIDs and request ids.

Both are minted on every write, so both are cheap.  A mapping UUID is a random version-4 UUID
from a private generator seeded from the OS: ``uuid.uuid4()`` asks the OS for fresh bytes and
builds a ``UUID`` object each time (three times the cost), and a private generator is untouched
by tests that call ``random.seed``.  It is reseeded in a forked child so that processes never
share a sequence.  Request ids only need to be unique within the process: a random prefix and a
counter, shaped like the UUIDs AWS sends.
"""

from __future__ import annotations

import itertools
import os
import random
import secrets

_VERSION_4 = 0x00000000000040008000000000000000  # version nibble 4, RFC 4122 variant bits
_KEEP = 0xFFFFFFFFFFFF0FFF3FFFFFFFFFFFFFFF  # clears the bits those two fields occupy

_generator = random.Random(secrets.randbits(256))


def _reseed() -> None:
    _generator.seed(secrets.randbits(256))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed)


def mapping_uuid() -> str:
    """A random version-4 UUID in its canonical 36-character form."""
    digits = "%032x" % (_generator.getrandbits(128) & _KEEP | _VERSION_4)
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


_REQUEST_ID_PREFIX = f"{secrets.token_hex(4)}-{secrets.token_hex(2)}-4{secrets.token_hex(2)[1:]}"
_request_numbers = itertools.count(1)


def request_id() -> str:
    """A UUID-shaped request id, unique within the process."""
    number = next(_request_numbers)
    return f"{_REQUEST_ID_PREFIX}-a{number >> 48 & 0xfff:03x}-{number & 0xffffffffffff:012x}"
