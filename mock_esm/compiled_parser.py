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
import logging
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

from botocore import parsers
from botocore.model import OperationModel, Shape
from botocore.utils import ensure_boolean

from . import timestamps

Convert = Callable[[Any], Any]
log = logging.getLogger(__name__)


class _Unsupported(Exception):
    """A shape this compiler does not mirror; its operation keeps botocore's parser."""


def _identity(value: Any) -> Any:
    return value


def _blob(value: Any) -> bytes:
    return base64.b64decode(value)


# What the handler botocore's rest-json parser has for each scalar type does to a body value.
# botocore has added handlers over time (1.35 converts integers only; later releases floats and
# booleans too), so a type whose handler the installed parser lacks passes through as-is.
_SCALARS: Dict[str, Convert] = {
    "string": _identity,  # rest-json decodes only header strings (jsonvalue); bodies pass as-is
    "integer": int, "long": int, "float": float, "double": float,
    "boolean": ensure_boolean, "timestamp": timestamps.parse, "blob": _blob,
}
_SCALAR_TYPES = frozenset(_SCALARS) | {"character", "byte", "short", "bigdecimal",
                                       "biginteger"}


def _scalar(type_name: str) -> Convert:
    handler = getattr(parsers.RestJSONParser, f"_handle_{type_name}", None)
    if handler is None or handler is parsers.ResponseParser._default_handle:
        return _identity
    known = _SCALARS.get(type_name)
    if known is None:
        raise _Unsupported(f"botocore parses {type_name} in a way not mirrored here")
    return known


def _compile(shape: Shape, building: Dict[str, Convert]) -> Convert:
    type_name = shape.type_name
    if type_name in _SCALAR_TYPES:
        return _scalar(type_name)
    if type_name == "list":
        return _list_of(_compile(shape.member, building))
    if type_name == "map":
        return _map_of(_compile(shape.key, building),
                       _compile(shape.value, building))
    if type_name == "structure":
        return _structure(shape, building)
    raise _Unsupported(f"{shape.name} is a {type_name}")


_PLANS_LIMIT = 256  # per structure shape


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
    # botocore walks every member of the shape (33 for a mapping) and keeps the present ones in
    # the shape's order; the members a value holds come in a handful of arrangements, so the
    # walk is kept per arrangement of keys and covers only those.
    plans: Dict[Tuple[str, ...], List[Tuple[str, str, Optional[Convert]]]] = {}

    def convert(value: Mapping[str, Any]) -> Dict[str, Any]:
        keys = tuple(value)
        plan = plans.get(keys)
        if plan is None:
            present = set(keys)
            plan = [member for member in members if member[0] in present]
            if len(plans) >= _PLANS_LIMIT:
                plans.clear()
            plans[keys] = plan
        parsed: Dict[str, Any] = {}
        for json_name, name, member in plan:
            raw = value[json_name]
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
        # Field by field: two aware datetimes in different zone objects compare unequal when
        # their wall time is ambiguous (PEP 495), even two that botocore parsed from one value.
        return (ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)
                and ours.fold == theirs.fold and ours.utcoffset() == theirs.utcoffset()
                and repr(ours.tzinfo) == repr(theirs.tzinfo))
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
          payload: Mapping[str, Any],
          botocore_parse: Callable[[], Dict[str, Any]]) -> Dict[str, Any]:
    """The response dict for a successful answer whose body is ``payload`` serialised;
    ``botocore_parse`` gives botocore's own parse of that body, to check against."""
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
        log.debug("botocore parses %s answers differently from the compiled copy; botocore's "
                  "parser serves them from now on", model.name)
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
    timestamps.forget()
