"""The Lambda model's request constraints, read from the installed botocore once.

The edge between botocore and the pure request checks: the one place they get their data.  It
turns the input shapes of the operations mock_esm answers into the plain records of
:mod:`mock_esm.service.rules.model`, and botocore's partition data into a region -> partition
function, so every constraint, pattern and partition follows whichever botocore is installed: an
older model lacks members and patterns that a newer one has, exactly as AWS of that era did.
"""

from __future__ import annotations

import functools
from typing import Callable, Dict, List, Optional

import botocore.session
from botocore.exceptions import UnknownRegionError
from botocore.model import ServiceModel, Shape

from ..service.rules.model import Constraints, ListOf, MapOf, Scalar, Spec, Struct


def spec_for(shape: Shape) -> Spec:
    """A shape's constraints as plain data, nested structures included."""
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    if shape.type_name == "structure":
        return Struct({name: spec_for(member) for name, member in shape.members.items()},
                      tuple(shape.required_members))
    if shape.type_name == "list":
        return ListOf(spec_for(shape.member), low, high)
    if shape.type_name == "map":
        key = spec_for(shape.key)
        assert isinstance(key, Scalar), "a map key is a string"
        return MapOf(key, spec_for(shape.value), low, high)
    enum = tuple(getattr(shape, "enum", None) or ())
    return Scalar(shape.type_name, low, high, enum, meta.get("pattern"))


def body_members(shape: Shape) -> Dict[str, Spec]:
    """An input shape's JSON body members, in the model's order (path, query and header
    members travel elsewhere)."""
    return {name: spec_for(member) for name, member in shape.members.items()
            if "location" not in member.serialization}


def _scalar(shape: Shape) -> Scalar:
    spec = spec_for(shape)
    assert isinstance(spec, Scalar)
    return spec


def _top_level_groups(pattern: str) -> List[str]:
    """A pattern cut into its top-level parenthesised groups (escapes and brackets honoured)."""
    groups: List[str] = []
    depth, start, index, in_class = 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                end = index + 1
                if end < len(pattern) and pattern[end] == "?":
                    end += 1
                groups.append(pattern[start:end])
                index = end
                continue
        elif depth == 0:
            raise ValueError(f"unexpected {char!r} outside a group in {pattern!r}")
        index += 1
    return groups


# The model's function-name grammar is six optional or required pieces in a row: the ARN
# prefix, "region:", "account:", "function:", the name and ":qualifier".  Naming the pieces
# lets the one grammar both admit a name and take it apart.
_PIECE_NAMES = (None, "region", "account", None, "name", "qualifier")


def function_name_parts(pattern: str) -> str:
    """The model's function-name pattern with named groups for the pieces mock_esm reads."""
    groups = _top_level_groups(pattern)
    if "".join(groups) != pattern or len(groups) != len(_PIECE_NAMES):
        raise ValueError(f"unexpected function name grammar: {pattern!r}")
    named = [group if label is None else f"(?P<{label}>" + group[1:]
             for group, label in zip(groups, _PIECE_NAMES)]
    return "".join(named)


def partition_finder(session: botocore.session.Session) -> Callable[[str], Optional[str]]:
    """Region -> partition from botocore's endpoint data; None for a region none claims."""
    def partition_of(region: str) -> Optional[str]:
        try:
            partition = session.get_partition_for_region(region)
        except UnknownRegionError:
            return None
        return partition if isinstance(partition, str) else None
    return partition_of


def from_model(service: ServiceModel, session: botocore.session.Session) -> Constraints:
    create = service.operation_model("CreateEventSourceMapping").input_shape
    update = service.operation_model("UpdateEventSourceMapping").input_shape
    listing = service.operation_model("ListEventSourceMappings").input_shape
    tagging = service.operation_model("TagResource").input_shape
    untagging = service.operation_model("UntagResource").input_shape
    assert create is not None and update is not None and listing is not None
    assert tagging is not None and untagging is not None
    function_name = create.members["FunctionName"]
    pattern = function_name.metadata.get("pattern")
    if not isinstance(pattern, str):
        raise ValueError("the Lambda model gives FunctionName no pattern")
    return Constraints(
        create=body_members(create),
        update=body_members(update),
        event_source_arn=_scalar(create.members["EventSourceArn"]),
        function_name=_scalar(function_name),
        function_name_parts=function_name_parts(pattern),
        max_items=_scalar(listing.members["MaxItems"]),
        taggable_resource=_scalar(tagging.members["Resource"]),
        tags=spec_for(tagging.members["Tags"]),
        tag_keys=spec_for(untagging.members["TagKeys"]),
        partition_of=partition_finder(session),
    )


@functools.cache
def load() -> Constraints:
    """The constraint table of the installed botocore (read once, then shared).

    The Lambda model is the one answers are parsed with, the one the first served call carried
    (a client has parsed it already, and reading it again is slow)."""
    from .answers import operation_model

    service = operation_model("CreateEventSourceMapping").service_model
    return from_model(service, botocore.session.get_session())
