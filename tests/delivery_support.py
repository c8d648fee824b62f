"""Helpers shared by the delivery tests: handlers written the way users write them."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, List, Tuple

import boto3
import pytest

from mock_esm import mock_esm

from .conftest import freeze_time


def recorder(answer: Any = None) -> Tuple[Callable[[Dict[str, Any], Any], Any],
                                          List[Dict[str, Any]]]:
    """(handler, events): the handler records each event and raises ``answer`` when it is an
    exception, returns ``answer(event)`` when it is callable, else returns ``answer``."""
    events: List[Dict[str, Any]] = []

    def handler(event: Dict[str, Any], context: Any) -> Any:
        events.append(event)
        if isinstance(answer, Exception):
            raise answer
        return answer(event) if callable(answer) else answer

    return handler, events


START = "2026-01-02 03:04:05"


@pytest.fixture(name="esm")
def esm_fixture() -> Iterator[Any]:
    """An activation with instant transitions on a frozen clock (``esm.frozen``) and a Lambda
    client (``esm.lam``); import ``esm_fixture`` into a test module to use ``esm``."""
    with freeze_time(START) as frozen, mock_esm(transition_seconds=0) as controller:
        controller.frozen = frozen
        controller.lam = boto3.client("lambda", region_name="us-east-1")
        yield controller


@contextlib.contextmanager
def moto_world(**clients: str) -> Iterator[Any]:
    """moto's ``mock_aws`` and an activation with instant transitions on the frozen START clock.

    The controller carries ``frozen``, ``lam`` and one boto3 client per keyword (``sqs="sqs"``
    gives ``esm.sqs``).  With moto active a mapping's function must exist, so a placeholder
    ``worker`` handler is registered; each test registers its own, replacing it.
    """
    import moto

    with freeze_time(START) as frozen, moto.mock_aws(), \
            mock_esm(transition_seconds=0) as controller:
        controller.frozen = frozen
        for attribute, service in clients.items():
            setattr(controller, attribute, boto3.client(service, region_name="us-east-1"))
        controller.lam = boto3.client("lambda", region_name="us-east-1")
        controller.register_function("worker", lambda event, context: None)
        yield controller
