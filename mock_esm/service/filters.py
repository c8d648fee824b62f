"""Lambda event filtering (``FilterCriteria``) for the in-process event source mappings.

Real Lambda judges a filter pattern when the mapping is created or updated, and at delivery
silently drops every record that no filter matches.  A mock that accepted a pattern Lambda
refuses, or delivered a record Lambda drops, would let a test pass here and fail on AWS, so the
grammar below is the one in the Lambda developer guide, "Control which events Lambda sends to
your function", section "Filter rule syntax".  Where that guide is silent it says "Lambda
supports the Amazon EventBridge rules and uses the same syntax as EventBridge", so the gaps are
filled from the EventBridge pattern rules (and the rule compiler EventBridge publishes).

Grammar decisions, each with what it rests on:

* A pattern is a JSON object whose keys map to a nested object or to a non-empty array.  Empty
  objects are refused at every level, ``{}`` included: EventBridge's compiler refuses them
  ("Empty objects are not allowed"), and clearing filters is done with an empty
  ``FilterCriteria``, never with an empty pattern.
* Array elements are strings, numbers, ``true``/``false``, ``null`` or one-key matcher objects.
  The guide's table lists Null, Empty, Equals, Equals (ignore case), And, Or, Or (multiple
  fields) via ``$or``, Not (``anything-but``), Numeric (equals) and (range), Exists, Does not
  exist, Begins with (``prefix``) and Ends with (``suffix``).  Booleans are not in that table but
  are EventBridge match values ("String, number, true, false, or null").
* Only those matchers are accepted.  EventBridge-only forms the Lambda guide does not list
  (``wildcard``, ``cidr``, ``anything-but`` with a nested ``prefix``/``suffix``/
  ``equals-ignore-case``, ``prefix`` with ``equals-ignore-case``) are refused.
* ``anything-but`` takes a string, a number, or a non-empty list of only strings or only numbers
  (EventBridge: "The list must contain either all strings, or all numbers").
* ``numeric`` is ``["=", n]``, one bound, or a lower bound (``>``/``>=``) followed by an upper
  bound (``<``/``<=``) with lower < upper, as in the guide's ``[">", 10, "<=", 20]``.
* ``$or`` ("Or (multiple fields)") takes an array of at least two non-empty objects.
* A ``Pattern`` string longer than 4096 characters is refused (API reference, ``Filter``:
  "Maximum length of 4096").  Duplicate keys keep the last value, as the guide says.
"""

from __future__ import annotations

import json
import math
from collections.abc import Generator, Iterable, Mapping
from typing import Any, Final

__all__ = ["MAX_PATTERN_LENGTH", "InvalidFilterPattern", "matches", "matches_any",
           "validate_pattern"]

MAX_PATTERN_LENGTH: Final = 4096

_MESSAGE: Final = "Invalid filter pattern definition."
_OR: Final = "$or"
_STRING_MATCHERS: Final = frozenset({"prefix", "suffix", "equals-ignore-case"})
_LOWER: Final = frozenset({">", ">="})
_UPPER: Final = frozenset({"<", "<="})
_MISSING: Final = object()


class InvalidFilterPattern(ValueError):
    """A pattern Lambda would refuse.

    Lambda answers every grammar violation with one fixed text, so ``str()`` is always that text
    and the API layer can pass it through verbatim.  ``reason`` says what was wrong, for people
    debugging a test, without leaking into the AWS-shaped message.
    """

    def __init__(self, reason: str = "") -> None:
        super().__init__(_MESSAGE)
        self.reason = reason

    def __str__(self) -> str:
        return _MESSAGE


def validate_pattern(pattern: str) -> dict[str, Any]:
    """Parse one filter's ``Pattern`` the way CreateEventSourceMapping does.

    Returning the parsed object lets the caller store it once and match many records against it
    without reparsing.
    """
    if not isinstance(pattern, str):
        raise InvalidFilterPattern("a pattern must be a JSON string")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidFilterPattern(f"a pattern is at most {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = json.loads(pattern, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        raise InvalidFilterPattern("the pattern is not JSON") from exc
    return _checked_object(parsed)


def matches(pattern: dict[str, Any] | str, event: Mapping[str, Any]) -> bool:
    """Whether Lambda would deliver ``event`` under this one filter.

    The pattern is checked on every call because a dict built in a test never went through
    :func:`validate_pattern`, and matching an invalid pattern would give a plausible but wrong
    answer instead of the error AWS gives.
    """
    return _match_checked(_checked(pattern), event)


def matches_any(patterns: Iterable[dict[str, Any] | str], event: Mapping[str, Any]) -> bool:
    """Whether any filter of a ``FilterCriteria`` keeps ``event``.

    Filters are ORed, and a mapping without filters delivers everything, hence ``True`` for an
    empty list.  Every pattern is checked before any is matched so that a bad filter is
    reported whatever its position, not only when earlier ones fail to match.
    """
    checked = [_checked(pattern) for pattern in patterns]
    return not checked or any(_match_checked(pattern, event) for pattern in checked)


# --- checking ------------------------------------------------------------------------------


def _refuse_constant(name: str) -> float:
    # NaN and Infinity are Python extensions to JSON; Lambda's parser rejects them.
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    # "1e400" is valid JSON that Python would turn into inf, which no comparison can honour.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _checked(pattern: object) -> dict[str, Any]:
    return validate_pattern(pattern) if isinstance(pattern, str) else _checked_object(pattern)


def _checked_object(pattern: object) -> dict[str, Any]:
    # Never re-enters validate_pattern: a JSON string literal holding a pattern is not a pattern.
    _check_object(pattern)
    assert isinstance(pattern, dict)
    return pattern


def _check_object(root: object) -> None:
    """Every object level of a pattern, from an explicit stack rather than recursion.

    Lambda documents no nesting limit, and 4096 characters hold ~800 levels: a pattern Create
    accepts must check (and match) however deep the caller's own stack already is.  Every
    violation gets the same AWS message, so the order levels are visited in does not show.
    """
    pending = [root]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            raise InvalidFilterPattern("a pattern level must be a JSON object")
        if not node:
            raise InvalidFilterPattern("empty objects are not allowed")
        for key, value in node.items():
            if not isinstance(key, str):
                raise InvalidFilterPattern("object keys must be strings")
            if key == _OR:
                if not isinstance(value, list) or len(value) < 2:
                    raise InvalidFilterPattern("$or takes an array of at least two objects")
                pending.extend(value)
            elif isinstance(value, dict):
                pending.append(value)
            elif isinstance(value, list):
                _check_rules(value)
            else:
                raise InvalidFilterPattern(f'"{key}" must be an object or an array')


def _check_rules(rules: list[Any]) -> None:
    if not rules:
        raise InvalidFilterPattern("empty arrays are not allowed")
    for rule in rules:
        if isinstance(rule, dict):
            _check_matcher(rule)
        elif not (rule is None or isinstance(rule, (str, bool)) or _is_number(rule)):
            raise InvalidFilterPattern("match values are strings, numbers, booleans or null")


def _check_matcher(matcher: dict[Any, Any]) -> None:
    if len(matcher) != 1:
        raise InvalidFilterPattern("a match expression has exactly one key")
    ((name, arg),) = matcher.items()
    if name in _STRING_MATCHERS:
        ok = isinstance(arg, str)
    elif name == "exists":
        ok = isinstance(arg, bool)
    elif name == "anything-but":
        ok = _is_scalar_exclusion(arg) or (
            isinstance(arg, list) and bool(arg)
            and (all(isinstance(item, str) for item in arg) or all(map(_is_number, arg))))
    elif name == "numeric":
        _numeric_bounds(arg)
        ok = True
    else:
        raise InvalidFilterPattern(f"unsupported match expression {name!r}")
    if not ok:
        raise InvalidFilterPattern(f"bad operand for {name!r}")


def _is_scalar_exclusion(arg: object) -> bool:
    return isinstance(arg, str) or _is_number(arg)


def _is_number(value: object) -> bool:
    """JSON numbers only: ``bool`` is an ``int`` in Python but ``true`` is not a number in JSON."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not isinstance(value, float) or math.isfinite(value)


def _numeric_bounds(arg: object) -> list[tuple[str, float]]:
    """Split a ``numeric`` operand into (operator, number) terms, refusing shapes Lambda refuses."""
    if not isinstance(arg, list) or len(arg) not in (2, 4):
        raise InvalidFilterPattern("numeric takes [op, n] or [lower-op, n, upper-op, m]")
    terms: list[tuple[str, float]] = []
    for op, number in zip(arg[::2], arg[1::2]):
        if op not in ("=", "<", "<=", ">", ">=") or not _is_number(number):
            raise InvalidFilterPattern("numeric terms are an operator and a number")
        terms.append((op, number))
    if len(terms) == 2:
        (low_op, low), (high_op, high) = terms
        if low_op not in _LOWER or high_op not in _UPPER or not low < high:
            raise InvalidFilterPattern("a numeric range is a lower then a greater upper bound")
    return terms


# --- matching ------------------------------------------------------------------------------


# Matching descends the pattern and the event together.  Each step is a generator that yields
# the sub-step whose answer it needs and receives that answer back, and _run drives them from a
# list, so no nesting depth the 4096-character limit allows can exhaust Python's stack.
_Step = Generator[Any, bool, bool]


def _run(root: _Step) -> bool:
    stack = [root]
    answer: Any = None
    while True:
        try:
            needed = stack[-1].send(answer)
        except StopIteration as finished:
            stack.pop()
            answer = finished.value
            if not stack:
                return bool(answer)
        else:
            stack.append(needed)
            answer = None


def _match_checked(pattern: dict[str, Any], event: Mapping[str, Any]) -> bool:
    return _run(_match_object(pattern, event))


def _match_object(pattern: dict[str, Any], node: object) -> _Step:
    """Keys are ANDed; a missing key still reaches its rules so that ``exists: false`` can hold."""
    fields: Mapping[Any, Any] = node if isinstance(node, Mapping) else {}
    for key, rule in pattern.items():
        if key == _OR:
            for branch in rule:
                if (yield _match_object(branch, node)):
                    break
            else:
                return False
        elif isinstance(rule, dict):
            if not (yield _match_nested(rule, fields.get(key, _MISSING))):
                return False
        elif not _match_rules(rule, fields.get(key, _MISSING)):
            return False
    return True


def _match_nested(pattern: dict[str, Any], value: object) -> _Step:
    """Descend into an object, or into any object of an array.

    An absent field is treated as an empty object, so absence checks below it still hold.  A
    field that holds a string or number does not match: the guide says Lambda drops a record
    whose data is a plain string when the pattern for it is a JSON object.
    """
    if value is _MISSING or isinstance(value, Mapping):
        return (yield _match_object(pattern, {} if value is _MISSING else value))
    if isinstance(value, (list, tuple)):
        flat = _flatten(value)
        objects = [item for item in flat if isinstance(item, Mapping)]
        if not objects:
            return not flat and (yield _match_object(pattern, {}))
        for item in objects:
            if (yield _match_object(pattern, item)):
                return True
    return False


def _match_rules(rules: list[Any], value: object) -> bool:
    """Values in one array are ORed; an array in the event matches if any element does.

    Only leaves count: the guide says Exists "doesn't match intermediate nodes", so an object
    (or an array of objects) at this key offers no value to compare and is absent for Exists.
    """
    leaves = _leaves(value)
    for rule in rules:
        if isinstance(rule, dict):
            ((name, arg),) = rule.items()
            if name == "exists":
                if bool(leaves) is arg:
                    return True
            elif any(_match_operator(name, arg, leaf) for leaf in leaves):
                return True
        elif any(_equals(rule, leaf) for leaf in leaves):
            return True
    return False


def _leaves(value: object) -> list[Any]:
    if value is _MISSING or isinstance(value, Mapping):
        return []
    if isinstance(value, (list, tuple)):
        return [item for item in _flatten(value) if not isinstance(item, Mapping)]
    return [value]


def _flatten(items: list[Any] | tuple[Any, ...]) -> list[Any]:
    # Iterative so that an absurdly nested event array cannot exhaust the stack.
    flat: list[Any] = []
    stack: list[Any] = [iter(items)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, (list, tuple)):
                stack.append(iter(item))
                break
            flat.append(item)
        else:
            stack.pop()
    return flat


def _equals(expected: object, actual: object) -> bool:
    """Exact match that keeps JSON types apart (``true`` is not ``1``).

    Numbers compare by value, so ``1`` matches ``1.0``: EventBridge's compiler adds a numeric
    equality matcher beside the literal one for every number in a pattern.
    """
    if expected is None or isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    return _is_event_number(actual) and actual == expected


def _is_event_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _match_operator(name: str, arg: Any, leaf: object) -> bool:
    if name == "anything-but":
        excluded = arg if isinstance(arg, list) else [arg]
        return not any(_equals(item, leaf) for item in excluded)
    if name == "numeric":
        return _is_event_number(leaf) and all(
            _compare(leaf, op, bound) for op, bound in _numeric_bounds(arg))
    if not isinstance(leaf, str):
        return False
    if name == "prefix":
        return leaf.startswith(arg)
    if name == "suffix":
        return leaf.endswith(arg)
    # equals-ignore-case; lower() rather than casefold() so "ß" does not equal "ss".
    return leaf.lower() == str(arg).lower()


def _compare(value: Any, op: str, bound: float) -> bool:
    if op == "=":
        return bool(value == bound)
    if op == "<":
        return bool(value < bound)
    if op == "<=":
        return bool(value <= bound)
    if op == ">":
        return bool(value > bound)
    return bool(value >= bound)
