"""mock_esm beside moto, through moto's AWS API only: whether moto is active, Docker-less
functions, mappings made by moto's CloudFormation, and two accounts at once."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from typing import Any, Dict, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from mock_esm import mock_esm

from .conftest import freeze_time

moto = pytest.importorskip("moto")

REGION = "us-east-1"
START = "2026-01-02 03:04:05"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _function(name: str, **credentials: str) -> str:
    iam = boto3.client("iam", region_name=REGION, **credentials)
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = boto3.client("lambda", region_name=REGION, **credentials)
    return str(lam.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                   Handler="handler.handler",
                                   Code={"ZipFile": _zip()})["FunctionArn"])


def _assumed(account: str) -> Dict[str, str]:
    sts = boto3.client("sts", region_name=REGION)
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/deployer",
                                  RoleSessionName="tests")["Credentials"]
    return {"aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"]}


@pytest.fixture(autouse=True)
def _default_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)


def test_moto_active_is_true_exactly_while_mock_aws_is():
    # The one look inside moto: pinned here on every moto the tox matrix installs.
    from mock_esm.aws.moto_api import moto_active

    assert not moto_active()
    with moto.mock_aws():
        assert moto_active()
        with moto.mock_aws():
            assert moto_active()
        assert moto_active()
    assert not moto_active()


def test_without_moto_nothing_of_moto_is_imported_and_no_client_is_made():
    code = (
        "import sys, boto3\n"
        "from mock_esm import mock_esm\n"
        "import botocore.session as s\n"
        "made = []\n"
        "original = s.Session.create_client\n"
        "def counted(self, *args, **kwargs):\n"
        "    made.append(args)\n"
        "    return original(self, *args, **kwargs)\n"
        "s.Session.create_client = counted\n"
        "lam = boto3.client('lambda', region_name='us-east-1')\n"
        "made.clear()\n"
        "with mock_esm(transition_seconds=0) as esm:\n"
        "    arn = 'arn:aws:sqs:us-east-1:123456789012:jobs'\n"
        "    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName='f')\n"
        "    lam.list_event_source_mappings()\n"
        "    esm.register_function('f', lambda event, context: None)\n"
        "    esm.put_records(arn, ['m'])\n"
        "    assert len(esm.poll()) == 1\n"
        "print(made, 'moto' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[] False"


def test_a_function_of_mock_aws_without_docker_can_be_mapped():
    with moto.mock_aws(config={"lambda": {"use_docker": False}}), \
            mock_esm(transition_seconds=0):
        function_arn = _function("worker")
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        lam = boto3.client("lambda", region_name=REGION)
        created = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker")
        assert created["FunctionArn"] == function_arn
        with pytest.raises(ClientError) as missing:
            lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="absent")
        assert missing.value.response["Error"]["Message"] == "Function does not exist"


@pytest.fixture
def stack_world() -> Iterator[Any]:
    """moto holding a function, a Kinesis stream and a mapping made by a CloudFormation
    stack; mock_esm active on a frozen clock."""
    with freeze_time(START) as frozen, moto.mock_aws():
        _function("worker")
        kinesis = boto3.client("kinesis", region_name=REGION)
        kinesis.create_stream(StreamName="orders", ShardCount=1)
        stream = kinesis.describe_stream_summary(StreamName="orders")[
            "StreamDescriptionSummary"]["StreamARN"]
        template = {"Resources": {"Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {"FunctionName": "worker", "EventSourceArn": stream,
                           "StartingPosition": "TRIM_HORIZON", "BatchSize": 5}}}}
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        cloudformation.create_stack(StackName="pipeline", TemplateBody=json.dumps(template))
        [resource] = cloudformation.describe_stack_resources(StackName="pipeline")[
            "StackResources"]
        with mock_esm(transition_seconds=0) as esm:
            esm.frozen, esm.kinesis, esm.stream = frozen, kinesis, stream
            esm.uuid = resource["PhysicalResourceId"]
            esm.lam = boto3.client("lambda", region_name=REGION)
            yield esm


# moto's Kinesis also hands each record to the mapping moto holds, and moto's Lambda then tries
# to reach Docker, leaving a socket behind: moto's doing, not the handler's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_mapping_made_by_cloudformation_is_listed_and_delivers(stack_world):
    esm = stack_world
    [listed] = esm.lam.list_event_source_mappings()["EventSourceMappings"]
    assert (listed["UUID"], listed["EventSourceArn"], listed["BatchSize"]) == (
        esm.uuid, esm.stream, 5)
    assert listed["State"] == "Enabled"
    events = []
    esm.register_function("worker", lambda event, context: events.append(event))
    esm.kinesis.put_record(StreamName="orders", Data=b"hello", PartitionKey="p")
    [invocation] = esm.poll()
    assert invocation.mapping_uuid == esm.uuid
    assert [r["kinesis"]["data"] for r in events[0]["Records"]] == ["aGVsbG8="]


def test_a_mapping_made_by_cloudformation_updates_and_deletes_for_good(stack_world):
    esm = stack_world
    updated = esm.lam.update_event_source_mapping(UUID=esm.uuid, BatchSize=7)
    assert updated["BatchSize"] == 7
    assert esm.lam.get_event_source_mapping(UUID=esm.uuid)["BatchSize"] == 7
    esm.lam.delete_event_source_mapping(UUID=esm.uuid)
    assert esm.lam.list_event_source_mappings()["EventSourceMappings"] == []
    with pytest.raises(ClientError) as gone:
        esm.lam.get_event_source_mapping(UUID=esm.uuid)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_deleting_the_stack_deletes_its_mapping(stack_world):
    esm = stack_world
    assert [m["UUID"] for m in esm.lam.list_event_source_mappings()["EventSourceMappings"]] == [
        esm.uuid]
    boto3.client("cloudformation", region_name=REGION).delete_stack(StackName="pipeline")
    assert esm.lam.list_event_source_mappings()["EventSourceMappings"] == []
    with pytest.raises(ClientError) as gone:
        esm.lam.get_event_source_mapping(UUID=esm.uuid)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def _update_stack(esm: Any, resource: str, batch_size: int, enabled: bool) -> None:
    template = {"Resources": {resource: {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"FunctionName": "worker", "EventSourceArn": esm.stream,
                       "StartingPosition": "TRIM_HORIZON", "BatchSize": batch_size,
                       "Enabled": enabled}}}}
    boto3.client("cloudformation", region_name=REGION).update_stack(
        StackName="pipeline", TemplateBody=json.dumps(template))


def test_a_stack_update_changes_the_mapping_it_made(stack_world):
    esm = stack_world
    assert esm.lam.get_event_source_mapping(UUID=esm.uuid)["BatchSize"] == 5
    _update_stack(esm, "Mapping", batch_size=9, enabled=False)
    [listed] = esm.lam.list_event_source_mappings()["EventSourceMappings"]
    assert (listed["UUID"], listed["BatchSize"]) == (esm.uuid, 9)
    assert esm.lam.get_event_source_mapping(UUID=esm.uuid)["State"] == "Disabled"


def test_a_stack_update_that_replaces_the_mapping_leaves_only_the_new_one(stack_world):
    esm = stack_world
    assert esm.lam.get_event_source_mapping(UUID=esm.uuid)["BatchSize"] == 5
    _update_stack(esm, "Renamed", batch_size=9, enabled=True)
    [listed] = esm.lam.list_event_source_mappings()["EventSourceMappings"]
    assert listed["UUID"] != esm.uuid and listed["BatchSize"] == 9


def _collect_into(bodies: list) -> Any:
    def handler(event: Dict[str, Any], context: Any) -> None:
        bodies.extend(r["body"] for r in event["Records"])

    return handler


def test_two_accounts_each_check_and_deliver_from_their_own_queue():
    with freeze_time(START), moto.mock_aws(), mock_esm(transition_seconds=0) as esm:
        got: Dict[str, list] = {}
        for account in ("111111111111", "222222222222"):
            credentials = _assumed(account)
            function_arn = _function("worker", **credentials)
            assert function_arn.split(":")[4] == account
            sqs = boto3.client("sqs", region_name=REGION, **credentials)
            url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]
            sqs.send_message(QueueUrl=url, MessageBody=f"for {account}")
            lam = boto3.client("lambda", region_name=REGION, **credentials)
            created = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker")
            assert created["EventSourceMappingArn"].split(":")[4] == account
            esm.register_function(function_arn, _collect_into(got.setdefault(account, [])))
        # The default key's account holds neither function.
        default = boto3.client("lambda", region_name=REGION)
        with pytest.raises(ClientError) as missing:
            default.create_event_source_mapping(
                EventSourceArn=f"arn:aws:sqs:{REGION}:111111111111:jobs",
                FunctionName="worker")
        assert missing.value.response["Error"]["Message"] == "Function does not exist"
        assert len(esm.poll()) == 2
        assert got == {"111111111111": ["for 111111111111"],
                       "222222222222": ["for 222222222222"]}
        assert sorted(m["EventSourceMappingArn"].split(":")[4] for m in esm.mappings()) == [
            "111111111111", "222222222222"]
