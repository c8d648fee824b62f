"""Ordered indexes and opaque markers for ListEventSourceMappings.

Mappings are listed in creation order.  Each mapping gets a sequence number that only grows, so
a marker can carry "the last sequence number handed out" and the next page starts right after
it by bisection: mappings created or deleted between pages neither repeat nor skip survivors,
and a page costs O(log n + page) however many mappings exist.

Markers are signed with a per-process key over the scope they were issued for (the backend,
which a reset or a new activation replaces, its account and region, and the filters), so a
marker that was tampered with, truncated, issued for another listing or before a reset is
refused rather than silently misread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from bisect import bisect_right
from typing import Generic, Iterator, List, Optional, TypeVar

from .errors import InvalidParameterValueException

_KEY = secrets.token_bytes(16)
T = TypeVar("T")

INVALID_MARKER = ("Invalid Marker: '{marker}'. Pass the NextMarker value from the previous "
                  "ListEventSourceMappings response, with the same EventSourceArn and "
                  "FunctionName filters.")


class OrderedIndex(Generic[T]):
    """Items kept in order of their sequence numbers; appends are O(1), removals a bisect and
    a memmove.  The numbers are kept beside the items so a marker's number is found by
    bisection without a second table from numbers to items."""

    __slots__ = ("items", "seqs")

    def __init__(self) -> None:
        self.seqs: List[int] = []
        self.items: List[T] = []

    def add(self, seq: int, item: T) -> None:
        if not self.seqs or seq > self.seqs[-1]:
            self.seqs.append(seq)
            self.items.append(item)
        else:
            position = bisect_right(self.seqs, seq)
            self.seqs.insert(position, seq)
            self.items.insert(position, item)

    def remove(self, seq: int) -> None:
        position = bisect_right(self.seqs, seq) - 1
        if position >= 0 and self.seqs[position] == seq:
            del self.seqs[position]
            del self.items[position]

    def __len__(self) -> int:
        return len(self.seqs)

    def after(self, seq: int) -> Iterator[T]:
        """The items numbered above ``seq``, in order; safe against later removals."""
        seqs = self.seqs
        position = bisect_right(seqs, seq)
        while position < len(seqs):
            current = seqs[position]
            yield self.items[position]
            # A removal during iteration shifts the lists left; re-find our place.
            if position < len(seqs) and seqs[position] == current:
                position += 1
            else:
                position = bisect_right(seqs, current)


def _signature(scope: str, payload: str) -> str:
    return hmac.new(_KEY, f"{scope}\n{payload}".encode(), hashlib.sha256).hexdigest()[:20]


def encode_marker(seq: int, scope: str) -> str:
    payload = str(seq)
    token = f"{payload}.{_signature(scope, payload)}"
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def decode_marker(marker: Optional[str], scope: str) -> int:
    """The sequence number a marker continues after; -1 for the first page."""
    if marker is None:
        return -1
    try:
        padded = marker + "=" * (-len(marker) % 4)
        token = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        payload, signature = token.split(".", 1)
        if hmac.compare_digest(signature, _signature(scope, payload)) and payload.isdigit():
            return int(payload)
    except (ValueError, UnicodeError, binascii.Error):
        pass
    raise InvalidParameterValueException(INVALID_MARKER.format(marker=marker[:200]))
