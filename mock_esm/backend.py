"""The in-memory Lambda service: mappings per (account, region) and the five operations.

Plain dicts in, mapping records out; nothing here knows about botocore or HTTP, so the
in-process interceptor, the WSGI server and the ``responses`` adapter all share it.  One
re-entrant lock guards every read and write: reads mutate too, because they settle transitions.
"""

from __future__ import annotations

import threading
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)

from . import clock
from .arns import FunctionRef, mapping_arn, resolve_function
from .errors import (
    NOT_FOUND_MESSAGE,
    ResourceConflictException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from .ids import mapping_uuid
from .lazy import LazyModule
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
from .sources import SourceKind, kind_for, parse_arn

if TYPE_CHECKING:
    from . import validation
else:  # the shape table and the per-source rules load with the first Create or Update
    validation = LazyModule("mock_esm.validation", globals(), "validation")

MAX_PAGE = 100

ExistenceCheck = Callable[[SourceKind, Optional[str], Optional[str]], None]
"""``check(kind, function_arn, event_source_arn)``: raise an AwsError for what the rest of the
account lacks (the function, then the source; ``None`` means 'not named by this call').
Supplied by whoever can see the rest of the account (moto); the backend never looks itself."""

IN_USE = ("Cannot {action} the event source mapping {uuid} while it is in state {state}. "
          "Wait until the state is Enabled or Disabled, then retry.")


def source_key(request: Mapping[str, Any]) -> str:
    """What makes two mappings read 'the same source' for duplicate checks and list filters."""
    arn = request.get("EventSourceArn")
    if arn is not None:
        return str(arn)
    endpoints = (request.get("SelfManagedEventSource") or {}).get("Endpoints") or {}
    servers = sorted(endpoints.get("KAFKA_BOOTSTRAP_SERVERS") or [])
    topics = sorted(request.get("Topics") or [])
    return "kafka://" + ",".join(servers) + "/" + ",".join(topics)


def owner_key(key: str, fields: Mapping[str, Any]) -> str:
    """Duplicate identity: the source plus, for an ARN-named cluster or broker, its one topic
    or queue (one function may read two topics of a cluster through two mappings)."""
    if key.startswith("kafka://"):
        return key
    names = fields.get("Topics") or fields.get("Queues")
    return key + "|" + ",".join(names) if names else key


class EsmBackend:
    """The mappings of one account in one region."""

    def __init__(self, account_id: str, region: str, lock: threading.RLock) -> None:
        self.account_id = account_id
        self.region = region
        self.lock = lock
        self._by_uuid: Dict[str, EventSourceMapping] = {}
        self._by_seq: Dict[int, EventSourceMapping] = {}
        self._all = OrderedIndex()
        self._by_source: Dict[str, OrderedIndex] = {}
        self._by_function: Dict[str, OrderedIndex] = {}
        # (source, function) -> the one seq, or an index once a pair has several (Kafka topics,
        # MQ queues): a bare int keeps the usual one-mapping pair to a tuple and a dict slot.
        self._by_pair: Dict[Tuple[str, str], Union[int, OrderedIndex]] = {}
        self._owners: Dict[Tuple[str, str], str] = {}
        self._next_seq = 0

    # -- bookkeeping ---------------------------------------------------------------------------

    def _index(self, mapping: EventSourceMapping) -> None:
        self._all.add(mapping.seq)
        for table, key in ((self._by_source, mapping.source_key),
                           (self._by_function, mapping.function_arn)):
            index = table.get(key)
            if index is None:
                index = table[key] = OrderedIndex()
            index.add(mapping.seq)
        pair = (mapping.source_key, mapping.function_arn)
        held = self._by_pair.get(pair)
        if held is None:
            self._by_pair[pair] = mapping.seq
        elif isinstance(held, OrderedIndex):
            held.add(mapping.seq)
        else:
            index = self._by_pair[pair] = OrderedIndex()
            index.add(held)
            index.add(mapping.seq)
        self._owners[(owner_key(mapping.source_key, mapping.fields),
                      mapping.function_arn)] = mapping.uuid

    def _unindex(self, mapping: EventSourceMapping) -> None:
        self._all.remove(mapping.seq)
        for table, key in ((self._by_source, mapping.source_key),
                           (self._by_function, mapping.function_arn)):
            index = table.get(key)
            if index is not None:
                index.remove(mapping.seq)
                if not index:
                    del table[key]
        pair = (mapping.source_key, mapping.function_arn)
        held = self._by_pair.get(pair)
        if isinstance(held, OrderedIndex):
            held.remove(mapping.seq)
            if not held:
                del self._by_pair[pair]
        elif held == mapping.seq:
            del self._by_pair[pair]
        owner = (owner_key(mapping.source_key, mapping.fields), mapping.function_arn)
        if self._owners.get(owner) == mapping.uuid:
            del self._owners[owner]

    def _forget(self, mapping: EventSourceMapping) -> None:
        self._unindex(mapping)
        self._by_uuid.pop(mapping.uuid, None)
        self._by_seq.pop(mapping.seq, None)

    def _live(self, uuid: str, now: float) -> EventSourceMapping:
        mapping = self._by_uuid.get(uuid)
        if mapping is None:
            raise ResourceNotFoundException(NOT_FOUND_MESSAGE)
        if not mapping.advance(now):
            self._forget(mapping)
            raise ResourceNotFoundException(NOT_FOUND_MESSAGE)
        return mapping

    def _check_duplicate(self, key: str, fields: Mapping[str, Any], function: FunctionRef,
                         kind_template: str, now: float, ignore: Optional[str] = None) -> None:
        owner = self._owners.get((owner_key(key, fields), function.arn))
        if owner is None or owner == ignore:
            return
        mapping = self._by_uuid.get(owner)
        if mapping is None:
            return
        if not mapping.advance(now):
            self._forget(mapping)
            return
        raise ResourceConflictException(
            kind_template.format(source=key, function=function.name, uuid=owner))

    # -- operations ----------------------------------------------------------------------------

    def create(self, request: Mapping[str, Any], now: float, transition_seconds: float,
               check: Optional[ExistenceCheck] = None,
               uuid: Optional[str] = None) -> EventSourceMapping:
        """A new mapping; ``uuid`` keeps the identity of one adopted from moto."""
        validation.check_types(request)
        kind = kind_for(request.get("EventSourceArn"), request.get("SelfManagedEventSource"))
        settings = validation.check_create(kind, request)
        function = resolve_function(request["FunctionName"], self.account_id, self.region)
        key = source_key(request)
        fields = settings
        fields["FunctionArn"] = function.arn
        if check is not None:
            check(kind, function.arn, request.get("EventSourceArn"))
        with self.lock:
            self._check_duplicate(key, fields, function, kind.duplicate_template, now)
            uuid = uuid or mapping_uuid()
            while uuid in self._by_uuid:  # 2**-122 per pair; cheap to rule out
                uuid = mapping_uuid()
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
            self._by_seq[mapping.seq] = mapping
            self._index(mapping)
            return mapping

    def get(self, uuid: str, now: float) -> EventSourceMapping:
        with self.lock:
            return self._live(uuid, now)

    def update(self, uuid: str, request: Mapping[str, Any], now: float,
               transition_seconds: float,
               check: Optional[ExistenceCheck] = None) -> EventSourceMapping:
        validation.check_types(request)
        with self.lock:
            mapping = self._live(uuid, now)
            if mapping.pending:
                raise ResourceInUseException(
                    IN_USE.format(action="update", uuid=uuid, state=mapping.state))
            merged = validation.merge_update(mapping.fields, request)
            validation.check_update(mapping.kind, mapping.fields, merged)
            function: Optional[FunctionRef] = None
            if request.get("FunctionName") is not None:
                function = resolve_function(request["FunctionName"], self.account_id,
                                            self.region)
                if check is not None:
                    check(mapping.kind, function.arn, None)
                self._check_duplicate(mapping.source_key, merged, function,
                                      mapping.kind.duplicate_template, now, ignore=uuid)
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
            return mapping

    def delete(self, uuid: str, now: float, transition_seconds: float) -> EventSourceMapping:
        with self.lock:
            mapping = self._live(uuid, now)
            if mapping.pending:
                raise ResourceInUseException(
                    IN_USE.format(action="delete", uuid=uuid, state=mapping.state))
            mapping.begin(DELETING, None, now, transition_seconds)
            return mapping

    def list(self, *, event_source_arn: Optional[str], function_name: Optional[str],
             marker: Optional[str], max_items: Optional[int],
             now: float) -> Tuple[List[EventSourceMapping], Optional[str]]:
        function_arn: Optional[str] = None
        if event_source_arn is not None:
            parse_arn(event_source_arn)
        if function_name is not None:
            function_arn = resolve_function(function_name, self.account_id, self.region).arn
        scope = f"{self.account_id}|{self.region}|{event_source_arn}|{function_arn}"
        after = decode_marker(marker, scope)
        limit = MAX_PAGE if max_items is None else min(max_items, MAX_PAGE)
        with self.lock:
            page: List[EventSourceMapping] = []
            for seq in self._candidates(event_source_arn, function_arn, after):
                mapping = self._by_seq[seq]
                if not mapping.advance(now):
                    self._forget(mapping)
                    continue
                if len(page) == limit:
                    return page, encode_marker(page[-1].seq, scope)
                page.append(mapping)
            return page, None

    def _candidates(self, event_source_arn: Optional[str], function_arn: Optional[str],
                    after: int) -> Iterator[int]:
        """Sequence numbers after ``after`` that match the filters, from an index holding
        exactly the matches, so no page ever skips over mappings the filters exclude."""
        index: Optional[OrderedIndex]
        if event_source_arn is not None and function_arn is not None:
            held = self._by_pair.get((event_source_arn, function_arn))
            if not isinstance(held, int):
                index = held
            else:
                return iter((held,) if held > after else ())
        elif event_source_arn is not None:
            index = self._by_source.get(event_source_arn)
        elif function_arn is not None:
            index = self._by_function.get(function_arn)
        else:
            index = self._all
        return iter(()) if index is None else index.after(after)

    # -- controller helpers --------------------------------------------------------------------

    def snapshot(self, now: float) -> List[EventSourceMapping]:
        """Every live mapping in creation order, caught up with the clock."""
        with self.lock:
            live = []
            for seq in list(self._all.seqs):
                mapping = self._by_seq[seq]
                if mapping.advance(now):
                    live.append(mapping)
                else:
                    self._forget(mapping)
            return live

    def settle(self, now: float) -> None:
        with self.lock:
            for mapping in list(self._by_uuid.values()):
                if not mapping.finish_pending(now):
                    self._forget(mapping)

    def find_by_arn(self, arn: str, now: float) -> Optional[EventSourceMapping]:
        uuid = arn.rsplit(":", 1)[-1]
        with self.lock:
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
        self.lock = threading.RLock()
        self._by_scope: Dict[Tuple[str, str], EsmBackend] = {}

    def get(self, account_id: str, region: str) -> EsmBackend:
        backend = self._by_scope.get((account_id, region))
        if backend is None:
            with self.lock:
                backend = self._by_scope.get((account_id, region))
                if backend is None:
                    backend = EsmBackend(account_id, region, self.lock)
                    self._by_scope[(account_id, region)] = backend
        return backend

    def backends(self) -> Iterator[EsmBackend]:
        with self.lock:
            items = list(self._by_scope.values())
        return iter(items)

    def reset(self) -> None:
        with self.lock:
            self._by_scope.clear()

    def settle(self, now: Optional[float] = None) -> None:
        """Finish every pending transition, stamped ``now`` (the clock's time by default)."""
        at = clock.now() if now is None else now
        for backend in self.backends():
            backend.settle(at)


ACTIVATED_REGISTRY = BackendRegistry()
