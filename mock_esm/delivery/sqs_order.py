"""Which messages of an in-mock SQS queue can be received now, found without a scan of the queue.

A receive must return the deliverable messages in send order: visible (not delayed, not in
flight), not already handed out by this ``poll()``, and on a FIFO queue not behind a message of
its group that is in flight or was handed out.  Scanning the queue for that would cost a full
pass per batch, making the delivery of a backlog quadratic.  Here each message group (on a
standard queue every message is a group of one) sits in one of two heaps: *open* groups by the
sequence of their first message, and *waiting* groups by the time their first message can next
be received.  A receive pops open groups in order until it has enough; a group found in flight
or delayed moves to the waiting heap, and comes back when the clock passes its time or when a
delete changes its first message.  Heap entries are never removed in place: an entry whose
group has changed since is recognised as stale when popped and dropped.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Dict, Generic, Iterator, List, Optional, Protocol, Set, Tuple, TypeVar


class Queued(Protocol):
    """What the index reads of a stored message."""

    @property
    def message_id(self) -> str: ...

    @property
    def seq(self) -> int: ...

    @property
    def visible_at(self) -> float: ...

    @property
    def receive_count(self) -> int: ...


M = TypeVar("M", bound=Queued)


@dataclass
class _Group(Generic[M]):
    """A group's messages still in the queue, in send order; removed ones are ``None``."""

    messages: List[Optional[M]] = field(default_factory=list)
    head: int = 0
    live: int = 0

    def first(self) -> M:
        """The group's first message still in the queue (the group is not empty)."""
        while True:
            message = self.messages[self.head]
            if message is not None:
                return message
            self.head += 1

    def remaining(self) -> Iterator[M]:
        for position in range(self.head, len(self.messages)):
            message = self.messages[position]
            if message is not None:
                yield message


class DeliveryOrder(Generic[M]):
    """The receive order of one queue; with ``fifo``, messages of a group go in order."""

    def __init__(self, fifo: bool) -> None:
        self.fifo = fifo
        self._groups: Dict[str, _Group[M]] = {}
        self._where: Dict[str, Tuple[str, int]] = {}  # message ID -> (group key, position)
        self._open: List[Tuple[int, str]] = []  # (first message's seq, group key)
        self._waiting: List[Tuple[float, int, str]] = []  # (time, first seq, group key)
        self._peeked: List[Tuple[int, str]] = []  # open entries the last look popped

    def add(self, message: M, group: Optional[str]) -> None:
        key = group if self.fifo and group is not None else message.message_id
        members = self._groups.get(key)
        if members is None:
            members = self._groups[key] = _Group()
        self._where[message.message_id] = (key, len(members.messages))
        members.messages.append(message)
        members.live += 1
        if members.live == 1:
            heapq.heappush(self._open, (message.seq, key))

    def remove(self, message_id: str) -> None:
        found = self._where.pop(message_id, None)
        if found is None:
            return
        key, position = found
        members = self._groups[key]
        members.messages[position] = None
        members.live -= 1
        if members.live == 0:
            del self._groups[key]
            if len(self._open) + len(self._waiting) > 4 * len(self._groups) + 1024:
                self._prune()
            return
        first = members.first()
        if members.head > 64 and members.head * 2 > len(members.messages):
            self._compact(key, members)
        # Its first message may have changed, or a message in flight gone: look again.
        heapq.heappush(self._open, (first.seq, key))

    def _prune(self) -> None:
        """Drop the entries of emptied or moved-on groups, so the heaps stay the size of the
        queue (a drained backlog would otherwise leave an entry per message behind)."""
        def current(seq: int, key: str) -> bool:
            members = self._groups.get(key)
            return members is not None and members.first().seq == seq

        self._open = [entry for entry in self._open if current(*entry)]
        self._waiting = [entry for entry in self._waiting if current(entry[1], entry[2])]
        heapq.heapify(self._open)
        heapq.heapify(self._waiting)

    def _compact(self, key: str, members: _Group[M]) -> None:
        members.messages = members.messages[members.head:]
        members.head = 0
        for position, message in enumerate(members.messages):
            if message is not None:
                self._where[message.message_id] = (key, position)

    def deliverable(self, now: float, skip: Set[str], limit: int) -> List[M]:
        """Up to ``limit`` messages receivable now, in send order; nothing is received.

        A merge of the groups' receivable runs: a group is looked at only once its first
        message comes before every message already lined up, so a receive costs about
        ``limit`` heap steps, whatever the number of messages or groups.
        """
        self._settle_peeked(now)
        while self._waiting and self._waiting[0][0] <= now:
            _, seq, key = heapq.heappop(self._waiting)
            heapq.heappush(self._open, (seq, key))
        kept = self._peeked  # open entries popped here, filed again on the next look
        lined_up: List[Tuple[int, int, M, Iterator[M]]] = []  # (seq, tie, message, its run)
        looked: Set[str] = set()
        ready: List[M] = []
        while len(ready) < limit:
            while self._open and (not lined_up or self._open[0][0] < lined_up[0][0]):
                seq, key = heapq.heappop(self._open)
                members = self._groups.get(key)
                if members is None or key in looked or members.first().seq != seq:
                    continue  # stale: the group was emptied, is listed twice, or has moved on
                looked.add(key)
                wait_until = self._wait(members, now)
                if wait_until is not None:
                    heapq.heappush(self._waiting, (wait_until, seq, key))
                    continue
                kept.append((seq, key))
                run = self._run(members, now, skip)
                first = next(run, None)
                if first is not None:
                    heapq.heappush(lined_up, (first.seq, len(looked), first, run))
            if not lined_up:
                break
            _, tie, message, run = heapq.heappop(lined_up)
            ready.append(message)
            following = next(run, None)
            if following is not None:
                heapq.heappush(lined_up, (following.seq, tie, following, run))
        return ready

    def _settle_peeked(self, now: float) -> None:
        """File the groups the last look popped: to the waiting heap when what it found has
        since been received (the usual case), else back to the open heap."""
        peeked, self._peeked = self._peeked, []
        for seq, key in peeked:
            members = self._groups.get(key)
            if members is None or members.first().seq != seq:
                continue  # emptied, or moved on (and then listed again by ``remove``)
            wait_until = self._wait(members, now)
            if wait_until is not None:
                heapq.heappush(self._waiting, (wait_until, seq, key))
            else:
                heapq.heappush(self._open, (seq, key))

    def _wait(self, members: _Group[M], now: float) -> Optional[float]:
        """When to look at a group again, or None when it may deliver now.

        A group with a message in flight waits until the last of them is visible again; its
        received messages are always its first ones, since a message is received only together
        with every earlier message of its group.  A group whose first message is delayed waits
        for it.
        """
        first = members.first()
        if not self.fifo:  # a group of one: in flight and delayed are the same wait
            return first.visible_at if first.visible_at > now else None
        in_flight = [m.visible_at for m in _received_prefix(members) if m.visible_at > now]
        if in_flight:
            return max(in_flight)
        return first.visible_at if first.visible_at > now else None

    def _run(self, members: _Group[M], now: float, skip: Set[str]) -> Iterator[M]:
        """The group's messages receivable now, from its first on.  A message this ``poll()``
        already handed out ends the run, for the rest of the ``poll()``."""
        for message in members.remaining():
            if message.visible_at > now or message.message_id in skip:
                return
            yield message
            if not self.fifo:
                return


def _received_prefix(members: _Group[M]) -> Iterator[M]:
    for message in members.remaining():
        if message.receive_count == 0:
            return
        yield message
