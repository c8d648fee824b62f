"""One event source mapping: its settings, its state on the clock, and its API view.

State is never advanced by a timer.  A change records the transitional state, when it ends and
what it settles to; every read calls :meth:`EventSourceMapping.advance` with the current time,
so a frozen or travelled clock decides what the caller sees, however far it jumped.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Tuple

from .sources import SourceKind

CREATING = "Creating"
ENABLING = "Enabling"
ENABLED = "Enabled"
DISABLING = "Disabling"
DISABLED = "Disabled"
UPDATING = "Updating"
DELETING = "Deleting"

# freezegun keeps time in microseconds and time-machine in nanoseconds, but a float epoch near
# 1.7e9 is only exact to ~0.24 us: ``start + 1.0`` and the clock after ``tick(1.0)`` can differ
# by a few ulps.  Half a microsecond of slack makes "advance by exactly the transition time"
# always settle, while a microsecond short still does not.
_SLACK = 5e-7
# Shared by every untagged mapping, never written: tagging gives a mapping a dict of its own.
_NO_TAGS: Dict[str, str] = {}
# json.dumps with options builds an encoder per call: build one, compact, once.  Views are plain
# JSON values without cycles, so the cycle check is off.
_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)
# (state, transition reason) -> the JSON text of the state members up to LastModified's value.
_TAIL_WORDS: Dict[Tuple[str, str], bytes] = {}


class EventSourceMapping:
    """A mapping record; the backend owns it and mutates it under its lock."""

    __slots__ = (
        "_head",
        "_head_of",
        "_tail",
        "_tail_version",
        "account_id",
        "arn",
        "created",
        "fields",
        "function_name",
        "kind",
        "last_modified",
        "pending_until",
        "region",
        "seq",
        "settles_to",
        "source_key",
        "state",
        "tags",
        "uuid",
        "version",
    )

    def __init__(self, *, uuid: str, arn: str, kind: SourceKind, account_id: str, region: str,
                 seq: int, fields: Dict[str, Any], function_name: str, source_key: str,
                 now: float) -> None:
        self.uuid = uuid
        self.arn = arn
        self.kind = kind
        self.account_id = account_id
        self.region = region
        self.seq = seq
        self.fields = fields
        self.function_name = function_name
        self.source_key = source_key
        self.tags: Dict[str, str] = _NO_TAGS  # replaced by a dict of its own when tagged
        self.state = DISABLED
        self.pending_until: Optional[float] = None
        self.settles_to: Optional[str] = None
        self.last_modified = now
        self.created = now
        self.version = 0
        self._tail = b""
        self._tail_version = -1
        self._head = b""
        self._head_of: Optional[Dict[str, Any]] = None

    @property
    def function_arn(self) -> str:
        return str(self.fields["FunctionArn"])

    @property
    def enabled(self) -> bool:
        """The state the mapping is at or heading to is an enabled one."""
        target = self.settles_to if self.pending_until is not None else self.state
        return target == ENABLED

    @property
    def pending(self) -> bool:
        return self.pending_until is not None

    def begin(self, state: str, settles_to: Optional[str], now: float, seconds: float) -> None:
        """Enter a transitional state; ``settles_to=None`` means the mapping disappears."""
        self.state = state
        self.settles_to = settles_to
        self.pending_until = now + seconds
        self.last_modified = now
        self.version += 1

    def settle_now(self, state: str, now: float) -> None:
        self.state = state
        self.pending_until = None
        self.settles_to = None
        self.last_modified = now
        self.version += 1

    def advance(self, now: float) -> bool:
        """Catch up with the clock; False once a deletion has completed."""
        until = self.pending_until
        if until is None or now < until - _SLACK:
            return True
        return self._finish(until)

    def finish_pending(self, now: float) -> bool:
        """Complete any pending transition now (``esm.settle()``), whatever its schedule."""
        if self.pending_until is None:
            return True
        return self._finish(min(now, self.pending_until))

    def _finish(self, at: float) -> bool:
        settles_to = self.settles_to
        self.pending_until = None
        self.settles_to = None
        if settles_to is None:
            return False
        self.state = settles_to
        self.last_modified = max(at, self.last_modified)
        self.version += 1
        return True

    def touch(self) -> None:
        """Mark settings changed so the cached rendering is rebuilt."""
        self.version += 1

    def json_bytes(self) -> bytes:
        """The mapping as the Lambda API returns it, as JSON: its settings, then ``UUID``,
        ``EventSourceMappingArn``, ``State``, ``StateTransitionReason`` and ``LastModified`` (epoch
        seconds to the millisecond).

        Kept as two parts, each rendered only when it changes: the settings and identity, once
        per settings object (settings are replaced, never edited in place), and the state
        members, once per version.  A write, usually a change of state, renders only the short
        tail, a read renders nothing, and a mapping keeps no second copy of its settings' bytes.
        """
        if self._head_of is not self.fields:
            head = dict(self.fields)
            head["UUID"] = self.uuid
            head["EventSourceMappingArn"] = self.arn
            self._head = _ENCODER.encode(head)[:-1].encode()
            self._head_of = self.fields
        if self._tail_version != self.version:
            # A float's JSON text is its repr, as the encoder writes it: the tail needs no
            # encoder, only the words before the time, the same for every mapping in a state.
            words = _TAIL_WORDS.get((self.state, self.kind.transition_reason))
            if words is None:
                state = {"State": self.state, "StateTransitionReason": self.kind.transition_reason}
                words = _TAIL_WORDS[(self.state, self.kind.transition_reason)] = (
                    _ENCODER.encode(state)[1:-1] + ',"LastModified":').encode()
            self._tail = b"," + words + repr(round(self.last_modified, 3)).encode() + b"}"
            self._tail_version = self.version
        return self._head + self._tail
