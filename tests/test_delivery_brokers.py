"""In-process delivery from Amazon MSK, self-managed Kafka and Amazon MQ via ``esm.put_records``.

moto has no Kafka topics or MQ queues, so these sources are fed only through the mock.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List

import boto3
import pytest

from mock_esm import mock_esm

from .conftest import freeze_time
from .delivery_support import START, esm_fixture, recorder  # noqa: F401 (a fixture)

CLUSTER_ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/demo/751d2973-a626-431c-9d4e-d7975eb4"
BROKER_ARN = "arn:aws:mq:us-east-1:123456789012:broker:orders:b-9bcfa592-423a-4942-879d-eb284b41"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mq-login-AbCdEf"


def _msk(esm: Any, **kwargs: Any) -> str:
    kwargs.setdefault("StartingPosition", "TRIM_HORIZON")
    return esm.lam.create_event_source_mapping(EventSourceArn=CLUSTER_ARN, FunctionName="worker",
                                               Topics=["orders"], **kwargs)["UUID"]


def _values(event: Dict[str, Any]) -> Dict[str, List[str]]:
    return {name: [base64.b64decode(r["value"]).decode() for r in records]
            for name, records in event["records"].items()}


def test_msk_event_groups_records_by_topic_partition_in_lambda_shape(esm):
    uuid = _msk(esm)
    handler, events = recorder()
    esm.register_function("worker", handler)
    esm.put_records(CLUSTER_ARN, [
        {"topic": "orders", "partition": 1, "key": "k1", "value": "a",
         "headers": {"trace": b"t1"}},
        {"topic": "orders", "partition": 0, "value": b"b"},
        {"topic": "orders", "partition": 1, "value": "c"},
        {"topic": "other", "value": "not ours"},
    ])

    [invocation] = esm.poll()

    event = events[0]
    assert set(event) == {"eventSource", "eventSourceArn", "bootstrapServers", "records"}
    assert (event["eventSource"], event["eventSourceArn"]) == ("aws:kafka", CLUSTER_ARN)
    assert _values(event) == {"orders-0": ["b"], "orders-1": ["a", "c"]}
    first = event["records"]["orders-1"][0]
    assert first == {"topic": "orders", "partition": 1, "offset": 0, "timestamp": 1767323045000,
                     "timestampType": "CREATE_TIME", "value": base64.b64encode(b"a").decode(),
                     "headers": [{"trace": list(b"t1")}],
                     "key": base64.b64encode(b"k1").decode()}
    assert event["records"]["orders-1"][1]["offset"] == 1
    assert invocation.mapping_uuid == uuid and esm.poll() == []
    assert esm.lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK"


def test_self_managed_kafka_is_fed_by_mapping_uuid(esm):
    uuid = esm.lam.create_event_source_mapping(
        FunctionName="worker", Topics=["orders"], StartingPosition="TRIM_HORIZON",
        SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["b1:9092", "b2:9092"]}},
        SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": SECRET}])["UUID"]
    handler, events = recorder()
    esm.register_function("worker", handler)
    esm.put_records(uuid, ["first", {"value": "second", "partition": 2}])

    esm.poll()

    event = events[0]
    assert event["eventSource"] == "SelfManagedKafka"
    assert "eventSourceArn" not in event
    assert event["bootstrapServers"] == "b1:9092,b2:9092"
    assert _values(event) == {"orders-0": ["first"], "orders-2": ["second"]}


def test_kafka_latest_batch_size_filters_and_retry_of_a_failed_batch(esm):
    esm.put_records(CLUSTER_ARN, [{"topic": "orders", "value": "before"}])
    esm.frozen.tick(1)
    pattern = {"value": {"kind": ["order"]}}
    _msk(esm, StartingPosition="LATEST", BatchSize=2,
         FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    esm.register_function("worker", recorder(RuntimeError("boom"))[0])
    esm.frozen.tick(1)
    values = [json.dumps({"kind": k, "n": n}) for n, k in enumerate(["order", "ping", "order"])]
    esm.put_records(CLUSTER_ARN, [{"topic": "orders", "value": v} for v in values])

    report = esm.poll()
    assert [r.succeeded for r in report] == [False]  # retried on the next poll, not this one
    assert len(report.filtered) == 1
    esm.register_function("worker", recorder()[0])
    retry = esm.poll()

    got = [json.loads(base64.b64decode(r["value"]))["n"] for r in retry.records()]
    assert got == [0, 2]
    assert [len(r.records) for r in retry] == [1, 1]  # BatchSize 2 counts the filtered one


def _mq(esm: Any, **kwargs: Any) -> str:
    return esm.lam.create_event_source_mapping(
        EventSourceArn=BROKER_ARN, FunctionName="worker", Queues=["orders"],
        SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": SECRET},
                                    *kwargs.pop("access", [])], **kwargs)["UUID"]


def test_activemq_event_lists_messages_in_lambda_shape_and_redelivers_after_failure(esm):
    _mq(esm)
    handler, events = recorder(RuntimeError("boom"))
    esm.register_function("worker", handler)
    [message_id] = esm.put_records(BROKER_ARN, [
        {"data": "hello", "properties": {"index": "1"}, "correlationId": "c-1"}])

    esm.poll()
    esm.register_function("worker", recorder()[0])
    [retry] = esm.poll()

    event = events[0]
    assert set(event) == {"eventSource", "eventSourceArn", "messages"}
    assert (event["eventSource"], event["eventSourceArn"]) == ("aws:mq", BROKER_ARN)
    [message] = event["messages"]
    assert message["messageID"] == message_id and message_id.startswith("ID:")
    assert base64.b64decode(message["data"]) == b"hello"
    assert message["destination"] == {"physicalName": "orders"}
    assert message["properties"] == {"index": "1"} and message["correlationId"] == "c-1"
    assert message["timestamp"] == 1767323045000 and message["redelivered"] is False
    assert set(message) >= {"messageType", "deliveryMode", "replyTo", "type", "expiration",
                            "priority", "brokerInTime", "brokerOutTime"}
    assert retry.records[0]["redelivered"] is True
    assert esm.poll() == []  # consumed


def test_rabbitmq_event_groups_messages_by_queue_and_virtual_host(esm):
    _mq(esm, access=[{"Type": "VIRTUAL_HOST", "URI": "/prod"}])
    handler, events = recorder()
    esm.register_function("worker", handler)
    esm.put_records(BROKER_ARN, [{"data": "x", "basicProperties": {"contentType": "json"}}])

    esm.poll()

    event = events[0]
    assert event["eventSource"] == "aws:rmq" and event["eventSourceArn"] == BROKER_ARN
    [message] = event["rmqMessagesByQueue"]["orders::/prod"]
    assert base64.b64decode(message["data"]) == b"x" and message["redelivered"] is False
    assert message["basicProperties"]["contentType"] == "json"
    assert message["basicProperties"]["bodySize"] == 1


@pytest.mark.parametrize("source, records, error, words", [
    (CLUSTER_ARN, "x", TypeError, "list of Kafka messages"),
    (CLUSTER_ARN, [{"value": "x", "partition": -1}], ValueError, "partition"),
    (CLUSTER_ARN, [{"value": 3}], ValueError, "needs value as bytes or str"),
    (CLUSTER_ARN, [{"value": "x", "offset": 3}], ValueError, "unknown keys"),
    (BROKER_ARN, [{"body": "x"}], ValueError, "unknown keys"),
    (BROKER_ARN, [7], TypeError, "message 0"),
    ("0b8e1c1e-0000-4000-8000-000000000000", ["x"], ValueError, "self-managed Kafka"),
])
def test_put_records_refuses_bad_broker_input(esm, source, records, error, words):
    with pytest.raises(error, match=words):
        esm.put_records(source, records)


def test_a_moto_rabbitmq_broker_gets_the_rabbitmq_event_shape(monkeypatch):
    moto = pytest.importorskip("moto")
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    with freeze_time(START), moto.mock_aws(), mock_esm(transition_seconds=0) as esm:
        broker = boto3.client("mq", region_name="us-east-1").create_broker(
            BrokerName="orders", EngineType="RABBITMQ", EngineVersion="3.13",
            HostInstanceType="mq.t3.micro", DeploymentMode="SINGLE_INSTANCE",
            PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
            Users=[{"Username": "admin", "Password": "password1234"}])["BrokerArn"]
        handler, events = recorder()
        esm.register_function("worker", handler)  # with moto the function must exist first
        boto3.client("lambda", region_name="us-east-1").create_event_source_mapping(
            EventSourceArn=broker, FunctionName="worker", Queues=["orders"],
            SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": SECRET}])
        esm.put_records(broker, ["hello"])

        esm.poll()

    assert events[0]["eventSource"] == "aws:rmq"
    [message] = events[0]["rmqMessagesByQueue"]["orders::/"]
    assert base64.b64decode(message["data"]) == b"hello"


def test_kafka_batching_window_waits_on_the_mock_clock_unless_the_batch_is_full(esm):
    _msk(esm, BatchSize=2, MaximumBatchingWindowInSeconds=3)
    handler, events = recorder()
    esm.register_function("worker", handler)
    esm.put_records(CLUSTER_ARN, [{"topic": "orders", "value": v} for v in "abc"])

    esm.poll()
    assert [_values(e) for e in events] == [{"orders-0": ["a", "b"]}]  # full: at once
    esm.frozen.tick(3)
    esm.poll()

    assert [_values(e) for e in events][1:] == [{"orders-0": ["c"]}]
