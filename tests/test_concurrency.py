"""Many threads through boto3 at once: nothing lost, duplicated, torn or unmodelled."""

from __future__ import annotations

import random
import sys
import threading
from collections import Counter
from typing import Any, Callable, Dict, List, Set

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from mock_esm import mock_esm

from .threads import run_together

# Bounds: 16 threads x 300 operations is the load the issue names (~5,500 boto3 calls with the
# list pages, ~1 ms each); the shared-client variant runs a fifth of it to keep the suite fast.
THREADS = 16
OPERATIONS_PER_THREAD = 300
SHARED_CLIENT_OPERATIONS = 60
SHARED_MAPPINGS = 8
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:{}"

_MODEL = botocore.session.get_session().get_service_model("lambda")
MODELLED = {name: {shape.name for shape in _MODEL.operation_model(name).error_shapes}
            for name in _MODEL.operation_names if "EventSourceMapping" in name}


def _client() -> Any:
    return boto3.client("lambda", region_name="us-east-1")


def _list_all(client: Any, page_size: int = 100, **filters: Any) -> List[Dict[str, Any]]:
    """Every page of a listing, checking each page on the way."""
    seen: List[Dict[str, Any]] = []
    marker = None
    while True:
        kwargs = dict(filters, MaxItems=page_size)
        if marker:
            kwargs["Marker"] = marker
        page = client.list_event_source_mappings(**kwargs)
        mappings = page["EventSourceMappings"]
        assert len(mappings) <= page_size
        for mapping in mappings:
            assert mapping["UUID"] == mapping["EventSourceMappingArn"].rsplit(":", 1)[-1]
            if "FunctionName" in filters:
                assert mapping["FunctionArn"] == FUNCTION_ARN.format(filters["FunctionName"])
        seen.extend(mappings)
        marker = page.get("NextMarker")
        if not marker:
            return seen


def _mixed_workload(esm: Any, client_for: Callable[[int], Any], operations: int) -> None:
    setup = _client()
    shared = [setup.create_event_source_mapping(
        EventSourceArn=QUEUE.format(f"shared-{i}"), FunctionName="shared")["UUID"]
        for i in range(SHARED_MAPPINGS)]
    alive: Dict[int, Set[str]] = {}
    created: Dict[int, List[str]] = {}
    errors: Counter = Counter()
    errors_lock = threading.Lock()

    def work(index: int) -> None:
        client = client_for(index)  # one client per thread, or one shared by all
        rng = random.Random(index)  # reproducible per thread
        mine: Set[str] = set()
        made: List[str] = []
        function = f"worker-{index}"
        for step in range(operations):
            roll = rng.random()
            operation = ""
            try:
                if roll < 0.2 or not mine:
                    operation = "CreateEventSourceMapping"
                    uuid = client.create_event_source_mapping(
                        EventSourceArn=QUEUE.format(f"q-{index}-{step}"),
                        FunctionName=function, BatchSize=rng.randint(1, 10))["UUID"]
                    mine.add(uuid)
                    made.append(uuid)
                elif roll < 0.35:
                    operation = "DeleteEventSourceMapping"
                    uuid = rng.choice(sorted(mine))
                    assert client.delete_event_source_mapping(UUID=uuid)["UUID"] == uuid
                    mine.discard(uuid)
                elif roll < 0.52:
                    operation = "UpdateEventSourceMapping"
                    uuid = rng.choice(sorted(mine))
                    size = rng.randint(1, 10)
                    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=size)
                    assert (updated["UUID"], updated["BatchSize"]) == (uuid, size)
                elif roll < 0.7:
                    operation = "UpdateEventSourceMapping"
                    size = rng.randint(1, 10)
                    answer = client.update_event_source_mapping(UUID=rng.choice(shared),
                                                                BatchSize=size)
                    assert answer["BatchSize"] == size, "answered with another call's update"
                elif roll < 0.85:
                    operation = "GetEventSourceMapping"
                    uuid = rng.choice(shared + sorted(mine))
                    assert client.get_event_source_mapping(UUID=uuid)["UUID"] == uuid
                elif roll < 0.99:
                    operation = "ListEventSourceMappings"
                    listed = [m["UUID"] for m in _list_all(client, 10, FunctionName=function)]
                    # Only this thread touches its function's mappings: the listing is exact.
                    assert sorted(listed) == sorted(mine)
                else:
                    operation = "ListEventSourceMappings"
                    listed = [m["UUID"] for m in _list_all(client)]
                    assert len(listed) == len(set(listed)), "a mapping was listed twice"
                    assert set(shared) <= set(listed)
                    assert mine <= set(listed)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                assert code in MODELLED[operation], (operation, code)
                assert error.response["Error"]["Message"]
                with errors_lock:
                    errors[(operation, code)] += 1
        alive[index] = mine
        created[index] = made

    run_together(THREADS, work)

    every_created = [uuid for made in created.values() for uuid in made] + shared
    assert len(every_created) == len(set(every_created)), "a UUID was handed out twice"
    expected = set(shared).union(*alive.values())
    remaining = [m["UUID"] for m in esm.mappings()]
    assert len(remaining) == len(set(remaining))
    assert set(remaining) == expected
    assert sorted(m["UUID"] for m in _list_all(setup)) == sorted(expected)
    # With transition_seconds=0 every transition has ended by the next call, whichever thread
    # makes it: no call may fail, not even an update racing another on a shared mapping.
    assert errors == Counter()


def test_sixteen_threads_with_their_own_clients_lose_and_duplicate_nothing():
    with mock_esm(transition_seconds=0) as esm:
        clients = [_client() for _ in range(THREADS)]
        _mixed_workload(esm, lambda index: clients[index], OPERATIONS_PER_THREAD)


def test_sixteen_threads_sharing_one_client_lose_and_duplicate_nothing():
    with mock_esm(transition_seconds=0) as esm:
        shared = _client()
        _mixed_workload(esm, lambda index: shared, SHARED_CLIENT_OPERATIONS)


# The backend's lock is the only one a request takes: the duplicate check and the insert must
# happen under it together, whichever spelling of the function each caller uses.
@pytest.mark.parametrize("forms", [
    ["f"], ["f", "123456789012:function:f", FUNCTION_ARN.format("f")]],
    ids=["one-spelling", "every-spelling"])
def test_concurrent_duplicate_creates_exactly_one_wins(forms):
    with mock_esm(transition_seconds=0) as esm:
        clients = [_client() for _ in range(THREADS)]
        for round_number in range(5):
            outcomes: List[str] = []
            source = QUEUE.format(f"contended-{round_number}")

            def create(index: int, source: str = source, outcomes: List[str] = outcomes) -> None:
                try:
                    clients[index].create_event_source_mapping(
                        EventSourceArn=source, FunctionName=forms[index % len(forms)])
                    outcomes.append("created")
                except ClientError as error:
                    outcomes.append(error.response["Error"]["Code"])

            run_together(THREADS, create)
            assert sorted(outcomes) == ["ResourceConflictException"] * (THREADS - 1) + [
                "created"]
            assert [m["FunctionArn"] for m in esm.mappings()] == [
                FUNCTION_ARN.format("f")] * (round_number + 1)


def test_concurrent_updates_of_one_mapping_exactly_one_is_accepted():
    # A long transition keeps the winner's Updating state in force for the whole race.
    with mock_esm(transition_seconds=600) as esm:
        clients = [_client() for _ in range(THREADS)]
        # A batching window lets BatchSize go past SQS's 10 (index + 1 reaches 16).
        uuid = clients[0].create_event_source_mapping(EventSourceArn=QUEUE.format("hot"),
                                                      FunctionName="f",
                                                      MaximumBatchingWindowInSeconds=1)["UUID"]
        for round_number in range(3):
            esm.settle()
            accepted: List[int] = []
            refused: List[str] = []

            def update(index: int, accepted: List[int] = accepted,
                       refused: List[str] = refused) -> None:
                try:
                    clients[index].update_event_source_mapping(UUID=uuid, BatchSize=index + 1)
                    accepted.append(index + 1)
                except ClientError as error:
                    refused.append(error.response["Error"]["Code"])

            run_together(THREADS, update)
            assert len(accepted) == 1, (round_number, accepted)
            assert refused == ["ResourceInUseException"] * (THREADS - 1)
            esm.settle()
            [mapping] = esm.mappings()
            assert mapping["BatchSize"] == accepted[0]
            assert mapping["State"] == "Enabled"


def test_concurrent_deletes_of_one_mapping_exactly_one_is_accepted():
    with mock_esm(transition_seconds=600) as esm:
        clients = [_client() for _ in range(THREADS)]
        uuid = clients[0].create_event_source_mapping(EventSourceArn=QUEUE.format("gone"),
                                                      FunctionName="f")["UUID"]
        esm.settle()
        outcomes: List[str] = []

        def delete(index: int) -> None:
            try:
                outcomes.append(clients[index].delete_event_source_mapping(UUID=uuid)["State"])
            except ClientError as error:
                outcomes.append(error.response["Error"]["Code"])

        run_together(THREADS, delete)
        assert sorted(outcomes) == ["Deleting"] + ["ResourceInUseException"] * (THREADS - 1)
        esm.settle()
        assert esm.mappings() == []


def test_each_update_answers_with_its_own_settings_under_contention():
    # Regression: the answer used to be rendered after the backend lock was released, so an
    # update could answer with another thread's BatchSize, and an update whose clock read
    # preceded a rival's could be refused with ResourceInUseException although
    # transition_seconds=0.  A tiny switch interval makes threads interleave at every bytecode.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with mock_esm(transition_seconds=0):
            clients = [_client() for _ in range(8)]
            uuid = clients[0].create_event_source_mapping(
                EventSourceArn=QUEUE.format("own"), FunctionName="f",
                MaximumBatchingWindowInSeconds=1)["UUID"]  # lets BatchSize go past 10
            wrong: List[Any] = []

            def update(index: int) -> None:
                for n in range(100):
                    size = index * 1000 + n + 1
                    try:
                        answer = clients[index].update_event_source_mapping(UUID=uuid,
                                                                            BatchSize=size)
                        if answer["BatchSize"] != size:
                            wrong.append((size, answer["BatchSize"]))
                    except ClientError as error:
                        wrong.append((size, error.response["Error"]["Code"]))

            run_together(8, update)
            assert wrong == []
    finally:
        sys.setswitchinterval(interval)


def test_threads_answered_together_never_share_a_request_id():
    ids: List[List[str]] = [[] for _ in range(THREADS)]
    with mock_esm():
        clients = [_client() for _ in range(THREADS)]

        def work(index: int) -> None:
            for _ in range(300):  # many batches of fresh IDs are made while threads race
                answer = clients[index].list_event_source_mappings()
                ids[index].append(answer["ResponseMetadata"]["RequestId"])

        run_together(THREADS, work)
    every = [request_id for made in ids for request_id in made]
    assert len(every) == THREADS * 300 == len(set(every))
