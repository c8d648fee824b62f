"""Checks on what tests pass to ``esm.put_records``: plain Python errors naming entry and rule.

These are the mock's own inputs, not AWS requests, so mistakes raise ``TypeError`` or
``ValueError`` at once instead of surfacing later as a confusing event.
"""

from __future__ import annotations

from typing import AbstractSet, Any, Mapping, Optional, Sequence


def record_list(records: Any, what: str) -> Sequence[Any]:
    """``records`` itself when it is a list of entries (a lone str, bytes or dict is not)."""
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise TypeError(f"put_records() takes a list of {what}; got {records!r}")
    return records


def entry(raw: Any, where: str, keys: Optional[AbstractSet[str]], shorthand: Optional[str],
          described: str) -> Mapping[str, Any]:
    """One entry as a dict: bare bytes or str stand for ``{shorthand: raw}``; no unknown keys."""
    if shorthand is not None and isinstance(raw, (str, bytes)):
        raw = {shorthand: raw}
    if not isinstance(raw, Mapping):
        raise TypeError(f"{where} must be {described}; got {raw!r}")
    unknown = sorted(set(raw) - keys) if keys is not None else []
    if unknown:
        raise ValueError(f"{where} has unknown keys {unknown}; allowed: {sorted(keys or ())}")
    return raw


def as_bytes(value: Any, where: str, name: str) -> bytes:
    """Payload bytes; a str is taken as UTF-8, as the SDKs encode it."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise ValueError(f"{where} needs {name} as bytes or str; got {value!r}")
