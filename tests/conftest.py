"""Shared helpers for the test suite: clients made the way users make them."""

from __future__ import annotations

import socket
from typing import Any, Iterator

import boto3
import pytest

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs"
FIFO_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"
STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
TABLE_STREAM_ARN = ("arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"
                    "2024-01-01T00:00:00.000")


@pytest.fixture
def lambda_client() -> Any:
    return boto3.client("lambda", region_name="us-east-1")


@pytest.fixture(scope="module")
def client() -> Any:
    """One client per module for long rule tables: making a boto3 client costs more than a
    mocked call, and the mock serves clients made before activation as well as after."""
    return boto3.client("lambda", region_name="us-east-1")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """Fail the test if anything opens a socket or resolves a name."""
    attempts: list = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert attempts == []
