"""How a user tests deploy code with mock_esm: the decorator and the context manager."""

import boto3

from mock_esm import mock_esm

from .deploy import ensure_mapping

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"


@mock_esm
def test_ensure_mapping_creates_once_then_reuses():
    client = boto3.client("lambda", region_name="us-east-1")
    first = ensure_mapping(client, QUEUE, "order-worker", batch_size=5)
    again = ensure_mapping(client, QUEUE, "order-worker", batch_size=5)
    assert again["UUID"] == first["UUID"]
    assert len(client.list_event_source_mappings()["EventSourceMappings"]) == 1


def test_ensure_mapping_updates_the_batch_size_in_place():
    with mock_esm(transition_seconds=0) as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        created = ensure_mapping(client, QUEUE, "order-worker", batch_size=5)
        esm.settle()
        updated = ensure_mapping(client, QUEUE, "order-worker", batch_size=8)
        assert updated["UUID"] == created["UUID"]
        assert updated["State"] == "Updating"
        assert [m["BatchSize"] for m in esm.mappings()] == [8]
