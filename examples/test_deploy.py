"""How a user tests deploy code with mock_esm: decorator, context manager, start/stop, fixture."""

import boto3
import pytest

from mock_esm import mock_esm

from .deploy import disable_mapping, ensure_mapping, find_mapping

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"


@mock_esm
def test_ensure_mapping_creates_once_then_reuses():
    client = boto3.client("lambda", region_name="us-east-1")
    first = ensure_mapping(client, QUEUE, "order-worker", batch_size=5)
    again = ensure_mapping(client, QUEUE, "order-worker", batch_size=5)
    assert again["UUID"] == first["UUID"]
    assert len(client.list_event_source_mappings()["EventSourceMappings"]) == 1


@mock_esm(account_id="111122223333", transition_seconds=0)
def test_mapping_lands_in_the_configured_account():
    client = boto3.client("lambda", region_name="us-east-1")
    created = ensure_mapping(client, "arn:aws:sqs:us-east-1:111122223333:orders", "worker")
    assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:111122223333:function:worker"


def test_ensure_mapping_updates_the_batch_size_in_place():
    with mock_esm(transition_seconds=0) as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        created = ensure_mapping(client, QUEUE, "order-worker", batch_size=5)
        esm.settle()
        updated = ensure_mapping(client, QUEUE, "order-worker", batch_size=8)
        assert updated["UUID"] == created["UUID"]
        assert updated["State"] == "Updating"
        assert [m["BatchSize"] for m in esm.mappings()] == [8]


@pytest.fixture
def deployed():
    """A suite-level setup with start()/stop(): one mapping already in place."""
    esm = mock_esm(transition_seconds=0)
    esm.start()
    client = boto3.client("lambda", region_name="us-east-1")
    ensure_mapping(client, QUEUE, "order-worker")
    yield client
    esm.stop()


def test_disable_keeps_the_mapping_but_stops_consumption(deployed):
    disabled = disable_mapping(deployed, QUEUE, "order-worker")
    assert disabled is not None and disabled["State"] == "Disabling"
    assert find_mapping(deployed, QUEUE, "order-worker")["State"] == "Disabled"


def test_disable_without_a_mapping_is_a_no_op(esm_mock):
    client = boto3.client("lambda", region_name="us-east-1")
    assert disable_mapping(client, QUEUE, "order-worker") is None
    assert esm_mock.mappings() == []


@pytest.mark.mock_esm(transition_seconds=0)
def test_reenabling_after_disable(esm_mock):
    client = boto3.client("lambda", region_name="us-east-1")
    ensure_mapping(client, QUEUE, "order-worker")
    disable_mapping(client, QUEUE, "order-worker")
    esm_mock.settle()
    enabled = ensure_mapping(client, QUEUE, "order-worker")
    assert enabled["State"] == "Enabling"
    [mapping] = esm_mock.mappings()
    assert mapping["State"] == "Enabled"
