"""Per-source defaults and limits as AWS documents them.

Source: the Lambda API reference for CreateEventSourceMapping, shipped in the installed botocore
model's documentation of ``BatchSize`` and ``MaximumBatchingWindowInSeconds`` (the developer
guide's "Batching behavior" section points there for the per-source values).
"""

from __future__ import annotations

from typing import Any, Dict

import pytest

from mock_esm import mock_esm

from .rules_support import MINIMAL, outcome

# (source, default BatchSize, maximum BatchSize): "Amazon Kinesis - Default 100. Max 10,000. ...
# Amazon Simple Queue Service - Default 10. For standard queues the max is 10,000. For FIFO
# queues the max is 10. ..." (one row per source in the model's BatchSize documentation).
BATCH_SIZES = [
    ("kinesis", 100, 10000), ("dynamodb", 100, 10000), ("sqs", 10, 10000), ("fifo", 10, 10),
    ("msk", 100, 10000), ("kafka", 100, 10000), ("mq", 100, 10000), ("documentdb", 100, 10000),
]
# The window must be at least 1 second for an SQS batch above 10 (the same documentation, and
# LS-SQS test_event_source_mapping_default_batch_size); a window is given wherever it is taken.
WINDOW_TAKEN = {"kinesis", "dynamodb", "sqs", "msk", "kafka", "mq", "documentdb"}


def request(source: str, **members: Any) -> Dict[str, Any]:
    return {"FunctionName": "worker", **MINIMAL[source], **members}


@pytest.mark.parametrize(("source", "default", "maximum"), BATCH_SIZES,
                         ids=[row[0] for row in BATCH_SIZES])
@mock_esm(transition_seconds=0)
def test_batch_size_default_and_maximum_per_source(client, source, default, maximum):
    created = client.create_event_source_mapping(**request(source))
    assert created["BatchSize"] == default
    client.delete_event_source_mapping(UUID=created["UUID"])
    window = {"MaximumBatchingWindowInSeconds": 1} if source in WINDOW_TAKEN else {}
    largest, error = outcome(client.create_event_source_mapping,
                             **request(source, BatchSize=maximum, **window))
    assert error is None and largest is not None and largest["BatchSize"] == maximum
    client.delete_event_source_mapping(UUID=largest["UUID"])
    _, error = outcome(client.create_event_source_mapping,
                       **request(source, BatchSize=maximum + 1, **window))
    assert error is not None  # the code and wording per source are in tests/test_rules_*.py


@pytest.mark.parametrize("source", ["kinesis", "dynamodb", "sqs"])
@mock_esm
def test_streams_and_queues_default_to_no_batching_window(client, source):
    # "For Kinesis, DynamoDB, and Amazon SQS event sources, the default batching window is 0
    # seconds" (and every LocalStack recording of these sources answers 0).
    assert client.create_event_source_mapping(**request(source))[
        "MaximumBatchingWindowInSeconds"] == 0


@pytest.mark.parametrize("source", ["msk", "kafka", "mq", "documentdb"])
@mock_esm
def test_brokers_answer_no_window_until_one_is_set(client, source):
    # "For Amazon MSK, Self-managed Apache Kafka, Amazon MQ, and DocumentDB event sources, the
    # default batching window is 500 ms", which the whole-second member cannot express: the
    # recorded self-managed Kafka answer (LS-API test_create_event_source_self_managed) has no
    # MaximumBatchingWindowInSeconds key.
    created = client.create_event_source_mapping(**request(source))
    assert "MaximumBatchingWindowInSeconds" not in created
    assert "MaximumBatchingWindowInSeconds" not in client.get_event_source_mapping(
        UUID=created["UUID"])
