"""Delivery of a backlog: thousands of records, many FIFO groups and lanes, some failing.

The in-mock sources find each batch without walking the whole source, so these tests pin the
ordering and retry rules on backlogs large enough that a shortcut taken wrongly would show:
FIFO groups blocked only by their own failures, every message once per ``poll()`` and in send
order, lanes and partitions in order, MQ's queue and broker-wide messages merged by send time.
"""

from __future__ import annotations

import base64
import traceback
from typing import Any, Dict, List, Set

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm

from .conftest import FIFO_ARN, QUEUE_ARN, STREAM_ARN, freeze_time
from .delivery_support import START, esm_fixture, recorder  # noqa: F401 (a fixture)

CLUSTER_ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/demo/751d2973-a626-431c-9d4e-d7975eb4"
BROKER_ARN = "arn:aws:mq:us-east-1:123456789012:broker:orders:b-9bcfa592-423a-4942-879d-eb284b41"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mq-login-AbCdEf"


def _failing(predicate: Any) -> Any:
    """A partial-batch handler: records whose body ``predicate`` accepts are reported failed."""
    def answer(event: Dict[str, Any]) -> Dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]}
                                      for r in event["Records"] if predicate(r["body"])]}
    return answer


def _sqs_mapping(esm: Any, source: str, batch: int) -> None:
    esm.lam.create_event_source_mapping(EventSourceArn=source, FunctionName="worker",
                                        BatchSize=batch,
                                        FunctionResponseTypes=["ReportBatchItemFailures"])


def test_one_failing_fifo_group_among_many_holds_back_only_its_own_messages(esm):
    _sqs_mapping(esm, FIFO_ARN, 10)
    groups, per_group = 60, 5
    esm.put_records(FIFO_ARN, [
        {"MessageBody": f"g{n % groups}-{n // groups}", "MessageGroupId": f"g{n % groups}",
         "MessageDeduplicationId": str(n)} for n in range(groups * per_group)])
    handler, _ = recorder(_failing(lambda body: body == "g7-1"))
    esm.register_function("worker", handler)

    report = esm.poll()

    delivered = [r["body"] for r in report.records()]
    assert len(delivered) == len(set(delivered))  # once each
    expected = [f"g{n % groups}-{n // groups}" for n in range(groups * per_group)
                if n % groups != 7 or n // groups <= 1]
    assert delivered == expected  # send order; g7 stops at its failed message
    [failed] = [i for i in report if not i.succeeded]
    assert failed.failed_item_ids == tuple(r["messageId"] for r in failed.records
                                           if r["body"] == "g7-1")

    esm.register_function("worker", recorder()[0])
    esm.frozen.tick(31)  # past the visibility timeout of the failed message
    retry = esm.poll()
    assert [r["body"] for r in retry.records()] == ["g7-1", "g7-2", "g7-3", "g7-4"]
    assert retry.records()[0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert esm.poll() == []


def test_a_standard_backlog_goes_once_per_poll_in_send_order_and_failures_come_back(esm):
    _sqs_mapping(esm, QUEUE_ARN, 10)
    ids = esm.put_records(QUEUE_ARN, [str(n) for n in range(3000)])
    handler, _ = recorder(_failing(lambda body: int(body) % 7 == 0))
    esm.register_function("worker", handler)

    first = esm.poll()
    assert [r["messageId"] for r in first.records()] == ids
    assert all(len(i.records) == 10 for i in first)
    esm.frozen.tick(29)
    assert esm.poll() == []  # the failed ones are still in flight

    esm.frozen.tick(2)
    handler, _ = recorder()
    esm.register_function("worker", handler)
    again = esm.poll()
    assert [r["body"] for r in again.records()] == [str(n) for n in range(0, 3000, 7)]
    assert {r["attributes"]["ApproximateReceiveCount"] for r in again.records()} == {"2"}
    esm.frozen.tick(31)
    assert esm.poll() == []


def test_a_message_whose_timeout_ends_during_a_poll_waits_for_the_next_poll(esm):
    _sqs_mapping(esm, FIFO_ARN, 1)
    esm.put_records(FIFO_ARN, [{"MessageBody": f"{g}-{n}", "MessageGroupId": g}
                               for n in range(3) for g in "ab"])
    calls: List[str] = []
    tries: List[str] = []

    def handler(event: Dict[str, Any], context: Any) -> Any:
        body = event["Records"][0]["body"]
        calls.append(body)
        tries.append(body)
        esm.frozen.tick(40)  # every visibility timeout ends while the poll runs
        if tries == ["a-0"]:
            raise RuntimeError("the first try fails")

    esm.register_function("worker", handler, timeout=60)
    esm.poll()
    assert calls == ["a-0", "b-0", "b-1", "b-2"]  # a-0 once; group a then waits
    calls.clear()
    esm.poll()
    assert calls == ["a-0", "a-1", "a-2"]


# Bounds: up to 40 messages over up to 4 groups, batch sizes 1-10 and a set of messages that
# fail their first delivery keep an example to a few polls; 40 examples take about a second.
@settings(max_examples=40, deadline=None)
@given(groups=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=40),
       batch=st.integers(min_value=1, max_value=10), data=st.data())
def test_fifo_groups_deliver_in_order_and_each_message_succeeds_once(groups, batch, data):
    fail_once: Set[str] = data.draw(st.sets(st.sampled_from(
        [str(n) for n in range(len(groups))])))
    group_of = {str(n): f"g{g}" for n, g in enumerate(groups)}
    succeeded: List[str] = []
    blocked: Set[str] = set()  # groups with a message in flight since a failure this poll

    def handler(event: Dict[str, Any], context: Any) -> Any:
        failures: List[Dict[str, str]] = []
        failing: Set[str] = set()
        started: Set[str] = set()
        for record in event["Records"]:
            body, group = record["body"], record["attributes"]["MessageGroupId"]
            assert group not in blocked
            if group not in started:  # a group resumes at its first message not yet done
                assert body == next(n for n, g in group_of.items()
                                    if g == group and n not in succeeded)
                started.add(group)
            if body in fail_once or group in failing:  # AWS's advice: fail the rest too
                fail_once.discard(body)
                failing.add(group)
                failures.append({"itemIdentifier": record["messageId"]})
            else:
                succeeded.append(body)
        blocked.update(failing)
        return {"batchItemFailures": failures}

    with freeze_time(START) as frozen, mock_esm(transition_seconds=0) as esm:
        boto3.client("lambda", region_name="us-east-1").create_event_source_mapping(
            EventSourceArn=FIFO_ARN, FunctionName="worker", BatchSize=batch,
            FunctionResponseTypes=["ReportBatchItemFailures"])
        esm.register_function("worker", handler)
        esm.put_records(FIFO_ARN, [{"MessageBody": str(n), "MessageGroupId": f"g{g}"}
                                   for n, g in enumerate(groups)])
        for _ in range(len(groups) + 1):
            bodies = [r["body"] for r in esm.poll().records()]
            assert len(bodies) == len(set(bodies))  # once per poll
            frozen.tick(31)
            blocked.clear()
    for group in set(group_of.values()):
        assert [b for b in succeeded if group_of[b] == group] == [
            n for n, g in group_of.items() if g == group]


def test_parallel_lanes_deliver_a_large_backlog_each_key_in_order(esm):
    esm.lam.create_event_source_mapping(
        EventSourceArn=STREAM_ARN, FunctionName="worker", StartingPosition="TRIM_HORIZON",
        BatchSize=100, ParallelizationFactor=4)
    keys = [f"key-{n % 9}" for n in range(5000)]
    esm.put_records(STREAM_ARN, [{"Data": str(n), "PartitionKey": k} for n, k in enumerate(keys)])
    attempts: Dict[str, int] = {}

    def handler(event: Dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            if record["kinesis"]["partitionKey"] == "key-4" and int(
                    base64.b64decode(record["kinesis"]["data"])) >= 2000:
                attempts["key-4"] = attempts.get("key-4", 0) + 1
                raise RuntimeError("key-4 fails from record 2000 on")

    esm.register_function("worker", handler)
    first = esm.poll()
    done = [int(base64.b64decode(r["kinesis"]["data"])) for i in first if i.succeeded
            for r in i.records]
    assert len(done) == len(set(done))
    for key in set(keys):
        mine = [n for n in done if keys[n] == key]
        assert mine == sorted(mine)
    finished = {k for k in set(keys) if sum(keys[n] == k for n in done) == keys.count(k)}
    assert "key-4" not in finished and len(finished) >= 5  # the other lanes went to the end
    assert attempts == {"key-4": 1}  # unlimited retries: the lane waits for the next poll

    esm.register_function("worker", recorder()[0])
    rest = [int(base64.b64decode(r["kinesis"]["data"])) for r in esm.poll().records()]
    assert sorted(done + rest) == list(range(5000))


def test_kafka_partitions_deliver_a_backlog_in_offset_order_and_retry_the_failed_batch(esm):
    esm.lam.create_event_source_mapping(EventSourceArn=CLUSTER_ARN, FunctionName="worker",
                                        Topics=["orders"], StartingPosition="TRIM_HORIZON",
                                        BatchSize=100)
    esm.put_records(CLUSTER_ARN, [{"topic": "orders", "partition": n % 3, "value": str(n)}
                                  for n in range(3000)])
    calls = {"n": 0}

    def handler(event: Dict[str, Any], context: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 12:
            raise RuntimeError("the twelfth batch fails")

    esm.register_function("worker", handler)
    first = esm.poll()
    assert [i.succeeded for i in first] == [True] * 11 + [False]
    esm.register_function("worker", recorder()[0])
    rest = esm.poll()
    assert rest[0].records == first[-1].records  # the failed batch again, first
    delivered = [r for i in [*first[:-1], *rest] for r in i.records]
    for partition in range(3):
        offsets = [r["offset"] for r in delivered if r["partition"] == partition]
        assert offsets == list(range(1000))


def _mq(esm: Any) -> None:
    esm.lam.create_event_source_mapping(
        EventSourceArn=BROKER_ARN, FunctionName="worker", Queues=["orders"], BatchSize=10,
        SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": SECRET}])


def test_mq_merges_the_queue_and_broker_wide_messages_by_send_time_queue_first(esm):
    _mq(esm)
    esm.put_records(BROKER_ARN, [{"data": "any-0"}])
    esm.put_records(BROKER_ARN, [{"data": "orders-0", "queue": "orders"}])
    esm.frozen.tick(1)
    esm.put_records(BROKER_ARN, [{"data": "any-1"}])
    esm.frozen.tick(1)
    esm.put_records(BROKER_ARN, [{"data": "orders-1", "queue": "orders"}, {"data": "any-2"}])
    esm.put_records(BROKER_ARN, [{"data": "elsewhere", "queue": "audit"}])
    handler, events = recorder()
    esm.register_function("worker", handler)

    esm.poll()

    got = [base64.b64decode(m["data"]).decode() for m in events[0]["messages"]]
    assert got == ["orders-0", "any-0", "any-1", "orders-1", "any-2"]


def test_mq_backlog_goes_once_per_poll_and_a_failed_batch_is_redelivered_next_poll(esm):
    _mq(esm)
    ids = esm.put_records(BROKER_ARN, [{"data": str(n), "queue": "orders"} for n in range(500)])
    calls = {"n": 0}

    def handler(event: Dict[str, Any], context: Any) -> None:
        calls["n"] += 1
        if calls["n"] in (3, 30):
            raise RuntimeError("fails")

    esm.register_function("worker", handler)
    first = esm.poll()
    assert [m["messageID"] for m in first.records()] == ids
    assert [n for n, i in enumerate(first) if not i.succeeded] == [2, 29]
    again = esm.poll()
    assert [m["messageID"] for m in again.records()] == ids[20:30] + ids[290:300]
    assert {m["redelivered"] for m in again.records()} == {True}
    assert esm.poll() == []


@pytest.mark.parametrize("count", [1, 2000])
def test_a_drained_queue_accepts_and_delivers_new_messages(esm, count):
    _sqs_mapping(esm, QUEUE_ARN, 10)
    esm.register_function("worker", recorder()[0])
    esm.put_records(QUEUE_ARN, [str(n) for n in range(count)])
    assert len(esm.poll().records()) == count
    esm.put_records(QUEUE_ARN, ["late"])
    assert [r["body"] for r in esm.poll().records()] == ["late"]


def test_a_failed_invocation_keeps_its_error_and_traceback_but_not_the_handlers_locals(esm):
    _sqs_mapping(esm, QUEUE_ARN, 10)
    esm.put_records(QUEUE_ARN, ["one"])

    def handler(event: Dict[str, Any], context: Any) -> None:
        scratch = [record["body"] * 1000 for record in event["Records"]]
        raise ValueError(f"could not handle {len(scratch)} records")

    esm.register_function("worker", handler)
    [error] = esm.poll().errors

    assert str(error) == "could not handle 1 records"
    frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
    assert [f.f_code.co_name for f in frames][-1] == "handler"
    assert "scratch" not in frames[-1].f_locals and "event" not in frames[-1].f_locals


def test_a_handler_gets_its_own_copy_even_of_values_pickle_cannot_carry(esm):
    _mq(esm)

    def tag() -> str:
        return "made by the test"

    esm.put_records(BROKER_ARN, [{"data": "x", "queue": "orders", "properties": {"tag": tag}}])
    got: List[Dict[str, Any]] = []

    def handler(event: Dict[str, Any], context: Any) -> None:
        got.append(event)
        event["messages"].clear()

    esm.register_function("worker", handler)
    [invocation] = esm.poll()

    assert got[0]["messages"] == [] and len(invocation.records) == 1
    assert invocation.records[0]["properties"]["tag"]() == "made by the test"


def test_mq_messages_sent_after_the_clock_went_back_are_delivered_by_send_time(esm):
    _mq(esm)
    esm.frozen.tick(10)
    esm.put_records(BROKER_ARN, [{"data": "sent at 10 s", "queue": "orders"}])
    esm.frozen.tick(-8)
    esm.put_records(BROKER_ARN, [{"data": "sent at 2 s", "queue": "orders"},
                                 {"data": "also at 2 s", "queue": "orders"}])
    esm.frozen.tick(20)
    handler, events = recorder()
    esm.register_function("worker", handler)

    esm.poll()

    assert [base64.b64decode(m["data"]).decode() for m in events[0]["messages"]] == [
        "sent at 2 s", "also at 2 s", "sent at 10 s"]
