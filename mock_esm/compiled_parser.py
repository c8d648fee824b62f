"""What botocore's ``rest-json`` parser makes of our answers, without re-reading our own bytes.

botocore's parser walks the output shape member by member, looking up a handler by the shape's
type name for each one; for an event source mapping that walk costs more than everything a write
does in the mock.  The walk depends only on the shape, so it is compiled here, once per shape,
into plain functions applied to the value we serialised (the same value ``json.loads`` of our
body gives back, as every value we answer with is plain JSON).

Nothing here decides what users get on its own authority: the first answer of each arrangement
of keys is parsed by botocore too and compared, types and key order included, and an operation
whose answers ever differ goes back to botocore's parser for the rest of the process.  A botocore
release that parses differently therefore changes speed, never results.  Shapes with anything
this compiler does not mirror (tagged unions, payload or header members, event streams) are
never compiled: their operations always use botocore's parser.
"""

from __future__ import annotations

import base64
import datetime
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

from botocore import parsers
from botocore.model import OperationModel, Shape
from botocore.utils import ensure_boolean

Convert = Callable[[Any], Any]


class _Unsupported(Exception):
    """A shape this compiler does not mirror; its operation keeps botocore's parser."""


def _identity(value: Any) -> Any:
    return value


# botocore turns an epoch into a datetime in the local zone (dateutil's tzlocal), which costs
# ~10 us: more than the rest of a mapping's conversion.  Answers repeat LastModified values (every
# read of a version, and writes within one millisecond), so results are kept per environment that
# decides them: the parser in use, the datetime class (freezegun swaps it) and the process's time
# zone (tzlocal reads it through the time module, which changes only on tzset()).  datetimes are
# immutable; the kept ones share one zone object per environment, so an entry costs ~100 bytes
# instead of ~580 (a tzlocal instance is bigger than the datetime).
_TIMESTAMPS: Dict[Tuple[Any, ...], Dict[Any, Any]] = {}
_TIMESTAMPS_LIMIT = 65536
_kept_timestamps = [0]


def _timestamp(value: Any) -> Any:
    parser = parsers.DEFAULT_TIMESTAMP_PARSER  # looked up each call: tests may patch it
    if not isinstance(value, (int, float, str)):
        return parser(value)
    environment = (parser, datetime.datetime, time.timezone, time.altzone, time.tzname)
    kept = _TIMESTAMPS.get(environment)
    if kept is None:
        kept = _TIMESTAMPS[environment] = {}
    parsed = kept.get(value)
    if parsed is None:
        parsed = parser(value)
        if isinstance(parsed, datetime.datetime) and parsed.tzinfo is not None:
            zone = _ZONES.setdefault(environment, parsed.tzinfo)
            if zone is not parsed.tzinfo and zone == parsed.tzinfo:
                parsed = parsed.replace(tzinfo=zone)
        if _kept_timestamps[0] >= _TIMESTAMPS_LIMIT:
            _TIMESTAMPS.clear()
            _kept_timestamps[0] = 0
            kept = _TIMESTAMPS[environment] = {}
        kept[value] = parsed
        _kept_timestamps[0] += 1
    return parsed


_ZONES: Dict[Tuple[Any, ...], Any] = {}


def _blob(value: Any) -> bytes:
    return base64.b64decode(value)


_SCALARS: Dict[str, Convert] = {
    "string": _identity,  # rest-json decodes only header strings (jsonvalue); bodies pass as-is
    "integer": int, "long": int, "float": float, "double": float,
    "boolean": ensure_boolean, "timestamp": _timestamp, "blob": _blob,
}


def _compile(shape: Shape, building: Dict[str, Convert]) -> Convert:
    type_name = shape.type_name
    scalar = _SCALARS.get(type_name)
    if scalar is not None:
        return scalar
    if type_name == "list":
        return _list_of(_compile(shape.member, building))
    if type_name == "map":
        return _map_of(_compile(shape.key, building),
                       _compile(shape.value, building))
    if type_name == "structure":
        return _structure(shape, building)
    raise _Unsupported(f"{shape.name} is a {type_name}")


def _list_of(item: Convert) -> Convert:
    # botocore treats every list as sparse: a null element stays None.
    if item is _identity:
        return list
    return lambda value: [None if element is None else item(element) for element in value]


def _map_of(key: Convert, item: Convert) -> Convert:
    return lambda value: {key(name): None if element is None else item(element)
                          for name, element in value.items()}


def _structure(shape: Shape, building: Dict[str, Convert]) -> Convert:
    if getattr(shape, "is_tagged_union", False) or shape.serialization.get("eventstream"):
        raise _Unsupported(f"{shape.name} is a union or an event stream")
    if getattr(shape, "is_document_type", False):
        raise _Unsupported(f"{shape.name} is a document")
    known = building.get(shape.name)
    if known is not None:  # a recursive shape: refer to the converter being built
        return known
    # (wire name, member name, converter or None for a value botocore passes through as-is)
    members: List[Tuple[str, str, Optional[Convert]]] = []

    def convert(value: Mapping[str, Any]) -> Dict[str, Any]:
        parsed: Dict[str, Any] = {}
        for json_name, name, member in members:
            raw = value.get(json_name)
            if raw is not None:
                parsed[name] = raw if member is None else member(raw)
        return parsed

    building[shape.name] = convert
    for name, member_shape in shape.members.items():
        if member_shape.serialization.get("location") is not None:
            raise _Unsupported(f"{shape.name}.{name} is not in the body")
        member = _compile(member_shape, building)
        members.append((member_shape.serialization.get("name", name), name,
                        None if member is _identity else member))
    return convert


def compile_output(model: OperationModel) -> Optional[Convert]:
    """A converter for the operation's whole output body, or None when botocore must parse."""
    shape = model.output_shape
    if shape is None or "payload" in shape.serialization:
        return None
    try:
        return _compile(shape, {})
    except _Unsupported:
        return None


def identical(ours: Any, theirs: Any) -> bool:
    """Equal, and of the same types and key order all the way down (``==`` forgives both)."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict):
        return list(ours) == list(theirs) and all(identical(ours[key], theirs[key])
                                                  for key in ours)
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(map(identical, ours, theirs))
    if isinstance(ours, datetime.datetime):
        return ours == theirs and repr(ours.tzinfo) == repr(theirs.tzinfo)
    return bool(ours == theirs)


# Per operation: its converter, or None once botocore must parse it (unsupported or differed).
_converters: Dict[str, Optional[Convert]] = {}
# Arrangements of keys already shown to parse identically; bounded, cleared when full.
_verified: Set[Tuple[Any, ...]] = set()
_VERIFIED_LIMIT = 4096
_lock = threading.Lock()


def _converter(model: OperationModel) -> Optional[Convert]:
    name = model.name
    if name in _converters:
        return _converters[name]
    with _lock:
        if name not in _converters:
            _converters[name] = compile_output(model)
        return _converters[name]


def _arrangement(operation: str, status: int, payload: Mapping[str, Any]) -> Tuple[Any, ...]:
    """What decides the parse's structure: the operation, and every mapping's key order."""
    listed = payload.get("EventSourceMappings")
    if isinstance(listed, list):
        return (operation, status, tuple(payload),
                tuple(tuple(item) if isinstance(item, dict) else None for item in listed))
    return (operation, status, tuple(payload))


def parse(model: OperationModel, status: int, headers: Mapping[str, str],
          payload: Mapping[str, Any], body: bytes,
          botocore_parse: Callable[[], Dict[str, Any]]) -> Dict[str, Any]:
    """The response dict for a successful answer whose body is ``payload`` serialised."""
    convert = _converter(model)
    if convert is None:
        return botocore_parse()
    metadata: Dict[str, Any] = {}
    if "x-amzn-requestid" in headers:
        metadata["RequestId"] = headers["x-amzn-requestid"]
    metadata["HTTPStatusCode"] = status
    metadata["HTTPHeaders"] = {name.lower(): value for name, value in headers.items()}
    parsed: Dict[str, Any] = {"ResponseMetadata": metadata}
    parsed.update(convert(payload))
    arrangement = _arrangement(model.name, status, payload)
    if arrangement in _verified:
        return parsed
    expected = botocore_parse()
    if not identical(parsed, expected):
        with _lock:
            _converters[model.name] = None
        return expected
    with _lock:
        if len(_verified) >= _VERIFIED_LIMIT:
            _verified.clear()
        _verified.add(arrangement)
    return parsed


def forget() -> None:
    """Drop every compiled converter and verification (tests that patch botocore's parser)."""
    with _lock:
        _converters.clear()
        _verified.clear()
        _TIMESTAMPS.clear()
        _ZONES.clear()
        _kept_timestamps[0] = 0
