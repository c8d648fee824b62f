"""Async deploy code: a decorated coroutine and ``async with``, driven by plain asyncio."""

import asyncio

import boto3

from mock_esm import mock_esm

from .deploy import ensure_mappings

QUEUES = [f"arn:aws:sqs:us-east-1:123456789012:orders-{n}" for n in range(3)]


@mock_esm(transition_seconds=0)
async def deploy_and_list():
    client = boto3.client("lambda", region_name="us-east-1")
    await ensure_mappings(client, QUEUES, "order-worker", batch_size=5)
    return client.list_event_source_mappings(FunctionName="order-worker")


def test_decorated_coroutine_sees_mappings_made_in_worker_threads():
    listed = asyncio.run(deploy_and_list())
    assert sorted(m["EventSourceArn"] for m in listed["EventSourceMappings"]) == QUEUES


def test_async_with_around_concurrent_deploys():
    async def scenario():
        async with mock_esm() as esm:
            client = boto3.client("lambda", region_name="us-east-1")
            first = await ensure_mappings(client, QUEUES, "order-worker")
            again = await ensure_mappings(client, QUEUES, "order-worker")
            assert [m["UUID"] for m in again] == [m["UUID"] for m in first]
            return len(esm.mappings())

    assert asyncio.run(scenario()) == len(QUEUES)
