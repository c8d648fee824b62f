"""Judging a request against the Lambda model's constraints, handed in as plain data.

botocore checks types and minimums on the client and nothing else; Lambda's front end checks
every constraint of the model (maximums, enums, patterns, list and map lengths, nulls inside
lists and maps) before the operation runs, and answers with one ``ValidationException`` listing
every violation.  A raw HTTP client skips botocore, so types are checked here too.

The constraints themselves are never written here: :mod:`mock_esm.wire.model_constraints`
reads them from the installed botocore model and the wire layer hands them over as
:class:`Constraints`.  This module only knows how Lambda words a violation, so the backend and the
server stay free of botocore until a request needs judging.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Callable, Dict, List, Mapping, Optional, Pattern, Tuple, Union

from .. import constraint_table
from ..errors import InvalidRequestContentException, ValidationException


# Plain slotted classes rather than dataclasses: these are read-only records, and generating
# dataclasses costs import time every suite pays.
class Scalar:
    """A string, number, boolean or timestamp member and its constraints."""

    __slots__ = ("enum", "max", "min", "pattern", "type")

    def __init__(self, type: str, min: Optional[int] = None, max: Optional[int] = None,
                 enum: Tuple[str, ...] = (), pattern: Optional[str] = None) -> None:
        self.type = type
        self.min = min
        self.max = max
        self.enum = enum
        self.pattern = pattern


class ListOf:
    __slots__ = ("max", "member", "min")

    def __init__(self, member: Spec, min: Optional[int] = None,
                 max: Optional[int] = None) -> None:
        self.member = member
        self.min = min
        self.max = max


class MapOf:
    __slots__ = ("key", "max", "min", "value")

    def __init__(self, key: Scalar, value: Spec, min: Optional[int] = None,
                 max: Optional[int] = None) -> None:
        self.key = key
        self.value = value
        self.min = min
        self.max = max


class Struct:
    __slots__ = ("members", "required")

    def __init__(self, members: Optional[Mapping[str, Spec]] = None,
                 required: Tuple[str, ...] = ()) -> None:
        self.members: Mapping[str, Spec] = {} if members is None else members
        self.required = required


Spec = Union[Scalar, ListOf, MapOf, Struct]


class Constraints:
    """Everything mock_esm judges requests by, as the installed model states it.

    ``create`` and ``update`` are the body members of the two write operations in the model's
    order (the order Lambda reports violations in); ``function_name_parts`` is the model's
    function-name pattern with named groups (region, account, name, qualifier) so a name can be
    taken apart by the same grammar that admits it; ``partition_of`` maps a region to its ARN
    partition, or None for a region no partition claims."""

    __slots__ = ("create", "event_source_arn", "function_name", "function_name_parts",
                 "max_items", "partition_of", "tag_keys", "taggable_resource", "tags", "update")

    def __init__(self, *, create: Mapping[str, Spec], update: Mapping[str, Spec],
                 event_source_arn: Scalar, function_name: Scalar, function_name_parts: str,
                 max_items: Scalar, taggable_resource: Scalar, tags: Spec, tag_keys: Spec,
                 partition_of: Callable[[str], Optional[str]]) -> None:
        self.create = create
        self.update = update
        self.event_source_arn = event_source_arn
        self.function_name = function_name
        self.function_name_parts = function_name_parts
        self.max_items = max_items
        self.taggable_resource = taggable_resource
        self.tags = tags
        self.tag_keys = tag_keys
        self.partition_of = partition_of


_installed: Optional[Constraints] = None


def constraints() -> Constraints:
    """The constraint table, loaded by the first request that needs it (not at import: reading
    the botocore model costs time a run that never validates a request should not pay)."""
    global _installed
    if _installed is None:
        _installed = constraint_table.load()
    return _installed


def camel(name: str) -> str:
    """Lambda's wire name for a member in messages: ``BatchSize`` -> ``batchSize``."""
    return name[:1].lower() + name[1:]


# Lambda prints an enum's value set in an order of its own, not the model's.  Recorded for
# StartingPosition by AWS's recorded answers; other sets print in the model's order.
_PRINTED_ORDER: Tuple[Tuple[str, ...], ...] = (("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"),)


def _printed(enum: Tuple[str, ...]) -> Tuple[str, ...]:
    for order in _PRINTED_ORDER:
        if sorted(order) == sorted(enum):
            return order
    return enum


# The model's patterns are Java regular expressions.  Java's Unicode classes become the Python
# class that admits the same characters inside a bracket expression: Python's \w is letters and
# numbers (str.isalnum) plus "_", exact wherever the model lists "_" beside them, as it does;
# \p{Z} is the space, line and paragraph separators.
_SEPARATORS = "\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\w", r"\p{Z}": _SEPARATORS}
_compiled: Dict[str, Pattern[str]] = {}


def compiled(pattern: str) -> Pattern[str]:
    """A model pattern as a Python regular expression (matched whole, newlines included)."""
    regex = _compiled.get(pattern)
    if regex is None:
        python = pattern
        for java, equivalent in _JAVA_CLASSES.items():
            python = python.replace(java, equivalent)
        regex = _compiled[pattern] = re.compile(python, re.DOTALL)
    return regex


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)


_PYTHON_TYPES: Dict[str, Any] = {
    "integer": int, "long": int, "boolean": bool, "string": str, "blob": str,
    "timestamp": (int, float), "double": (int, float), "float": (int, float),
}
_NUMERIC = frozenset({"integer", "long", "timestamp", "double", "float"})
_JSON_NAMES = {"list": "list", "map": "structure", "structure": "structure"}


class _Checker:
    """Walks one request; type errors stop at once, constraint errors are collected.

    Only modelled members are walked: Lambda's deserialiser ignores the rest, however deep."""

    def __init__(self) -> None:
        self.errors: List[str] = []

    def fail(self, path: str, value: Any, constraint: str) -> None:
        self.errors.append(f"Value '{_shown(value)}' at '{path}' failed to satisfy constraint: "
                           f"{constraint}")

    def null(self, path: str) -> None:
        self.errors.append(f"Value null at '{path}' failed to satisfy constraint: "
                           f"Member must not be null")

    def wrong_type(self, name: str, expected: str, value: Any) -> None:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not deserialize {name}: "
            f"expected a JSON {_JSON_NAMES.get(expected, expected)}, got {type(value).__name__}")

    def check(self, spec: Spec, value: Any, name: str, path: str) -> None:
        if isinstance(spec, Scalar):
            self.scalar(spec, value, name, path)
        elif isinstance(spec, ListOf):
            if not isinstance(value, list):
                self.wrong_type(name, "list", value)
            self._length(spec.min, spec.max, len(value), value, path)
            for index, item in enumerate(value, 1):
                if item is None:
                    self.null(f"{path}.{index}.member")
                else:
                    self.check(spec.member, item, name, f"{path}.{index}.member")
        elif isinstance(spec, MapOf):
            if not isinstance(value, dict):
                self.wrong_type(name, "map", value)
            self._length(spec.min, spec.max, len(value), value, path)
            for key, item in value.items():
                self.scalar(spec.key, key, name, f"{path}.key")
                if item is None:
                    self.null(f"{path}.{key}")
                else:
                    self.check(spec.value, item, name, f"{path}.{key}")
        else:
            if not isinstance(value, dict):
                self.wrong_type(name, "structure", value)
            for member, member_spec in spec.members.items():
                item = value.get(member)
                if item is not None:
                    self.check(member_spec, item, f"{name}.{member}",
                               f"{path}.{camel(member)}")
                elif member in spec.required:
                    self.null(f"{path}.{camel(member)}")

    def scalar(self, spec: Scalar, value: Any, name: str, path: str) -> None:
        python_type = _PYTHON_TYPES[spec.type]
        if not isinstance(value, python_type) or (
                spec.type in _NUMERIC and isinstance(value, bool)):
            self.wrong_type(name, spec.type, value)
        if spec.type == "string":
            self._length(spec.min, spec.max, len(value), value, path)
            if spec.enum and value not in spec.enum:
                self.fail(path, value, "Member must satisfy enum value set: ["
                          + ", ".join(_printed(spec.enum)) + "]")
            if spec.pattern is not None and compiled(spec.pattern).fullmatch(value) is None:
                self.fail(path, value, "Member must satisfy regular expression pattern: "
                          + spec.pattern)
        elif spec.type in _NUMERIC:
            if spec.min is not None and value < spec.min:
                self.fail(path, value, f"Member must have value greater than or equal to "
                          f"{spec.min}")
            if spec.max is not None and value > spec.max:
                self.fail(path, value, f"Member must have value less than or equal to "
                          f"{spec.max}")

    def _length(self, low: Optional[int], high: Optional[int], length: int, value: Any,
                path: str) -> None:
        if low is not None and length < low:
            self.fail(path, value, f"Member must have length greater than or equal to {low}")
        if high is not None and length > high:
            self.fail(path, value, f"Member must have length less than or equal to {high}")

    def raise_errors(self) -> None:
        errors = self.errors
        if errors:
            count = len(errors)
            noun = "error" if count == 1 else "errors"
            raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(errors))


def _admits(spec: Scalar, value: Any) -> bool:
    """Whether a string or integer passes every constraint (the usual case, judged without
    building a message)."""
    if spec.type == "string":
        if type(value) is not str:
            return False
        regex = None if spec.pattern is None else _compiled.get(spec.pattern)
        if spec.pattern is not None and regex is None:
            return False  # not compiled yet: the full check compiles it
        return ((spec.min is None or len(value) >= spec.min)
                and (spec.max is None or len(value) <= spec.max)
                and (not spec.enum or value in spec.enum)
                and (regex is None or regex.fullmatch(value) is not None))
    if spec.type == "integer" and type(value) is int:
        return ((spec.min is None or value >= spec.min)
                and (spec.max is None or value <= spec.max))
    return False


def check_value(spec: Scalar, value: Any, path: str) -> None:
    """One scalar member judged alone (an ARN, a name, a query parameter): every violation in
    one ``ValidationException``."""
    if _admits(spec, value):
        return
    checker = _Checker()
    checker.scalar(spec, value, camel(path), path)
    checker.raise_errors()


def value_check(spec: Scalar, path: str) -> Callable[[Any], None]:
    """:func:`check_value` for one member, prepared once (for the checks every call runs)."""
    if spec.pattern is not None:
        compiled(spec.pattern)

    def check(value: Any) -> None:
        if not _admits(spec, value):
            check_value(spec, value, path)
    return check


def _quick_check(spec: Spec) -> Optional[Callable[[Any], bool]]:
    """A one-expression test that passes exactly the scalar values ``spec`` accepts without a
    word (the members nearly every request is made of), so a valid request is judged without
    the walk; None for lists, maps and structures, which the walk judges."""
    if not isinstance(spec, Scalar):
        return None
    if spec.type == "boolean":
        return lambda value: type(value) is bool
    if spec.type == "integer":
        low = -(2 ** 63) if spec.min is None else spec.min
        high = 2 ** 63 if spec.max is None else spec.max
        return lambda value: type(value) is int and low <= value <= high
    if spec.type != "string":
        return None
    shortest = 0 if spec.min is None else spec.min
    longest = sys.maxsize if spec.max is None else spec.max
    if spec.enum:
        allowed = frozenset(spec.enum)
        return lambda value: type(value) is str and value in allowed and (
            shortest <= len(value) <= longest)
    if spec.pattern is not None:
        matches = compiled(spec.pattern).fullmatch
        return lambda value: (type(value) is str and shortest <= len(value) <= longest
                              and matches(value) is not None)
    return lambda value: type(value) is str and shortest <= len(value) <= longest


class ShapeCheck:
    """The checks for one operation's body members, prepared once per constraint table."""

    __slots__ = ("_order", "_quick", "members")

    def __init__(self, members: Mapping[str, Spec]) -> None:
        self.members = members
        self._order = {name: position for position, name in enumerate(members)}
        self._quick = {name: check for name, check in
                       ((name, _quick_check(spec)) for name, spec in members.items())
                       if check is not None}

    def __call__(self, request: Mapping[str, Any]) -> None:
        """Refuse a wrong JSON type (400 InvalidRequestContent) or any model constraint
        violation (400 ValidationException with Lambda's ``N validation errors`` sentence)."""
        members, quick_checks = self.members, self._quick
        for name, value in request.items():
            if value is None:
                continue
            quick = quick_checks.get(name)
            if quick is None:
                if name in members:
                    break  # a structure, list or constrained string: walk the whole request
            elif not quick(value):
                break
        else:
            return
        checker = _Checker()
        # Walk what the request holds (a handful of members), then report in the model's order.
        for name in sorted((n for n, v in request.items() if v is not None and n in members),
                           key=self._order.__getitem__):
            checker.check(members[name], request[name], name, camel(name))
        checker.raise_errors()


def modelled_copy(spec: Spec, value: Any) -> Any:
    """A private copy of a checked value holding only what the model describes: members the
    model lacks, and null members, are dropped as Lambda's deserialiser drops them, so nothing
    unmodelled (of any depth) is stored or echoed."""
    if isinstance(spec, Struct):
        members = spec.members
        return {name: modelled_copy(members[name], item) for name, item in value.items()
                if name in members and item is not None}
    if isinstance(spec, ListOf):
        return [modelled_copy(spec.member, item) for item in value]
    if isinstance(spec, MapOf):
        return {key: modelled_copy(spec.value, item) for key, item in value.items()}
    return value
