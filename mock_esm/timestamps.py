"""The datetimes botocore's parser makes of epoch timestamps, at a fraction of the cost.

botocore turns an epoch into a datetime in the local zone (dateutil's ``tzlocal``); that costs
~10 us, more than the rest of a mapping's conversion.  Two things make it cheap here, both exact:

- Results are kept per value.  Answers repeat LastModified values (every read of a version,
  writes within one millisecond).  A result depends on the parser in use, the datetime class
  (freezegun swaps it) and the process's time zone (``tzlocal`` reads it through the ``time``
  module, where it changes only on ``tzset()``), so results are kept per such environment.
  datetimes are immutable; the kept ones share one zone object per environment, so an entry
  costs ~100 bytes instead of ~580 (a ``tzlocal`` instance is bigger than its datetime).
- A new value less than a minute from the last one parsed is derived from it.  ``tzlocal``
  computes ``utc + std + dst(if daylight saving is in force)`` and a fold that is 0 unless the
  wall time is ambiguous; the branches it takes depend only on ``time.localtime(...).tm_isdst``
  at the value and within the zone's daylight-saving shift (at most two hours) of it.  When
  ``tm_isdst`` is the same three hours either side and at the last value, every branch is the
  same for both values, so the result is the last result moved by the exact difference of the
  two UTC datetimes (the same microsecond rounding ``fromtimestamp`` applies).  Anything else,
  including a patched parser or a zone other than ``tzlocal``, is parsed by botocore.
"""

from __future__ import annotations

import datetime
import time
from typing import Any, Dict, NamedTuple, Tuple

from botocore import parsers
from botocore.utils import parse_timestamp
from dateutil.tz import tzlocal

_KEPT: Dict[Tuple[Any, ...], Dict[Any, Any]] = {}
KEPT_LIMIT = 65536
_kept = [0]
_ZONES: Dict[Tuple[Any, ...], Any] = {}
_SHIFT_WINDOW = 3 * 3600.0  # wider than any daylight-saving shift (two hours at most)


class _Parsed(NamedTuple):
    """The last value botocore's parser converted, kept to derive its neighbours from."""

    value: float
    utc: datetime.datetime
    result: datetime.datetime
    daylight: int


_last: Dict[Tuple[Any, ...], _Parsed] = {}


def parse(value: Any) -> Any:
    """What ``parsers.DEFAULT_TIMESTAMP_PARSER(value)`` returns, kept or derived when exact."""
    parser = parsers.DEFAULT_TIMESTAMP_PARSER  # looked up each call: tests may patch it
    if not isinstance(value, (int, float, str)):
        return parser(value)
    environment = (parser, datetime.datetime, time.timezone, time.altzone, time.tzname)
    kept = _KEPT.get(environment)
    if kept is None:
        kept = _KEPT[environment] = {}
    parsed = kept.get(value)
    if parsed is None:
        parsed = _derived(value, environment) or _parsed(value, parser, environment)
        if _kept[0] >= KEPT_LIMIT:
            _KEPT.clear()
            _kept[0] = 0
            kept = _KEPT[environment] = {}
        kept[value] = parsed
        _kept[0] += 1
    return parsed


def _parsed(value: Any, parser: Any, environment: Tuple[Any, ...]) -> Any:
    parsed = parser(value)
    if isinstance(parsed, datetime.datetime) and parsed.tzinfo is not None:
        zone = _ZONES.setdefault(environment, parsed.tzinfo)
        if zone is not parsed.tzinfo and zone == parsed.tzinfo:
            parsed = parsed.replace(tzinfo=zone)
        if (parser is parse_timestamp and type(value) in (int, float)
                and type(parsed.tzinfo) is tzlocal and not parsed.fold):
            daylight = _daylight_around(value)
            if daylight is not None:
                utc = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
                _last[environment] = _Parsed(value, utc, parsed, daylight)
    return parsed


def _derived(value: Any, environment: Tuple[Any, ...]) -> Any:
    last = _last.get(environment)
    if last is None or type(value) not in (int, float) or not -60.0 < value - last.value < 60.0:
        return None
    if _daylight_around(value) != last.daylight:
        return None
    return last.result + (datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
                          - last.utc)


def _daylight_around(value: float) -> Any:
    """``tm_isdst`` at ``value`` if it is the same three hours either side; else None."""
    try:
        daylight = time.localtime(value).tm_isdst
        if (time.localtime(value - _SHIFT_WINDOW).tm_isdst != daylight
                or time.localtime(value + _SHIFT_WINDOW).tm_isdst != daylight):
            return None
    except (OverflowError, OSError, ValueError):
        return None
    return daylight


def forget() -> None:
    """Drop every kept result (tests that patch the parser or the clock's classes)."""
    _KEPT.clear()
    _ZONES.clear()
    _last.clear()
    _kept[0] = 0
