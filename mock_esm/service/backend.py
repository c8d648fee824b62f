"""The in-memory Lambda service: mappings per (account, region) and the five operations.

Plain dicts in, each mapping's API view as JSON bytes out; nothing here knows about botocore or
HTTP, so the in-process interceptor, the WSGI server and the ``responses`` adapter all share it.
Each backend owns one re-entrant lock, taken here and nowhere else, around every read and write
(reads mutate too, because they settle transitions).  The operations read the clock and render
their answer under it, so calls are served in the order of their timestamps and no other thread
can change a mapping between an operation and its answer.
"""

from __future__ import annotations

import itertools
import threading
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    Union,
)

from . import clock, rules, validation
from .arns import FunctionRef, mapping_arn, resolve_function
from .errors import (
    NOT_FOUND_MESSAGE,
    ResourceConflictException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from .mapping import (
    CREATING,
    DELETING,
    DISABLED,
    DISABLING,
    ENABLED,
    ENABLING,
    UPDATING,
    EventSourceMapping,
)
from .pagination import OrderedIndex, decode_marker, encode_marker
from .sources import SourceKind, bootstrap_servers, kind_for, parse_arn
from .uuids import fresh_uuid

MAX_PAGE = 100
# Each backend's markers name the backend they came from: a backend made after a reset, or in
# a later activation, restarts its sequence numbers, and an older marker would skip mappings.
_GENERATIONS = itertools.count()

ExistenceCheck = Callable[[SourceKind, Optional[str], Optional[str]], None]
"""``check(kind, function_arn, event_source_arn)``: raise an AwsError for what the rest of the
account lacks (the function, then the source; ``None`` means 'not named by this call').
Supplied by whoever can see the rest of the account (moto); the backend never looks itself."""

# AWS's words, as recorded by callers matching Lambda's raw error body (update) and by a
# DeleteEventSourceMapping failure quoted in aws/amazon-chime-sdk-js#610 (delete).
IN_USE = "Cannot {action} the event source mapping because it is in use."


def source_key(request: Mapping[str, Any]) -> str:
    """What makes two mappings read 'the same source' for duplicate checks and list filters."""
    arn = request.get("EventSourceArn")
    if arn is not None:
        return str(arn)
    endpoints = (request.get("SelfManagedEventSource") or {}).get("Endpoints") or {}
    servers = sorted(endpoints.get("KAFKA_BOOTSTRAP_SERVERS") or [])
    topics = sorted(request.get("Topics") or [])
    return "kafka://" + ",".join(servers) + "/" + ",".join(topics)


def owner_keys(key: str, fields: Mapping[str, Any]) -> Tuple[str, ...]:
    """Duplicate identities: the source plus, for an ARN-named cluster or broker, its one topic
    or queue (one function may read two topics of a cluster through two mappings).  A
    self-managed cluster has one identity per bootstrap server and topic, so a server list that
    overlaps an existing mapping's on the same topic is a duplicate."""
    if key.startswith("kafka://"):
        topics = ",".join(fields.get("Topics") or [])
        return tuple(f"kafka://{server}/{topics}" for server in bootstrap_servers(fields))
    names = fields.get("Topics") or fields.get("Queues")
    return (key + "|" + ",".join(names),) if names else (key,)


Index = OrderedIndex[EventSourceMapping]
# A table's entry: the one mapping with that key, or an index once the key has several.  Most
# keys name one mapping (a queue read by one function), and a bare mapping keeps each to a
# dict slot.
Held = Union[EventSourceMapping, Index]
K = TypeVar("K")


def _add_to(table: Dict[K, Held], key: K, mapping: EventSourceMapping) -> None:
    held = table.get(key)
    if held is None:
        table[key] = mapping
    elif isinstance(held, OrderedIndex):
        held.add(mapping.seq, mapping)
    else:
        index = table[key] = OrderedIndex()
        index.add(held.seq, held)
        index.add(mapping.seq, mapping)


def _remove_from(table: Dict[K, Held], key: K, mapping: EventSourceMapping) -> None:
    held = table.get(key)
    if isinstance(held, OrderedIndex):
        held.remove(mapping.seq)
        if not held:
            del table[key]
    elif held is mapping:
        del table[key]


def _held_after(held: Optional[Held], after: int) -> Iterator[EventSourceMapping]:
    """The mappings of a table entry numbered after ``after``, in order."""
    if held is None:
        return iter(())
    if isinstance(held, OrderedIndex):
        return held.after(after)
    return iter((held,) if held.seq > after else ())


def _held_all(held: Optional[Held]) -> List[EventSourceMapping]:
    if held is None:
        return []
    return list(held.items) if isinstance(held, OrderedIndex) else [held]


def _table_of(mappings: Iterable[EventSourceMapping],
              key_of: Callable[[EventSourceMapping], str]) -> Dict[str, Held]:
    """A key table for mappings already stored, in their order."""
    table: Dict[str, Held] = {}
    for mapping in mappings:
        _add_to(table, key_of(mapping), mapping)
    return table


def _source_of(mapping: EventSourceMapping) -> str:
    return mapping.source_key


def _function_of(mapping: EventSourceMapping) -> str:
    return mapping.function_arn


class EsmBackend:
    """The mappings of one account in one region."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self._lock = threading.RLock()
        self._by_uuid: Dict[str, EventSourceMapping] = {}
        self._all: Index = OrderedIndex()
        # (source, function) -> its mappings: the listing filtered on both and the duplicate
        # check read it.
        self._by_pair: Dict[Tuple[str, str], Held] = {}
        # Source -> its mappings and function -> its mappings, for listings filtered on one of
        # them (and the self-managed Kafka duplicate check).  Built from ``_all`` by the first
        # call that needs one and kept up to date from then on: a suite that never filters
        # never pays for them on each Create.
        self._by_source: Optional[Dict[str, Held]] = None
        self._by_function: Optional[Dict[str, Held]] = None
        self._next_seq = 0
        self._generation = next(_GENERATIONS)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _index(self, mapping: EventSourceMapping) -> None:
        self._all.add(mapping.seq, mapping)
        _add_to(self._by_pair, (mapping.source_key, mapping.function_arn), mapping)
        if self._by_source is not None:
            _add_to(self._by_source, mapping.source_key, mapping)
        if self._by_function is not None:
            _add_to(self._by_function, mapping.function_arn, mapping)

    def _unindex(self, mapping: EventSourceMapping) -> None:
        self._all.remove(mapping.seq)
        _remove_from(self._by_pair, (mapping.source_key, mapping.function_arn), mapping)
        if self._by_source is not None:
            _remove_from(self._by_source, mapping.source_key, mapping)
        if self._by_function is not None:
            _remove_from(self._by_function, mapping.function_arn, mapping)

    def _source_index(self) -> Dict[str, Held]:
        if self._by_source is None:
            self._by_source = _table_of(self._all.items, _source_of)
        return self._by_source

    def _function_index(self) -> Dict[str, Held]:
        if self._by_function is None:
            self._by_function = _table_of(self._all.items, _function_of)
        return self._by_function

    def _forget(self, mapping: EventSourceMapping) -> None:
        self._unindex(mapping)
        self._by_uuid.pop(mapping.uuid, None)

    def _live(self, uuid: str, now: float) -> EventSourceMapping:
        mapping = self._by_uuid.get(uuid)
        if mapping is None:
            raise ResourceNotFoundException(NOT_FOUND_MESSAGE)
        if not mapping.advance(now):
            self._forget(mapping)
            raise ResourceNotFoundException(NOT_FOUND_MESSAGE)
        return mapping

    def _settled(self, uuid: str, now: float, action: str) -> EventSourceMapping:
        """The mapping, if no transition of it is pending: AWS changes only settled mappings."""
        mapping = self._live(uuid, now)
        if mapping.pending:
            raise ResourceInUseException(IN_USE.format(action=action))
        return mapping

    def _check_duplicate(self, key: str, fields: Mapping[str, Any], function: FunctionRef,
                         kind: SourceKind, now: float, ignore: Optional[str] = None) -> None:
        candidates = self._duplicate_candidates(key, function.arn)
        if not candidates:
            return
        identities = set(owner_keys(key, fields))
        for mapping in candidates:
            if mapping.uuid == ignore or identities.isdisjoint(
                    owner_keys(mapping.source_key, mapping.fields)):
                continue
            if not mapping.advance(now):
                self._forget(mapping)
                continue
            raise ResourceConflictException(
                kind.duplicate_message(key, fields, function.name, function.arn, mapping.uuid))

    def _duplicate_candidates(self, key: str, function_arn: str) -> List[EventSourceMapping]:
        """The mappings that could hold one of ``key``'s identities for this function: those of
        the same (source, function) pair, or for a self-managed cluster, whose server list may
        overlap another's, every mapping of the function."""
        if key.startswith("kafka://"):
            return _held_all(self._function_index().get(function_arn))
        return _held_all(self._by_pair.get((key, function_arn)))

    # -- operations ----------------------------------------------------------------------------

    def create(self, request: Mapping[str, Any], transition_seconds: float,
               check: Optional[ExistenceCheck] = None, uuid: Optional[str] = None) -> bytes:
        """Store a new mapping; its API view as JSON.  ``uuid`` keeps the identity of a mapping
        adopted from moto."""
        validation.check_types(request)
        kind = kind_for(request.get("EventSourceArn"), request.get("SelfManagedEventSource"),
                        arn_checked=True)
        settings = validation.check_create(kind, request)
        function = resolve_function(request["FunctionName"], self.account_id, self.region)
        key = source_key(request)
        fields = settings
        fields["FunctionArn"] = function.arn
        if check is not None:
            check(kind, function.arn, request.get("EventSourceArn"))
        with self._lock:
            now = clock.now()
            self._check_duplicate(key, fields, function, kind, now)
            uuid = uuid or fresh_uuid()
            rules.fill_identity_defaults(kind, fields, uuid)
            mapping = EventSourceMapping(
                uuid=uuid, arn=mapping_arn(self.account_id, self.region, uuid), kind=kind,
                account_id=self.account_id, region=self.region, seq=self._next_seq,
                fields=fields, function_name=function.name, source_key=key, now=now)
            self._next_seq += 1
            tags = request.get("Tags")
            if tags:
                mapping.tags = dict(tags)
            if request.get("Enabled", True) is False:
                mapping.settle_now(DISABLED, now)
            else:
                mapping.begin(CREATING, ENABLED, now, transition_seconds)
            self._by_uuid[uuid] = mapping
            self._index(mapping)
            return mapping.json_bytes()

    def get(self, uuid: str) -> bytes:
        """The mapping's API view as JSON."""
        with self._lock:
            return self._live(uuid, clock.now()).json_bytes()

    def update(self, uuid: str, request: Mapping[str, Any], transition_seconds: float,
               check: Optional[ExistenceCheck] = None) -> bytes:
        """Change a settled mapping; its API view as JSON."""
        validation.check_types(request)
        with self._lock:
            now = clock.now()
            mapping = self._settled(uuid, now, "update")
            merged = validation.merge_update(mapping.fields, request)
            validation.check_update(mapping.kind, mapping.fields, merged)
            function: Optional[FunctionRef] = None
            if request.get("FunctionName") is not None:
                function = resolve_function(request["FunctionName"], self.account_id,
                                            self.region)
                if check is not None:
                    check(mapping.kind, function.arn, None)
                self._check_duplicate(mapping.source_key, merged, function, mapping.kind, now,
                                      ignore=uuid)
                merged["FunctionArn"] = function.arn
            was_enabled = mapping.state == ENABLED
            wants = request.get("Enabled")
            if function is None:
                mapping.fields = merged  # the indexes key on source and function: unchanged
            else:
                self._unindex(mapping)
                mapping.fields = merged
                mapping.function_name = function.name
                self._index(mapping)
            if wants is True and not was_enabled:
                mapping.begin(ENABLING, ENABLED, now, transition_seconds)
            elif wants is False and was_enabled:
                mapping.begin(DISABLING, DISABLED, now, transition_seconds)
            else:
                mapping.begin(UPDATING, mapping.state, now, transition_seconds)
            return mapping.json_bytes()

    def delete(self, uuid: str, transition_seconds: float) -> bytes:
        """Start deleting a settled mapping; its API view, in state Deleting, as JSON."""
        with self._lock:
            now = clock.now()
            mapping = self._settled(uuid, now, "delete")
            mapping.begin(DELETING, None, now, transition_seconds)
            return mapping.json_bytes()

    def list(self, *, event_source_arn: Optional[str], function_name: Optional[str],
             marker: Optional[str],
             max_items: Optional[int]) -> Tuple[List[bytes], Optional[str]]:
        """One page of API views as JSON, and the marker of the next page (None at the end)."""
        function_arn: Optional[str] = None
        if event_source_arn is not None:
            parse_arn(event_source_arn)
        if function_name is not None:
            function_arn = resolve_function(function_name, self.account_id, self.region).arn
        scope = (f"{self._generation}|{self.account_id}|{self.region}|{event_source_arn}|"
                 f"{function_arn}")
        after = decode_marker(marker, scope)
        limit = MAX_PAGE if max_items is None else min(max_items, MAX_PAGE)
        with self._lock:
            now = clock.now()
            page: List[EventSourceMapping] = []
            for mapping in self._candidates(event_source_arn, function_arn, after):
                if not mapping.advance(now):
                    self._forget(mapping)
                    continue
                if len(page) == limit:
                    return [held.json_bytes() for held in page], encode_marker(page[-1].seq,
                                                                               scope)
                page.append(mapping)
            return [held.json_bytes() for held in page], None

    def _candidates(self, event_source_arn: Optional[str], function_arn: Optional[str],
                    after: int) -> Iterator[EventSourceMapping]:
        """The mappings numbered after ``after`` that match the filters, from an index holding
        exactly the matches, so no page ever skips over mappings the filters exclude."""
        if event_source_arn is not None and function_arn is not None:
            return _held_after(self._by_pair.get((event_source_arn, function_arn)), after)
        if event_source_arn is not None:
            return _held_after(self._source_index().get(event_source_arn), after)
        if function_arn is not None:
            return _held_after(self._function_index().get(function_arn), after)
        return self._all.after(after)

    # -- controller helpers --------------------------------------------------------------------

    def snapshot(self, now: float) -> List[EventSourceMapping]:
        """Every live mapping in creation order, caught up with the clock."""
        with self._lock:
            live = []
            for mapping in list(self._all.items):
                if mapping.advance(now):
                    live.append(mapping)
                else:
                    self._forget(mapping)
            return live

    def rendered(self, now: float) -> List[bytes]:
        """Every live mapping's API view as JSON, in creation order."""
        with self._lock:
            return [mapping.json_bytes() for mapping in self.snapshot(now)]

    def record_result(self, uuid: str, result: str, now: float) -> None:
        """Set ``LastProcessingResult``, as AWS reports it after a delivery, on a mapping that
        reports it.  The settings are replaced, never changed in place, so a reader holding the
        old ones is not disturbed."""
        with self._lock:
            mapping = self._by_uuid.get(uuid)
            if (mapping is None or not mapping.advance(now)
                    or "LastProcessingResult" not in mapping.fields
                    or mapping.fields["LastProcessingResult"] == result):
                return
            mapping.fields = {**mapping.fields, "LastProcessingResult": result}
            mapping.touch()

    def tags(self, arn: str, add: Optional[Mapping[str, str]] = None,
             remove: Optional[Iterable[str]] = None) -> Optional[Dict[str, str]]:
        """The tags of the mapping ``arn`` names, after adding ``add`` and removing ``remove``;
        None when no live mapping has that ARN."""
        with self._lock:
            mapping = self._find_by_arn(arn, clock.now())
            if mapping is None:
                return None
            if add:
                mapping.tags = {**mapping.tags, **add}
            if remove is not None:
                removed = set(remove)
                mapping.tags = {k: v for k, v in mapping.tags.items() if k not in removed}
            return dict(mapping.tags)

    def settle(self, now: float) -> None:
        with self._lock:
            for mapping in list(self._by_uuid.values()):
                if not mapping.finish_pending(now):
                    self._forget(mapping)

    def _find_by_arn(self, arn: str, now: float) -> Optional[EventSourceMapping]:
        uuid = arn.rsplit(":", 1)[-1]
        with self._lock:
            mapping = self._by_uuid.get(uuid)
            if mapping is None or mapping.arn != arn:
                return None
            if not mapping.advance(now):
                self._forget(mapping)
                return None
            return mapping

    def __len__(self) -> int:
        return len(self._by_uuid)


class BackendRegistry:
    """Backends keyed by (account, region), created on first use, cleared by ``reset``."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._by_scope: Dict[Tuple[str, str], EsmBackend] = {}

    def get(self, account_id: str, region: str) -> EsmBackend:
        backend = self._by_scope.get((account_id, region))
        if backend is None:
            with self._lock:
                backend = self._by_scope.get((account_id, region))
                if backend is None:
                    backend = EsmBackend(account_id, region)
                    self._by_scope[(account_id, region)] = backend
        return backend

    def backends(self) -> Iterator[EsmBackend]:
        with self._lock:
            items = list(self._by_scope.values())
        return iter(items)

    def reset(self) -> None:
        with self._lock:
            self._by_scope.clear()

    def settle(self, now: Optional[float] = None) -> None:
        """Finish every pending transition, stamped ``now`` (the clock's time by default)."""
        at = clock.now() if now is None else now
        for backend in self.backends():
            backend.settle(at)


ACTIVATED_REGISTRY = BackendRegistry()
