"""TagResource, UntagResource and ListTags on event source mapping ARNs.

These three are the only Lambda operations besides the five ESM ones that mock_esm answers, and
only for an ``event-source-mapping`` ARN: tags on functions belong to whoever holds the
functions (moto, when active).  Lives beside :mod:`routing` so every way a request arrives (the
botocore interceptor, the WSGI server, the ``responses`` adapter) gets the same answers.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import unquote

from .backend import EsmBackend
from .errors import (
    InvalidRequestContentException,
    ResourceNotFoundException,
    UnknownOperationException,
    validation_error,
)

# The botocore model's TaggableResource pattern, anchored, and its event-source-mapping branch.
_TAGGABLE_SOURCE = (
    r"arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}"
    r"|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)"
)
_TAGGABLE = re.compile("^" + _TAGGABLE_SOURCE + "$")
ESM_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}$")

TAGS_PREFIX = "/2017-03-31/tags/"
NOT_FOUND = "Event source mapping not found: {arn}"


def resource_of(path: str) -> str:
    """The ARN a tags path names (botocore percent-encodes its colons)."""
    return unquote(path[len(TAGS_PREFIX):])


def names_mapping(path: str) -> bool:
    """Whether a tags path is about an event source mapping, i.e. ours to answer."""
    return ESM_ARN.match(resource_of(path)) is not None


def _tags(request: Mapping[str, Any]) -> Dict[str, str]:
    tags = request.get("Tags")
    if tags is None:
        raise validation_error("tags", None, "Member must not be null")
    if not isinstance(tags, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in tags.items()):
        raise InvalidRequestContentException(
            "Could not parse request body into json: Could not deserialize Tags: expected a "
            "JSON object of string values")
    return tags


def _tag_keys(query: Mapping[str, Any]) -> List[str]:
    keys = query.get("tagKeys")
    if keys is None:
        raise validation_error("tagKeys", None, "Member must not be null")
    return [str(key) for key in (keys if isinstance(keys, list) else [keys])]


def handle(backend: EsmBackend, method: str, path: str, query: Mapping[str, Any],
           request: Mapping[str, Any]) -> Tuple[int, bytes]:
    """Serve one tags request for a mapping ARN: (status, body bytes) or an AwsError."""
    arn = resource_of(path)
    if method not in ("GET", "POST", "DELETE"):
        raise UnknownOperationException(f"No operation is routed for {method} {path}")
    if ESM_ARN.match(arn) is None:
        if _TAGGABLE.match(arn) is None:
            raise validation_error("resource", arn,
                                   "Member must satisfy regular expression pattern: "
                                   + _TAGGABLE_SOURCE)
        # A taggable ARN that is not a mapping: mock_esm holds no functions to tag.
        raise ResourceNotFoundException(f"Function not found: {arn}")
    tags: Optional[Dict[str, str]] = _tags(request) if method == "POST" else None
    keys = _tag_keys(query) if method == "DELETE" else None
    held = backend.tags(arn, add=tags, remove=keys)
    if held is None:
        raise ResourceNotFoundException(NOT_FOUND.format(arn=arn))
    if tags is None and keys is None:
        return 200, json.dumps({"Tags": held}).encode()
    return 204, b""
