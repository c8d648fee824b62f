"""Injected failures: the queue behind ``esm.inject_error`` and its one hook in routing.

Users' resilience tests need the mock to fail on purpose (a throttle, an internal error, a
mapping in use) exactly as AWS would, then recover.  Injections are kept per operation in the
order they were made; each served call of that operation consumes one.  The request path pays a
single truthiness check (``FAULTS.pending``) while nothing is queued.

What may be injected is decided by the caller (the controller reads the botocore model); this
module only stores ready-to-raise error descriptions, so it stays free of botocore and the
server mode can share it.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from typing import Deque, Dict, NamedTuple, Optional, Type

from .errors import ERRORS_BY_CODE, NOT_FOUND_MESSAGE, AwsError, TooManyRequestsException

RETRY_AFTER_SECONDS = "1"
THROTTLE_REASON = "CallerRateLimitExceeded"


DEFAULT_MESSAGES = {
    "TooManyRequestsException": "Rate exceeded",
    "ResourceNotFoundException": NOT_FOUND_MESSAGE,
}
"""Messages AWS is known to send; other codes default to their model's description."""

_TAG = re.compile(r"<[^>]+>")


def first_sentence(documentation: str) -> str:
    """The first sentence of a model docstring, HTML tags dropped."""
    text = " ".join(_TAG.sub("", documentation).split())
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


class Injection(NamedTuple):
    code: str
    status: int
    message_key: str
    message: str


def build_error(injection: Injection) -> AwsError:
    """The AwsError AWS would answer with for this code, carrying the injected message."""
    cls: Optional[Type[AwsError]] = ERRORS_BY_CODE.get(injection.code)
    if cls is None:
        # A code the model declares but errors.py has no class for: render it from the model's
        # status and message key, as Lambda renders every modelled user error.
        cls = type(injection.code, (AwsError,), {
            "code": injection.code, "status": injection.status,
            "message_key": injection.message_key})
    if issubclass(cls, TooManyRequestsException):
        return cls(injection.message, headers={"Retry-After": RETRY_AFTER_SECONDS},
                   extra={"Reason": THROTTLE_REASON})
    return cls(injection.message)


class _Entry:
    __slots__ = ("injection", "remaining")

    def __init__(self, injection: Injection, remaining: int) -> None:
        self.injection = injection
        self.remaining = remaining


class FaultQueue:
    """Pending injections per operation; safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: Dict[str, Deque[_Entry]] = {}
        self.pending = 0
        """How many failures are still to be served; the request path's only check."""

    def add(self, operation: str, injection: Injection, times: int) -> None:
        with self._lock:
            self._queues.setdefault(operation, deque()).append(_Entry(injection, times))
            self.pending += times

    def take(self, operation: Optional[str]) -> Optional[AwsError]:
        """Consume the next injection queued for ``operation``, if any."""
        if operation is None:
            return None
        with self._lock:
            queue = self._queues.get(operation)
            if not queue:
                return None
            entry = queue[0]
            entry.remaining -= 1
            if entry.remaining <= 0:
                queue.popleft()
                if not queue:
                    del self._queues[operation]
            self.pending -= 1
        return build_error(entry.injection)

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
            self.pending = 0


FAULTS = FaultQueue()
