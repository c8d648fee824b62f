"""Isolation: accounts, regions, tests and activations never leak into one another."""

from __future__ import annotations

import asyncio
import io
import os
import random
import unittest
from typing import Any, Dict, List

import boto3
import pytest
from botocore.exceptions import ClientError

from mock_esm import mock_esm
from mock_esm.mock import ACTIVATIONS
from mock_esm.service.backend import ACTIVATED_REGISTRY
from mock_esm.service.faults import FAULTS
from mock_esm.service.runtime import DEFAULT_TRANSITION_SECONDS, RUNTIME

from .threads import run_together

OTHER_ACCOUNT = "111122223333"


def _queue(region: str = "us-east-1", account: str = "123456789012") -> str:
    return f"arn:aws:sqs:{region}:{account}:jobs"


def _client(region: str = "us-east-1") -> Any:
    return boto3.client("lambda", region_name=region)


def _assert_idle(environ_before: Dict[str, str]) -> None:
    """Everything an activation touched is back as it was."""
    assert RUNTIME.active is False
    assert RUNTIME.account_id is None
    assert RUNTIME.transition_seconds == DEFAULT_TRANSITION_SECONDS
    assert ACTIVATIONS.stack == []
    assert list(ACTIVATED_REGISTRY.backends()) == []
    assert FAULTS.pending == 0
    assert _environ() == environ_before


def _environ() -> Dict[str, str]:
    """The environment, less the variable pytest itself rewrites in each test phase."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    """No AWS credentials in the environment, so activations set (and must remove) fakes."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    return _environ()


def _not_found(call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_regions_never_see_each_others_mappings():
    with mock_esm(transition_seconds=0) as esm:
        east, west = _client("us-east-1"), _client("eu-west-1")
        uuid = east.create_event_source_mapping(EventSourceArn=_queue(),
                                                FunctionName="f")["UUID"]
        assert west.list_event_source_mappings()["EventSourceMappings"] == []
        for call in (west.get_event_source_mapping, west.delete_event_source_mapping):
            _not_found(call, UUID=uuid)
        _not_found(west.update_event_source_mapping, UUID=uuid, BatchSize=1)
        # The same source and function name in another region is another mapping, no conflict.
        west.create_event_source_mapping(EventSourceArn=_queue("eu-west-1"), FunctionName="f")
        assert [m["UUID"] for m in esm.mappings(region="us-east-1")] == [uuid]
        assert len(esm.mappings(region="eu-west-1")) == 1
        assert east.get_event_source_mapping(UUID=uuid)["BatchSize"] == 10


def test_accounts_never_see_each_others_mappings():
    with mock_esm(transition_seconds=0) as esm:
        default = _client()
        uuid = default.create_event_source_mapping(EventSourceArn=_queue(),
                                                   FunctionName="f")["UUID"]
        with mock_esm(account_id=OTHER_ACCOUNT):
            other = _client()
            assert other.list_event_source_mappings()["EventSourceMappings"] == []
            _not_found(other.get_event_source_mapping, UUID=uuid)
            _not_found(other.delete_event_source_mapping, UUID=uuid)
            mine = other.create_event_source_mapping(
                EventSourceArn=_queue(account=OTHER_ACCOUNT), FunctionName="f")
            assert mine["FunctionArn"].split(":")[4] == OTHER_ACCOUNT
        assert [m["UUID"] for m in default.list_event_source_mappings()[
            "EventSourceMappings"]] == [uuid]
        assert [m["UUID"] for m in esm.mappings(account_id=OTHER_ACCOUNT)] == [mine["UUID"]]
        assert [m["UUID"] for m in esm.mappings(account_id="123456789012")] == [uuid]


def test_each_decorated_test_starts_with_a_fresh_backend(no_credentials):
    seen: List[int] = []

    @mock_esm
    def a_test() -> None:
        client = _client()
        seen.append(len(client.list_event_source_mappings()["EventSourceMappings"]))
        client.create_event_source_mapping(EventSourceArn=_queue(), FunctionName="f")

    a_test()
    a_test()  # a duplicate of the first run's mapping would conflict if it survived
    assert seen == [0, 0]
    _assert_idle(no_credentials)


def test_each_test_method_of_a_decorated_testcase_starts_fresh(no_credentials):
    counts: List[int] = []

    @mock_esm
    class Cases(unittest.TestCase):
        def _body(self) -> None:
            client = _client()
            counts.append(len(client.list_event_source_mappings()["EventSourceMappings"]))
            client.create_event_source_mapping(EventSourceArn=_queue(), FunctionName="f")

        def test_one(self) -> None:
            self._body()

        def test_two(self) -> None:
            self._body()

    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Cases))
    assert result.wasSuccessful(), result.errors + result.failures
    assert counts == [0, 0]
    _assert_idle(no_credentials)


class _Boom(Exception):
    pass


def test_state_and_environment_are_restored_when_a_decorated_body_raises(no_credentials):
    @mock_esm(account_id=OTHER_ACCOUNT, transition_seconds=5)
    def failing() -> None:
        esm_client = _client()
        esm_client.create_event_source_mapping(EventSourceArn=_queue(), FunctionName="f")
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        raise _Boom

    with pytest.raises(_Boom):
        failing()
    _assert_idle(no_credentials)


def test_state_and_environment_are_restored_when_a_with_body_raises(no_credentials):
    with pytest.raises(_Boom), mock_esm() as esm:
        _client().create_event_source_mapping(EventSourceArn=_queue(), FunctionName="f")
        esm.inject_error("GetEventSourceMapping", "ServiceException", times=3)
        with mock_esm(transition_seconds=0):
            raise _Boom
    _assert_idle(no_credentials)


def test_state_and_environment_are_restored_when_an_async_body_raises(no_credentials):
    @mock_esm
    async def failing() -> None:
        _client().create_event_source_mapping(EventSourceArn=_queue(), FunctionName="f")
        raise _Boom

    async def with_async_context() -> None:
        async with mock_esm():
            raise _Boom

    for coroutine in (failing, with_async_context):
        with pytest.raises(_Boom):
            asyncio.run(coroutine())
        _assert_idle(no_credentials)


def test_overlapping_activations_in_one_thread_keep_the_mock_until_the_last_stops(
        no_credentials):
    first, second = mock_esm(transition_seconds=0), mock_esm(account_id=OTHER_ACCOUNT)
    first.start()
    second.start()
    try:
        client = _client()
        created = client.create_event_source_mapping(EventSourceArn=_queue(), FunctionName="f")
        first.stop()  # not the innermost: the mock stays on, with the second's options only
        assert RUNTIME.active is True
        assert RUNTIME.account_id == OTHER_ACCOUNT
        assert RUNTIME.transition_seconds == DEFAULT_TRANSITION_SECONDS
        assert client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"
    finally:
        second.stop()
    _assert_idle(no_credentials)


def test_nested_and_overlapping_activations_from_many_threads_leave_nothing_active(
        no_credentials):
    threads_count, rounds = 8, 25  # bounded: ~400 start/stop pairs interleaved across threads

    def churn(index: int) -> None:
        rng = random.Random(index)
        client = _client()
        for _ in range(rounds):
            mocks = [mock_esm(transition_seconds=rng.choice([0, 1])) for _ in range(2)]
            for mock in mocks:
                mock.start()
            # While this thread holds activations, the mock answers it.
            client.list_event_source_mappings()
            rng.shuffle(mocks)  # stop in either order: nested or overlapping
            for mock in mocks:
                mock.stop()
            with mock_esm(account_id=OTHER_ACCOUNT):
                client.list_event_source_mappings()

    run_together(threads_count, churn)
    _assert_idle(no_credentials)
