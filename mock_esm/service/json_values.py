"""Private copies of JSON values (dicts, lists and scalars, as ``json.loads`` makes them)."""

from __future__ import annotations

from typing import Any


def json_copy(value: Any) -> Any:
    """A private copy of a JSON value; far cheaper than ``copy.deepcopy`` on the hot path."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value
