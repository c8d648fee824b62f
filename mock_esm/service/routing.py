"""HTTP request -> backend operation -> HTTP response, for every way a request reaches us.

The interceptor, the WSGI server and the ``responses`` adapter all hand over the same four
things (method, path, query, body) and get back (status, headers, body bytes).  Errors become
AWS's error responses here and nowhere else.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Tuple
from urllib.parse import unquote

from . import tagging
from .backend import EsmBackend, ExistenceCheck
from .errors import (
    AwsError,
    InvalidRequestContentException,
    UnknownOperationException,
    validation_error,
)
from .faults import FAULTS
from .uuids import fresh_uuid

ESM_PREFIX = "/2015-03-31/event-source-mappings"


class Response(NamedTuple):
    status: int
    headers: Dict[str, str]
    body: bytes


class Call(NamedTuple):
    """Where a request lands: its backend, the transition time in force, and who checks the
    rest of the account (moto, when active; nobody otherwise)."""

    backend: EsmBackend
    transition_seconds: float
    check: Optional[ExistenceCheck] = None


def _headers(body: bytes) -> Dict[str, str]:
    return {"content-type": "application/json", "x-amzn-requestid": fresh_uuid(),
            "content-length": str(len(body))}


def error_response(error: AwsError) -> Response:
    body = error.body()
    headers = _headers(body)
    headers["x-amzn-errortype"] = error.code
    for name, value in error.headers.items():
        headers[name.lower()] = value
    return Response(error.status, headers, body)


def _finite(text: str) -> float:
    # JSON has no NaN or Infinity; Python would accept them (or overflow 1e400 to inf) and the
    # mapping would echo back a body no JSON parser reads.  Raw HTTP clients can send these.
    value = float(text)
    if math.isinf(value) or math.isnan(value):
        raise ValueError(f"{text} is not a finite JSON number")
    return value


_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")

# One decoder for every request: json.loads with options builds a new decoder on each call.
_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_finite)


def _json_body(body: bytes) -> Dict[str, Any]:
    if not body:
        return {}
    try:
        # Every SDK sends UTF-8; the detection (BOMs, UTF-16/32) is for raw HTTP clients.
        encoding = ("utf-8" if body[:1] == b"{" and body[1:2] != b"\x00"
                    else json.detect_encoding(body))
        text = body.decode(encoding, "surrogatepass")
        decoded = _DECODER.decode(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: {exc}") from None
    if not isinstance(decoded, dict):
        raise InvalidRequestContentException(
            "Could not parse request body into json: the body must be a JSON object")
    return decoded


def _max_items(raw: Any) -> Optional[int]:
    """MaxItems as Lambda reads the query parameter: decimal digits (an optional sign), then
    the model's range.  In-process values arrive unserialised, so each is judged by the text a
    client puts on the wire: ``1.5``, `` 5`` and ``inf`` are refused alike, wherever they come
    from."""
    if raw is None:
        return None
    if isinstance(raw, list):
        raw = raw[0] if raw else None
        if raw is None:
            return None
    text = raw if isinstance(raw, str) else str(raw)
    if isinstance(raw, bool) or _INTEGER_TEXT.fullmatch(text) is None:
        raise validation_error("maxItems", text, "Member must be an integer")
    from .rules.model import check_value, constraints

    value = int(text)
    check_value(constraints().max_items, value, "maxItems")
    return value


def _query_value(query: Mapping[str, Any], name: str) -> Optional[str]:
    value = query.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value is None else str(value)


def _one(body: bytes, status: int) -> Response:
    return Response(status, _headers(body), body)


def _page(page: List[bytes], marker: Optional[str]) -> Response:
    body = b'{"EventSourceMappings":[' + b",".join(page) + b"]"
    if marker is not None:
        body += b',"NextMarker":' + json.dumps(marker).encode()
    return _one(body + b"}", 200)


def _create(call: Call, uuid: str, query: Mapping[str, Any], body: bytes) -> Response:
    return _one(call.backend.create(_json_body(body), call.transition_seconds, call.check), 202)


def _list(call: Call, uuid: str, query: Mapping[str, Any], body: bytes) -> Response:
    page, marker = call.backend.list(
        event_source_arn=_query_value(query, "EventSourceArn"),
        function_name=_query_value(query, "FunctionName"),
        marker=_query_value(query, "Marker"),
        max_items=_max_items(query.get("MaxItems")))
    return _page(page, marker)


Handler = Callable[[Call, str, Mapping[str, Any], bytes], Response]


def _get(call: Call, uuid: str, query: Mapping[str, Any], body: bytes) -> Response:
    return _one(call.backend.get(uuid), 200)


def _update(call: Call, uuid: str, query: Mapping[str, Any], body: bytes) -> Response:
    request = _json_body(body)
    return _one(call.backend.update(uuid, request, call.transition_seconds, call.check), 202)


def _delete(call: Call, uuid: str, query: Mapping[str, Any], body: bytes) -> Response:
    return _one(call.backend.delete(uuid, call.transition_seconds), 202)


def split_path(path: str) -> Optional[Tuple[str, Optional[str]]]:
    """('collection', None) or ('item', uuid) for an event-source-mappings path, else None."""
    if not path.startswith(ESM_PREFIX):
        return None
    rest = path[len(ESM_PREFIX):]
    if rest in ("", "/"):
        return "collection", None
    segment = rest[1:]
    if rest[0] != "/" or "/" in segment:
        return None
    return "item", unquote(segment)


_OPERATION_NAMES = {
    ("collection", "POST"): "CreateEventSourceMapping",
    ("collection", "GET"): "ListEventSourceMappings",
    ("item", "GET"): "GetEventSourceMapping",
    ("item", "PUT"): "UpdateEventSourceMapping",
    ("item", "DELETE"): "DeleteEventSourceMapping",
}


_HANDLERS: Dict[str, Handler] = {
    "CreateEventSourceMapping": _create, "ListEventSourceMappings": _list,
    "GetEventSourceMapping": _get, "UpdateEventSourceMapping": _update,
    "DeleteEventSourceMapping": _delete,
}


def handle(call: Call, method: str, path: str, query: Mapping[str, Any], body: bytes) -> Response:
    """Serve one event-source-mapping request; AWS errors come back as error responses."""
    try:
        if path.startswith(tagging.TAGS_PREFIX):
            request = _json_body(body) if method == "POST" else {}
            status, payload = tagging.handle(call.backend, method, path, query, request)
            return _one(payload, status)
        route = split_path(path)
        operation = None if route is None else _OPERATION_NAMES.get((route[0], method))
        if route is None or operation is None:
            raise UnknownOperationException(f"No operation is routed for {method} {path}")
        # Collection operations take no UUID; they are handed an empty one.
        return _serve(call, operation, route[1] or "", query, body)
    except AwsError as error:
        return error_response(error)


_COLLECTION_OPERATIONS = frozenset({"CreateEventSourceMapping", "ListEventSourceMappings"})


def handle_operation(call: Call, operation: str, method: str, path: str,
                     query: Mapping[str, Any], body: bytes) -> Response:
    """:func:`handle` for a caller that already knows the operation (botocore names it, and
    builds ``path`` from the model's URI template, the UUID percent-encoded): a path of the
    operation's kind is not routed by method again, and any other is routed as :func:`handle`
    routes it."""
    route = split_path(path)
    if route is None or (route[0] == "collection") != (operation in _COLLECTION_OPERATIONS):
        return handle(call, method, path, query, body)
    try:
        return _serve(call, operation, route[1] or "", query, body)
    except AwsError as error:
        return error_response(error)


def _serve(call: Call, operation: str, uuid: str, query: Mapping[str, Any],
           body: bytes) -> Response:
    if FAULTS.pending:
        injected = FAULTS.take(operation)
        if injected is not None:
            raise injected
    return _HANDLERS[operation](call, uuid, query, body)
