"""What a ``PollReport`` shows of each invocation: the event as the handler received it.

The report keeps each batch compactly and builds ``event`` and ``records`` when a test first
reads them; these tests pin what a test sees, whatever the handler did to its own copy, for
every in-mock source family.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from .conftest import QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN
from .delivery_support import esm_fixture  # noqa: F401 (a fixture)

CLUSTER_ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/demo/751d2973-a626-431c-9d4e-d7975eb4"
BROKER_ARN = "arn:aws:mq:us-east-1:123456789012:broker:orders:b-9bcfa592-423a-4942-879d-eb284b41"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mq-login-AbCdEf"
STREAM = {"StartingPosition": "TRIM_HORIZON"}


def _records_inside(event: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The records of an event, wherever its source family puts them."""
    if "Records" in event:
        return list(event["Records"])
    if "messages" in event:
        return list(event["messages"])
    return [record for records in event["records"].values() for record in records]


# family -> (source, mapping settings, records to put)
SOURCES: Dict[str, Tuple[str, Dict[str, Any], List[Any]]] = {
    "sqs": (QUEUE_ARN, {}, [json.dumps({"n": n}) for n in range(3)]),
    "kinesis": (STREAM_ARN, STREAM, [{"Data": f"d{n}", "PartitionKey": "k"} for n in range(3)]),
    "dynamodb": (TABLE_STREAM_ARN, STREAM, [
        {"Keys": {"id": {"S": str(n)}},
         "NewImage": {"id": {"S": str(n)}, "tags": {"L": [{"S": "a"}, {"S": "b"}]}}}
        for n in range(3)]),
    "msk": (CLUSTER_ARN, dict(STREAM, Topics=["orders"]),
            [{"value": f"v{n}", "headers": {"h": "x"}} for n in range(3)]),
    "activemq": (BROKER_ARN, {"Queues": ["orders"], "SourceAccessConfigurations": [
        {"Type": "BASIC_AUTH", "URI": SECRET}]}, [{"data": f"m{n}"} for n in range(3)]),
}


@pytest.fixture(params=sorted(SOURCES), name="source")
def source_fixture(request: Any, esm: Any) -> Iterator[str]:
    """An enabled mapping of ``worker`` on the family's source, holding three records."""
    arn, settings, records = SOURCES[request.param]
    esm.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker", **settings)
    esm.put_records(arn, records)
    yield request.param


def _scribbler(seen: List[Dict[str, Any]]) -> Callable[[Dict[str, Any], Any], None]:
    """A handler that records its event as received, then changes every part of it."""
    def handler(event: Dict[str, Any], context: Any) -> None:
        seen.append(copy.deepcopy(event))
        for record in _records_inside(event):
            for value in record.values():
                if isinstance(value, dict):
                    value.clear()
            record.clear()
        event.clear()
        event["changed"] = True
    return handler


def test_the_report_shows_the_event_as_the_handler_received_it_whatever_it_changed(esm, source):
    seen: List[Dict[str, Any]] = []
    esm.register_function("worker", _scribbler(seen))

    [invocation] = esm.poll()

    assert invocation.event == seen[0]
    assert invocation.records == _records_inside(seen[0])
    assert invocation.batch_size == 3


def test_the_records_are_the_same_objects_as_those_in_the_event(esm, source):
    esm.register_function("worker", _scribbler([]))

    [invocation] = esm.poll()

    inside = _records_inside(invocation.event)
    assert len(inside) == len(invocation.records) == 3
    assert all(a is b for a, b in zip(invocation.records, inside))


def test_reading_a_report_twice_gives_the_same_objects(esm, source):
    esm.register_function("worker", lambda event, context: None)

    report = esm.poll()
    [invocation] = report

    assert invocation.event is invocation.event
    assert invocation.records is invocation.records
    assert report.records()[0] is invocation.records[0]
    invocation.event["note"] = "a test's own mark"
    assert invocation.event["note"] == "a test's own mark"


def test_an_invocation_compares_and_prints_by_its_contents(esm, source):
    esm.register_function("worker", lambda event, context: {"batchItemFailures": []})

    [invocation] = esm.poll()
    twin = copy.deepcopy(invocation)

    assert twin == invocation and twin.event is not invocation.event
    assert twin != copy.deepcopy(esm.poll())  # nothing more to deliver: an empty report
    text = repr(invocation)
    assert text.startswith(f"Invocation(mapping_uuid={invocation.mapping_uuid!r}, ")
    assert repr(invocation.event) in text and "\\x" not in text  # no pickle bytes


def test_a_value_pickle_refuses_is_still_delivered_and_reported(esm):
    esm.lam.create_event_source_mapping(EventSourceArn=BROKER_ARN, FunctionName="worker",
                                        Queues=["orders"], SourceAccessConfigurations=[
                                            {"Type": "BASIC_AUTH", "URI": SECRET}])

    def made_here() -> str:  # a local function: pickle cannot carry it
        return "made by the test"

    esm.put_records(BROKER_ARN, [{"data": "x", "properties": {"tag": made_here}},
                                 {"data": "y"}])
    received: List[List[str]] = []

    def handler(event: Dict[str, Any], context: Any) -> None:
        received.append([m["data"] for m in event["messages"]])
        event["messages"].clear()

    esm.register_function("worker", handler)
    [invocation] = esm.poll()

    assert invocation.succeeded and invocation.batch_size == 2
    assert [[m["data"] for m in invocation.event["messages"]]] == received
    assert all(a is b for a, b in zip(invocation.records, invocation.event["messages"]))
    assert invocation.records[0]["properties"]["tag"]() == "made by the test"
    assert invocation.event is invocation.event
