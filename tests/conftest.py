"""Shared helpers for the test suite: clients made the way users make them."""

from __future__ import annotations

import socket
from typing import Any, Iterator

import boto3
import pytest
from hypothesis import settings

# No example database for any hypothesis test: the suite writes no file (it runs from read-only
# checkouts and in parallel processes), and every run explores afresh within each test's bounds.
settings.register_profile("mock_esm", database=None)
# On demand (`--hypothesis-profile=mock_esm-long`): the hardening fuzz harness hunts at length.
settings.register_profile("mock_esm-long", database=None, max_examples=5000)
settings.load_profile("mock_esm")

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs"
FIFO_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"
STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
TABLE_STREAM_ARN = ("arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"
                    "2024-01-01T00:00:00.000")


def freeze_time(*args: Any, **kwargs: Any) -> Any:
    """freezegun's ``freeze_time``, or a skip of the calling test where freezegun is not
    installed (tox env ``noextras``): only the tests that drive the clock need it."""
    return pytest.importorskip("freezegun").freeze_time(*args, **kwargs)


def travel(*args: Any, **kwargs: Any) -> Any:
    """time-machine's ``travel``, or a skip of the calling test where time-machine is not
    installed (tox env ``noextras``)."""
    return pytest.importorskip("time_machine").travel(*args, **kwargs)


@pytest.fixture
def lambda_client() -> Any:
    return boto3.client("lambda", region_name="us-east-1")


@pytest.fixture(scope="module")
def client() -> Any:
    """One client per module for long rule tables: making a boto3 client costs more than a
    mocked call, and the mock serves clients made before activation as well as after."""
    return boto3.client("lambda", region_name="us-east-1")


_RESOLVERS = ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
              "gethostbyaddr", "getnameinfo")
_SOCKET_METHODS = ("connect", "connect_ex", "sendto", "sendmsg")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """Fail the test if anything opens an internet socket, connects, or resolves a name.

    Each attempt is refused on the spot (AssertionError) and recorded, and the list must be
    empty at teardown, so code that swallows the error still fails the test.  A test that
    provokes an attempt on purpose inspects and clears the yielded list.
    """
    attempts: list = []

    def refuse(what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append((what, args))
            raise AssertionError(f"network access attempted: {what}{args!r}")
        return refused

    real_init = socket.socket.__init__

    def guarded_init(self: socket.socket, family: Any = -1, type: Any = -1, proto: Any = -1,
                     fileno: Any = None) -> None:
        if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
            refuse("socket.socket")(family, type)
        real_init(self, family, type, proto, fileno)

    for name in _RESOLVERS:
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    for name in _SOCKET_METHODS:
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.socket.{name}"))
    monkeypatch.setattr(socket.socket, "__init__", guarded_init)
    yield attempts
    assert attempts == []
