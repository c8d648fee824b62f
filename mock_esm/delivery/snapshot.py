"""A delivered batch kept as the bytes its handler's copy was made from, decoded when read.

The handler needs its own copy of the event (a handler that edits its event must not change
what the source deletes or what the report shows), and a pickle round trip copies plain data as
``copy.deepcopy`` does at a fraction of its cost.  Pickling the pair (event, records) once
serves the report too: the handler's event is loaded from those bytes, and the report keeps
them.  A bytes object is one object the garbage collector never looks into, where a live event
is a few dicts per record that every full collection walks again for as long as the report
lives; so a ``poll()`` over a large backlog does not slow down as its report grows, and the
report is smaller.  A test that reads ``event`` or ``records`` pays one ``pickle.loads`` for
that invocation, the first time.
"""

from __future__ import annotations

import copy
import pickle
import threading
from typing import Any, Dict, List, Tuple, Union

Pair = Tuple[Dict[str, Any], List[Dict[str, Any]]]

_DECODING = threading.Lock()


class Delivered:
    """The event and records of one invocation: pickle bytes until first read, then the
    objects themselves (the bytes are let go of), so every read returns the same objects.

    One pickle of the pair keeps what the event shares: the records are the same objects as
    those inside the event, as they were when the batch was built.
    """

    __slots__ = ("_held", "size")

    def __init__(self, held: Union[bytes, Pair], size: int) -> None:
        self._held = held
        self.size = size
        """How many records, known without decoding them."""

    def pair(self) -> Pair:
        held = self._held
        if isinstance(held, bytes):
            with _DECODING:  # two threads reading one report decode it once, to one object
                held = self._held
                if isinstance(held, bytes):
                    decoded: Pair = pickle.loads(held)
                    self._held = held = decoded
        return held


def capture(event: Dict[str, Any], records: List[Dict[str, Any]]) -> Tuple[Delivered,
                                                                            Dict[str, Any]]:
    """(what the report keeps, the handler's own copy of the event), from one pickle.

    Something pickle refuses (a value a test put in MQ message properties, say) falls back to
    ``copy.deepcopy`` for the handler's copy, and the report keeps the objects themselves.
    """
    try:
        pickled = pickle.dumps((event, records), pickle.HIGHEST_PROTOCOL)
        handler_event: Dict[str, Any] = pickle.loads(pickled)[0]
    except Exception:  # pickle raises many types for what it cannot serialise
        return Delivered((event, records), len(records)), copy.deepcopy(event)
    return Delivered(pickled, len(records)), handler_event
