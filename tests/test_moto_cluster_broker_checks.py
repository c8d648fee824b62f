"""Beside moto, an MSK cluster or MQ broker must exist before a mapping may name it, as its
function must; DocumentDB clusters, which moto cannot hold, are accepted as named."""

from __future__ import annotations

import uuid
from typing import Any, Callable, Dict, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm

from .test_moto_interop import ACCOUNT, REGION, _error, make_client, make_function

moto = pytest.importorskip("moto")

MISSING_CLUSTER = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/absent/{uuid.UUID(int=1)}-1"
MISSING_BROKER = f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:absent:b-{uuid.UUID(int=2)}"
DOCUMENTDB = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:catalog"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    with moto.mock_aws(), mock_esm(transition_seconds=0) as esm:
        yield esm


def make_cluster() -> str:
    created = make_client("kafka").create_cluster_v2(
        ClusterName="events", Provisioned={
            "KafkaVersion": "3.6.0", "NumberOfBrokerNodes": 2,
            "BrokerNodeGroupInfo": {"InstanceType": "kafka.m5.large",
                                    "ClientSubnets": ["subnet-a", "subnet-b"]}})
    return str(created["ClusterArn"])


def make_broker() -> Dict[str, str]:
    created = make_client("mq").create_broker(
        BrokerName="orders", EngineType="ACTIVEMQ", EngineVersion="5.17.6",
        HostInstanceType="mq.t3.micro", DeploymentMode="SINGLE_INSTANCE",
        PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
        Users=[{"Username": "admin", "Password": "password1234"}])
    return {"arn": created["BrokerArn"], "id": created["BrokerId"]}


def map_cluster(arn: str, function: str = "worker") -> Dict[str, Any]:
    return dict(make_client("lambda").create_event_source_mapping(
        EventSourceArn=arn, FunctionName=function, Topics=["orders"],
        StartingPosition="LATEST"))


def map_broker(arn: str, function: str = "worker") -> Dict[str, Any]:
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mq-admin-AbCdEf"
    return dict(make_client("lambda").create_event_source_mapping(
        EventSourceArn=arn, FunctionName=function, Queues=["orders"],
        SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": secret}]))


def test_a_cluster_moto_holds_is_mapped_and_a_missing_one_is_refused(aws):
    make_function()
    cluster = make_cluster()
    assert map_cluster(cluster)["EventSourceArn"] == cluster
    error = _error(lambda: map_cluster(MISSING_CLUSTER))
    assert error["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": f"The Amazon MSK cluster {MISSING_CLUSTER} does not exist."}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [m["EventSourceArn"] for m in aws.mappings()] == [cluster]


def test_a_broker_moto_holds_is_mapped_by_its_id_and_a_missing_one_is_refused(aws):
    make_function()
    broker = make_broker()
    # AWS's ARNs carry the broker's name before its id; the id alone decides.
    named = f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:orders:{broker['id']}"
    assert map_broker(broker["arn"])["EventSourceArn"] == broker["arn"]
    assert map_broker(named)["EventSourceArn"] == named
    error = _error(lambda: map_broker(MISSING_BROKER))
    assert error["Error"] == {"Code": "InvalidParameterValueException",
                              "Message": f"The Amazon MQ broker {MISSING_BROKER} does not exist."}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(aws.mappings()) == 2


@pytest.mark.parametrize("create", [
    pytest.param(lambda: map_cluster(MISSING_CLUSTER, "absent"), id="msk"),
    pytest.param(lambda: map_broker(MISSING_BROKER, "absent"), id="mq"),
])
def test_a_missing_function_is_reported_before_a_missing_source(
        aws, create: Callable[[], Any]):
    error = _error(create)
    assert error["Error"] == {"Code": "InvalidParameterValueException",
                              "Message": "Function does not exist"}


def test_a_documentdb_cluster_is_accepted_as_named_beside_moto(aws):
    make_function()
    created = make_client("lambda").create_event_source_mapping(
        EventSourceArn=DOCUMENTDB, FunctionName="worker", StartingPosition="LATEST",
        DocumentDBEventSourceConfig={"DatabaseName": "catalog"})
    assert created["EventSourceArn"] == DOCUMENTDB


@pytest.mark.parametrize("create", [
    pytest.param(lambda: map_cluster(MISSING_CLUSTER, "nobody"), id="msk"),
    pytest.param(lambda: map_broker(MISSING_BROKER, "nobody"), id="mq"),
])
def test_without_moto_any_well_formed_cluster_or_broker_is_accepted(
        create: Callable[[], Any]):
    with mock_esm():
        assert create()["State"] == "Creating"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.from_regex(r"[a-zA-Z][a-zA-Z0-9-]{0,63}", fullmatch=True), cluster_id=st.uuids())
def test_every_cluster_moto_does_not_hold_is_refused_and_nothing_is_stored(
        aws, name: str, cluster_id: uuid.UUID):
    if not make_client("lambda").list_functions()["Functions"]:
        make_function()
    arn = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{name}/{cluster_id}-3"
    error = _error(lambda: map_cluster(arn))
    assert error["message"] == f"The Amazon MSK cluster {arn} does not exist."
    assert aws.mappings() == []
