"""TagResource, UntagResource and ListTags on event source mapping ARNs.

These three are the only Lambda operations besides the five ESM ones that mock_esm answers, and
only for an ``event-source-mapping`` ARN: tags on functions belong to whoever holds the
functions (moto, when active).  Lives beside :mod:`routing` so every way a request arrives (the
botocore interceptor, the WSGI server, the ``responses`` adapter) gets the same answers.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import unquote

from .backend import EsmBackend
from .errors import (
    InvalidRequestContentException,
    ResourceNotFoundException,
    UnknownOperationException,
    validation_error,
)
from .rules.model import Constraints, ShapeCheck, check_value, constraints

ESM_RESOURCE = "event-source-mapping"

TAGS_PREFIX = "/2017-03-31/tags/"
NOT_FOUND = "Event source mapping not found: {arn}"


def resource_of(path: str) -> str:
    """The ARN a tags path names (botocore percent-encodes its colons)."""
    return unquote(path[len(TAGS_PREFIX):])


def _is_mapping_arn(arn: str) -> bool:
    parts = arn.split(":", 6)
    return (len(parts) == 7 and parts[0] == "arn" and parts[2] == "lambda"
            and parts[5] == ESM_RESOURCE)


def names_mapping(path: str) -> bool:
    """Whether a tags path is about an event source mapping, i.e. ours to answer (whether it is
    well formed is for :func:`handle` to judge, with the model's words)."""
    return _is_mapping_arn(resource_of(path))


def _tags(request: Mapping[str, Any], table: Constraints) -> Dict[str, str]:
    tags = request.get("Tags")
    if tags is None:
        raise validation_error("tags", None, "Member must not be null")
    if not isinstance(tags, dict) or not all(
            isinstance(key, str) and isinstance(value, (str, type(None)))
            for key, value in tags.items()):
        raise InvalidRequestContentException(
            "Could not parse request body into json: Could not deserialize Tags: expected a "
            "JSON object of string values")
    ShapeCheck({"Tags": table.tags})({"Tags": tags})
    return tags


def _tag_keys(query: Mapping[str, Any], table: Constraints) -> List[str]:
    keys = query.get("tagKeys")
    if keys is None:
        raise validation_error("tagKeys", None, "Member must not be null")
    listed = [str(key) for key in (keys if isinstance(keys, list) else [keys])]
    ShapeCheck({"TagKeys": table.tag_keys})({"TagKeys": listed})
    return listed


def handle(backend: EsmBackend, method: str, path: str, query: Mapping[str, Any],
           request: Mapping[str, Any]) -> Tuple[int, bytes]:
    """Serve one tags request for a mapping ARN: (status, body bytes) or an AwsError."""
    arn = resource_of(path)
    if method not in ("GET", "POST", "DELETE"):
        raise UnknownOperationException(f"No operation is routed for {method} {path}")
    table = constraints()
    check_value(table.taggable_resource, arn, "resource")
    if not _is_mapping_arn(arn):
        # A taggable ARN that is not a mapping: mock_esm holds no functions to tag.
        raise ResourceNotFoundException(f"Function not found: {arn}")
    tags: Optional[Dict[str, str]] = _tags(request, table) if method == "POST" else None
    keys = _tag_keys(query, table) if method == "DELETE" else None
    held = backend.tags(arn, add=tags, remove=keys)
    if held is None:
        raise ResourceNotFoundException(NOT_FOUND.format(arn=arn))
    if tags is None and keys is None:
        return 200, json.dumps({"Tags": held}).encode()
    return 204, b""
