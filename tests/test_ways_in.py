"""Every way in: decorator forms, async, classes, TestCase, context managers, nesting, threads."""

from __future__ import annotations

import asyncio
import inspect
import os
import threading
import unittest

import boto3
import pytest

from mock_esm import EsmMock, mock_esm
from mock_esm.mock import ACTIVATIONS
from mock_esm.service.runtime import RUNTIME

from .conftest import QUEUE_ARN


def _client(region="us-east-1"):
    return boto3.client("lambda", region_name=region)


def _create(client, function="f", source=QUEUE_ARN):
    return client.create_event_source_mapping(EventSourceArn=source, FunctionName=function)


def _count(client):
    return len(client.list_event_source_mappings()["EventSourceMappings"])


def _account_of(created):
    return created["EventSourceMappingArn"].split(":")[4]


@pytest.fixture(autouse=True)
def _nothing_active_before_or_after(monkeypatch):
    """Every test here starts and must end with no activation and no fake credentials."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    assert not RUNTIME.active and ACTIVATIONS.stack == []
    yield
    assert not RUNTIME.active and ACTIVATIONS.stack == []
    assert "AWS_ACCESS_KEY_ID" not in os.environ


# -- decorators ---------------------------------------------------------------------------------


def test_decorated_function_keeps_name_docstring_and_signature():
    def original(a: int, *, b: str = "x") -> str:
        """Original docstring."""
        return f"{a}{b}"

    for decorated in (mock_esm(original), mock_esm(account_id="111122223333")(original)):
        assert decorated.__name__ == "original"
        assert decorated.__doc__ == "Original docstring."
        assert inspect.signature(decorated) == inspect.signature(original)
        assert decorated.__wrapped__ is original
        assert decorated(1, b="y") == "1y"


def test_configured_decorator_applies_its_options_and_each_call_starts_empty(no_network):
    @mock_esm(account_id="111122223333", transition_seconds=0)
    def deploy():
        client = _client()
        before = _count(client)
        created = _create(client)
        state = client.get_event_source_mapping(UUID=created["UUID"])["State"]
        return before, _account_of(created), state

    assert deploy() == (0, "111122223333", "Enabled")
    assert deploy() == (0, "111122223333", "Enabled")


def test_decorated_function_that_raises_deactivates():
    @mock_esm
    def broken():
        _create(_client())
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        broken()


def test_async_activation_spans_the_awaited_body_only(no_network):
    observed = []

    @mock_esm(account_id="111122223333")
    async def deploy(function: str) -> str:
        """Deploy asynchronously."""
        observed.append(RUNTIME.active)
        await asyncio.sleep(0)  # the activation must survive a suspension
        return _account_of(_create(_client(), function))

    assert inspect.iscoroutinefunction(deploy)
    assert deploy.__doc__ == "Deploy asynchronously."
    assert list(inspect.signature(deploy).parameters) == ["function"]
    coroutine = deploy("f")
    assert not RUNTIME.active  # creating the coroutine activates nothing
    assert asyncio.run(coroutine) == "111122223333"
    assert observed == [True]


def test_async_with_activates_for_its_block(no_network):
    async def deploy():
        async with mock_esm(transition_seconds=0) as esm:
            assert isinstance(esm, EsmMock)
            _create(_client())
            return [m["State"] for m in esm.mappings()]

    assert asyncio.run(deploy()) == ["Enabled"]


def test_plain_class_wraps_every_test_method_and_nothing_else(no_network):
    @mock_esm(account_id="111122223333")
    class Suite:
        def helper(self):
            return RUNTIME.active

        def test_method(self):
            return _account_of(_create(_client())), _count(_client())

        @staticmethod
        def test_static():
            return _count(_client())

        @classmethod
        def test_class(cls):
            return cls.__name__, RUNTIME.active

        not_a_test = "test"

    suite = Suite()
    assert suite.helper() is False
    assert suite.test_method() == ("111122223333", 1)
    assert suite.test_method() == ("111122223333", 1)  # each call starts empty
    assert Suite.test_static() == 0
    assert Suite.test_class() == ("Suite", True)
    assert Suite.test_method.__name__ == "test_method"


def _run(case_class):
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case_class).run(result)
    return result


def test_testcase_activation_spans_setup_test_teardown_and_cleanups(no_network):
    seen = []

    @mock_esm(account_id="111122223333")
    class Mappings(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            seen.append(("setUpClass", _count(_client())))

        def setUp(self):
            self.client = _client()
            self.uuid = _create(self.client)["UUID"]
            self.addCleanup(lambda: seen.append(("cleanup", _count(self.client))))

        def tearDown(self):
            seen.append(("tearDown", _count(self.client)))

        def test_a(self):
            seen.append(("test_a", _count(self.client)))
            self.assertEqual(self.client.get_event_source_mapping(UUID=self.uuid)["UUID"],
                             self.uuid)

        def test_b(self):
            seen.append(("test_b", _count(self.client)))

        @classmethod
        def tearDownClass(cls):
            seen.append(("tearDownClass", _count(_client())))

    result = _run(Mappings)
    assert result.wasSuccessful(), result.errors + result.failures
    assert result.testsRun == 2
    # setUp's mapping is visible in the test, tearDown and cleanups; the next test starts
    # empty (setUp made exactly one again); the class hooks are mocked on empty backends.
    assert seen == [
        ("setUpClass", 0),
        ("test_a", 1), ("tearDown", 1), ("cleanup", 1),
        ("test_b", 1), ("tearDown", 1), ("cleanup", 1),
        ("tearDownClass", 0),
    ]


def test_isolated_asyncio_testcase_async_tests_are_mocked(no_network):
    @mock_esm(account_id="111122223333")
    class AsyncMappings(unittest.IsolatedAsyncioTestCase):
        def setUp(self):
            self.client = _client()
            _create(self.client)

        async def asyncSetUp(self):
            await asyncio.sleep(0)
            _create(self.client, "from-async-set-up")

        async def test_sees_both_set_ups(self):
            await asyncio.sleep(0)
            self.assertEqual(_count(self.client), 2)
            self.assertEqual(_account_of(_create(self.client, "g")), "111122223333")

    result = _run(AsyncMappings)
    assert result.wasSuccessful(), result.errors + result.failures
    assert result.testsRun == 1


def test_testcase_failing_setup_class_or_setup_leaves_nothing_active():
    @mock_esm
    class BrokenClass(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            _create(_client())
            raise RuntimeError("class setup failed")

        def test_never_runs(self):
            raise AssertionError("unreachable")

    @mock_esm
    class BrokenSetUp(unittest.TestCase):
        def setUp(self):
            _create(_client())
            raise RuntimeError("setup failed")

        def test_never_runs(self):
            raise AssertionError("unreachable")

    for case_class, message in ((BrokenClass, "class setup failed"),
                                (BrokenSetUp, "setup failed")):
        result = _run(case_class)
        [(_, traceback)] = result.errors
        assert f"RuntimeError: {message}" in traceback
        assert not RUNTIME.active and ACTIVATIONS.stack == []


def test_testcase_subclass_of_a_decorated_case_is_still_mocked(no_network):
    @mock_esm(account_id="111122223333")
    class Base(unittest.TestCase):
        def test_account(self):
            self.assertEqual(_account_of(_create(_client())), "111122223333")

    class Child(Base):
        def setUp(self):
            super().setUp()
            _create(_client(), source="arn:aws:sqs:us-east-1:123456789012:other")

    result = _run(Child)
    assert result.wasSuccessful(), result.errors + result.failures
    assert result.testsRun == 1


def test_decorating_something_that_is_not_callable_is_a_type_error():
    with pytest.raises(TypeError) as raised:
        mock_esm(42)
    assert str(raised.value) == ("mock_esm can decorate a function, a coroutine function or a "
                                 "class; got 42")


# -- start/stop and option validation ------------------------------------------------------------


def test_stop_without_start_says_what_to_do():
    esm = mock_esm()
    with pytest.raises(RuntimeError) as raised:
        esm.stop()
    assert str(raised.value) == (
        "EsmMock.stop() was called on a mock that is not active: call start() first (or use it "
        "as a decorator or context manager), and stop() once per start().")


def test_start_twice_needs_stop_twice(no_network):
    esm = mock_esm()
    assert esm.start() is esm
    esm.start()
    _create(_client())
    esm.stop()
    assert [m["FunctionArn"].rsplit(":", 1)[-1] for m in esm.mappings()] == ["f"]
    esm.stop()
    with pytest.raises(RuntimeError, match="not active"):
        esm.stop()


def test_unknown_option_is_a_type_error_naming_it_and_the_allowed_ones():
    with pytest.raises(TypeError) as raised:
        mock_esm(acount_id="111122223333")
    assert str(raised.value) == ("mock_esm() got an unexpected keyword argument 'acount_id'; "
                                 "it takes account_id, transition_seconds, intercept_requests")


@pytest.mark.parametrize("bad", ["12345", "1111222233334", "11112222333x", 111122223333,
                                 "١١١١٢٢٢٢٣٣٣٣"])
def test_bad_account_id_is_a_value_error_naming_the_value(bad):
    with pytest.raises(ValueError) as raised:
        mock_esm(account_id=bad)
    assert str(raised.value) == ("mock_esm(account_id=...) must be a string of exactly 12 "
                                 f"digits, such as '123456789012'; got {bad!r}")


def test_options_are_checked_before_decorating():
    with pytest.raises(ValueError, match="got -1"):
        @mock_esm(transition_seconds=-1)
        def never_decorated():
            raise AssertionError("unreachable")


# -- nesting -------------------------------------------------------------------------------------


def test_nested_forms_share_one_backend_cleared_when_the_outermost_stops(no_network):
    @mock_esm
    def inner_decorated():
        _create(_client(), "decorated")

    outer = mock_esm()
    outer.start()
    with mock_esm() as middle:
        inner_decorated()
        _create(_client(), "with-block")
        assert _count(_client()) == 2
        assert len(middle.mappings()) == 2
    assert _count(_client()) == 2  # inner stops do not clear the shared backend
    outer.stop()
    with mock_esm():
        assert _count(_client()) == 0


def test_inner_explicit_options_apply_while_active_then_outer_ones_return(no_network):
    def account_and_state(function):
        created = _create(_client(), function)
        state = _client().get_event_source_mapping(UUID=created["UUID"])["State"]
        return _account_of(created), state

    with mock_esm(account_id="111111111111", transition_seconds=0):
        assert account_and_state("a") == ("111111111111", "Enabled")
        with mock_esm(account_id="222222222222"):
            # only the account is explicit here: the outer transition_seconds still applies
            assert account_and_state("b") == ("222222222222", "Enabled")
            with mock_esm(transition_seconds=3600):
                assert account_and_state("c") == ("222222222222", "Creating")
            assert account_and_state("d") == ("222222222222", "Enabled")
        assert account_and_state("e") == ("111111111111", "Enabled")


def test_esm_mock_fixture_inside_a_decorated_test_is_a_nested_activation(esm_mock):
    @mock_esm(account_id="111122223333")
    def decorated():
        return _account_of(_create(_client()))

    assert decorated() == "111122223333"
    # the decorator's stop did not clear what the outer fixture activation still shares
    assert [_account_of(m) for m in esm_mock.mappings()] == ["111122223333"]


# -- threads -------------------------------------------------------------------------------------


def test_clients_used_in_other_threads_while_active_are_mocked(no_network):
    # made before activation, with its own keys so that botocore asks nothing of the network
    made_before = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="testing",
                               aws_secret_access_key="testing")
    errors = []

    def work(index):
        try:
            _create(made_before if index % 2 else _client(), f"f{index}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    with mock_esm() as esm:
        threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(esm.mappings()) == 4


def test_overlapping_activations_in_threads_leave_nothing_active(no_network):
    count = 6
    together = threading.Barrier(count)
    results = {}

    def work(index):
        esm = mock_esm()
        esm.start()
        try:
            together.wait()
            _create(_client(), f"f{index}")
            together.wait()
            results[index] = _count(_client())
            together.wait()
        finally:
            esm.stop()  # threads stop in whatever order they get here

    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {index: count for index in range(count)}  # one shared backend
    with mock_esm():
        assert _count(_client()) == 0  # cleared when the last one stopped
