"""``@mock_esm`` on generator functions (pytest yield fixtures) keeps the activation for the
generator's whole life; ``with mock_esm:`` without parentheses says how to write it."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Iterator, List

import boto3
import pytest

from mock_esm import mock_esm

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"


def _create() -> str:
    client = boto3.client("lambda", region_name="us-east-1")
    return client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f")["UUID"]


def test_a_generator_is_mocked_from_first_next_until_it_finishes():
    esm = mock_esm(transition_seconds=0)

    @esm
    def steps() -> Iterator[Any]:
        uuid = _create()
        received = yield uuid
        yield received, [m["UUID"] for m in esm.mappings()]

    generator = steps()
    uuid = next(generator)
    assert [m["UUID"] for m in esm.mappings()] == [uuid]  # still active between the yields
    assert generator.send("sent") == ("sent", [uuid])
    with pytest.raises(StopIteration):
        next(generator)
    with pytest.raises(RuntimeError, match="not active"):
        esm.mappings()


def test_closing_a_generator_early_ends_its_activation():
    esm = mock_esm()

    @esm
    def steps() -> Iterator[int]:
        yield 1
        yield 2

    generator = steps()
    next(generator)
    esm.mappings()
    generator.close()
    with pytest.raises(RuntimeError, match="not active"):
        esm.mappings()


def test_an_exception_thrown_into_a_generator_reaches_its_body_and_ends_the_activation():
    esm = mock_esm()
    seen: List[BaseException] = []

    @esm
    def steps() -> Iterator[int]:
        try:
            yield 1
        except KeyError as error:
            seen.append(error)
            raise

    generator = steps()
    next(generator)
    with pytest.raises(KeyError):
        generator.throw(KeyError("boom"))
    assert [type(error) for error in seen] == [KeyError]
    with pytest.raises(RuntimeError, match="not active"):
        esm.mappings()


def test_an_async_generator_is_mocked_for_its_whole_life():
    esm = mock_esm(transition_seconds=0)

    @esm
    async def steps() -> AsyncIterator[Any]:
        uuid = _create()
        received = yield uuid
        try:
            yield received
        except ValueError:
            yield "thrown"

    async def drive() -> None:
        generator = steps()
        uuid = await generator.__anext__()
        assert [m["UUID"] for m in esm.mappings()] == [uuid]
        assert await generator.asend("sent") == "sent"
        assert await generator.athrow(ValueError("x")) == "thrown"
        esm.mappings()
        await generator.aclose()
        with pytest.raises(RuntimeError, match="not active"):
            esm.mappings()

    asyncio.run(drive())


@pytest.fixture
@mock_esm(transition_seconds=0)
def mapping_uuid() -> Iterator[str]:
    uuid = _create()
    yield uuid
    # Teardown is still mocked: the mapping is there to delete.
    boto3.client("lambda", region_name="us-east-1").delete_event_source_mapping(UUID=uuid)


def test_a_decorated_yield_fixture_keeps_the_mock_through_the_test(mapping_uuid):
    client = boto3.client("lambda", region_name="us-east-1")
    assert client.get_event_source_mapping(UUID=mapping_uuid)["State"] == "Enabled"


def test_with_mock_esm_without_parentheses_says_to_add_them():
    with pytest.raises(TypeError) as caught, mock_esm:
        pass
    assert str(caught.value) == (
        "'with mock_esm:' needs parentheses: write 'with mock_esm() as esm:' (or pass "
        "options, 'with mock_esm(transition_seconds=0) as esm:').")


def test_async_with_mock_esm_without_parentheses_says_to_add_them():
    async def enter() -> None:
        async with mock_esm:
            pass

    with pytest.raises(TypeError) as caught:
        asyncio.run(enter())
    assert str(caught.value).startswith(
        "'async with mock_esm:' needs parentheses: write 'async with mock_esm() as esm:'")
