"""One way to drive the clock for tests, over freezegun and time-machine, in either start order.

The state-machine tests run the same scenario under each library and with the clock started
before or after the mock, because users do all four and the mock must follow each of them.
"""

from __future__ import annotations

import contextlib
import datetime
from typing import Any, Callable, Iterator, List, NamedTuple

import boto3
import pytest

from mock_esm import EsmMock, mock_esm

from .conftest import freeze_time, travel

START = datetime.datetime(2024, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
START_EPOCH = START.timestamp()


class Clocked(NamedTuple):
    """The active mock and a function that moves the controlled clock forward."""

    esm: EsmMock
    advance: Callable[[float], None]
    library: str


@contextlib.contextmanager
def controlled_clock(library: str) -> Iterator[Callable[[float], None]]:
    """Freeze the clock at START with ``library``; yield ``advance(seconds)``."""
    if library == "freezegun":
        with freeze_time(START) as frozen:
            yield lambda seconds: frozen.tick(seconds)
    else:
        with travel(START, tick=False) as traveller:
            yield traveller.shift


@contextlib.contextmanager
def clocked_mock(library: str, order: str, **options: Any) -> Iterator[Clocked]:
    """The mock and a frozen clock, started in the given order, stopped in reverse."""
    with contextlib.ExitStack() as stack:
        if order == "clock-first":
            advance = stack.enter_context(controlled_clock(library))
            esm = stack.enter_context(mock_esm(**options))
        else:
            esm = stack.enter_context(mock_esm(**options))
            advance = stack.enter_context(controlled_clock(library))
        yield Clocked(esm, advance, library)


CLOCK_PARAMS = [
    pytest.param((library, order), id=f"{library}-{order}")
    for library in ("freezegun", "time-machine")
    for order in ("clock-first", "mock-first")
]


@pytest.fixture(params=CLOCK_PARAMS)
def clocked(request: pytest.FixtureRequest) -> Iterator[Clocked]:
    """The default mock on a frozen clock, for every library and start order."""
    library, order = request.param
    with clocked_mock(library, order) as active:
        yield active


_REUSED: List[Any] = []


def reused_client() -> Any:
    """One client for every hypothesis example: making one costs milliseconds, and clients
    made before an activation are mocked as well as those made after."""
    if not _REUSED:
        _REUSED.append(boto3.client("lambda", region_name="us-east-1"))
    return _REUSED[0]
