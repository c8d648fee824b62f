"""Timestamps in answers are exactly the datetimes botocore's parser makes, in every time zone,
across daylight-saving changes, even when derived from a neighbour instead of parsed."""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any, Dict, Iterator, List

import pytest
from botocore.utils import parse_timestamp
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_esm import timestamps
from mock_esm.compiled_parser import identical

# Zones whose daylight saving is unusual: half-hour shifts (Lord Howe), transitions at 00:01
# local (St John's, until 2011), negative DST (Dublin), odd offsets (Kathmandu, Chatham), DST
# suspended for Ramadan (Casablanca), none at all (UTC, Kolkata).
ZONES = ["UTC", "America/New_York", "Europe/London", "Europe/Dublin", "Australia/Lord_Howe",
         "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham", "Africa/Casablanca",
         "Asia/Kolkata"]
YEAR_2024 = 1704067200


def _available(zone: str) -> bool:
    return zone == "UTC" or os.path.exists(os.path.join("/usr/share/zoneinfo", zone))


_TRANSITIONS: Dict[str, List[float]] = {}


@contextlib.contextmanager
def zone(name: str) -> Iterator[List[float]]:
    """Run in time zone ``name`` (TZ and ``time.tzset()``), with its 2024 transitions to the hour
    to draw values around; the process's zone and kept timestamps are restored after."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    if not _available(name):
        pytest.skip(f"no tz database entry for {name}")
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    timestamps.forget()
    try:
        if name not in _TRANSITIONS:
            hours = [YEAR_2024 + 3600.0 * h for h in range(24 * 366)]
            states = [(time.localtime(t).tm_isdst, time.localtime(t).tm_gmtoff) for t in hours]
            _TRANSITIONS[name] = [t for t, before, after in zip(hours[1:], states, states[1:])
                                  if before != after]
        yield _TRANSITIONS[name]
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()
        timestamps.forget()


def _exactly_as_botocore(value: float) -> None:
    ours, theirs = timestamps.parse(value), parse_timestamp(value)
    assert identical(ours, theirs), (value, ours, theirs)
    assert ours.fold == theirs.fold and ours.utcoffset() == theirs.utcoffset(), value


VALUES = settings(max_examples=60, deadline=None)


@pytest.mark.parametrize("name", ZONES)
@VALUES
@given(offset=st.floats(-5 * 3600, 5 * 3600), step=st.floats(-59.999, 59.999),
       pick=st.integers(0, 1000), anywhere=st.floats(946684800, 2145916800))
def test_neighbours_of_a_parsed_value_convert_exactly(name, offset, step, pick, anywhere):
    with zone(name) as transitions:
        first = transitions[pick % len(transitions)] + offset if transitions else anywhere
        first = round(first, 3)  # LastModified is kept to the millisecond
        _exactly_as_botocore(first)
        _exactly_as_botocore(round(first + step, 3))
        _exactly_as_botocore(first + step)  # to the microsecond, as StartingPositionTimestamp


def test_a_steady_neighbour_is_derived_without_parsing(monkeypatch):
    with zone("Europe/London"):
        _steady_neighbours_are_derived(monkeypatch)


def _steady_neighbours_are_derived(monkeypatch) -> None:
    parsed: List[float] = []
    original = timestamps._parsed

    def counting(value: Any, parser: Any, environment: Any) -> Any:
        parsed.append(value)
        return original(value, parser, environment)

    monkeypatch.setattr(timestamps, "_parsed", counting)
    january = 1736942400.0  # 2025-01-15 12:00 UTC: no change of daylight saving near
    for step in (0.0, 0.001, 12.5, 59.9):
        _exactly_as_botocore(january + step)
    assert parsed == [january]
    july_night = 1743296400.0 - 1800  # 30 min before the 2025 spring change: parsed again
    _exactly_as_botocore(july_night)
    _exactly_as_botocore(july_night + 1)
    assert parsed == [january, july_night, july_night + 1]


def test_a_patched_parser_is_always_called(monkeypatch):
    calls: List[Any] = []
    monkeypatch.setattr("botocore.parsers.DEFAULT_TIMESTAMP_PARSER",
                        lambda value: calls.append(value) or ("parsed", value))
    with zone("UTC"):
        assert timestamps.parse(1.5) == ("parsed", 1.5)
        assert timestamps.parse(2.5) == ("parsed", 2.5)
        assert timestamps.parse(1.5) == ("parsed", 1.5)  # kept, for this parser
    assert calls == [1.5, 2.5]
