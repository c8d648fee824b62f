"""mock_esm beside moto's mock_aws: who answers what, existence checks, and moto's accounts."""

from __future__ import annotations

import contextlib
import io
import zipfile
from typing import Any, Callable, Dict, Iterator

import boto3
import botocore.session
import pytest
from botocore.credentials import CredentialProvider, Credentials, ReadOnlyCredentials
from botocore.exceptions import ClientError

from mock_esm import mock_esm

moto = pytest.importorskip("moto")
mock_aws = moto.mock_aws

REGION = "us-east-1"
ACCOUNT = "123456789012"
_CLIENTS: Dict[str, Any] = {}


def make_client(service: str, **credentials: str) -> Any:
    """A client as a user would make one; default-credential clients are made once per module,
    because building a client (not mocking) dominates these tests' time."""
    if credentials:
        return boto3.client(service, region_name=REGION, **credentials)
    if service not in _CLIENTS:
        _CLIENTS[service] = boto3.session.Session().client(service, region_name=REGION)
    return _CLIENTS[service]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def make_function(name: str = "worker", **credentials: str) -> str:
    iam = make_client("iam", **credentials)
    try:
        role = iam.create_role(RoleName="esm-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        role = iam.get_role(RoleName="esm-role")["Role"]["Arn"]
    client = make_client("lambda", **credentials)
    created = client.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                     Handler="handler.handler", Code={"ZipFile": _zip()})
    return str(created["FunctionArn"])


def make_queue(name: str = "jobs", credentials: Any = None,
               **attributes: str) -> Dict[str, str]:
    sqs = make_client("sqs", **(credentials or {}))
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return {"url": url, "arn": arn["Attributes"]["QueueArn"]}


def _error(call: Callable[[], Any]) -> Dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call()
    return dict(raised.value.response)


@contextlib.contextmanager
def both(esm_outer: bool) -> Iterator[Any]:
    """Both mocks active, nested either way round."""
    if esm_outer:
        with mock_esm(transition_seconds=0) as esm, mock_aws():
            yield esm
    else:
        with mock_aws(), mock_esm(transition_seconds=0) as esm:
            yield esm


@pytest.mark.parametrize("esm_outer", [True, False], ids=["esm-outer", "moto-outer"])
def test_esm_calls_are_ours_and_everything_else_is_motos(esm_outer, no_network):
    with both(esm_outer) as esm:
        function_arn = make_function()
        queue = make_queue()
        client = make_client("lambda")
        created = client.create_event_source_mapping(EventSourceArn=queue["arn"],
                                                     FunctionName="worker")
        assert created["FunctionArn"] == function_arn
        assert [m["UUID"] for m in esm.mappings()] == [created["UUID"]]
        # moto never saw the call: a mapping moto held would be listed too (mock_esm adopts
        # moto's mappings), and its queue feeds no function, so messages stay in it.
        assert [m["UUID"] for m in client.list_event_source_mappings()[
            "EventSourceMappings"]] == [created["UUID"]]
        sqs = make_client("sqs")
        sqs.send_message(QueueUrl=queue["url"], MessageBody="still here")
        received = sqs.receive_message(QueueUrl=queue["url"])["Messages"]
        assert [m["Body"] for m in received] == ["still here"]
        # Other Lambda calls are moto's.
        assert client.get_function(FunctionName="worker")["Configuration"]["FunctionArn"] == (
            function_arn)


@mock_aws
@mock_esm
def _decorated_moto_outside() -> int:
    make_function()
    queue = make_queue()
    client = make_client("lambda")
    client.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="worker")
    # A mapping that also reached moto would be adopted and listed twice.
    return len(client.list_event_source_mappings()["EventSourceMappings"])


@mock_esm
@mock_aws
def _decorated_esm_outside() -> int:
    return _decorated_moto_outside.__wrapped__.__wrapped__()  # type: ignore[attr-defined]


def test_decorators_in_either_order():
    assert _decorated_moto_outside() == 1
    assert _decorated_esm_outside() == 1


@pytest.fixture
def aws() -> Iterator[Any]:
    with mock_aws(), mock_esm(transition_seconds=0) as esm:
        yield esm


def test_missing_function_is_reported_before_missing_queue(aws):
    client = make_client("lambda")
    error = _error(lambda: client.create_event_source_mapping(
        EventSourceArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:absent", FunctionName="absent"))
    assert error["Error"] == {"Code": "InvalidParameterValueException",
                              "Message": "Function does not exist"}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_missing_queue(aws):
    make_function()
    client = make_client("lambda")
    error = _error(lambda: client.create_event_source_mapping(
        EventSourceArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:absent", FunctionName="worker"))
    assert error["message"] == (
        "Error occurred while ReceiveMessage. SQS Error Code: "
        "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does "
        "not exist.")


def test_fifo_arn_must_name_a_fifo_queue(aws):
    make_function()
    standard = make_queue("looks.fifo")
    real = make_queue("real.fifo", FifoQueue="true")
    client = make_client("lambda")
    error = _error(lambda: client.create_event_source_mapping(
        EventSourceArn=standard["arn"], FunctionName="worker"))
    assert error["Error"]["Code"] == "InvalidParameterValueException"
    assert "not a FIFO queue" in error["message"]
    assert client.create_event_source_mapping(
        EventSourceArn=real["arn"], FunctionName="worker")["EventSourceArn"] == real["arn"]


def test_streams_must_exist(aws):
    make_function()
    client = make_client("lambda")
    kinesis = make_client("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    stream_arn = kinesis.describe_stream(StreamName="orders")["StreamDescription"]["StreamARN"]
    dynamodb = make_client("dynamodb")
    table = dynamodb.create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    table_stream_arn = table["TableDescription"]["LatestStreamArn"]
    missing_kinesis = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/absent"
    missing_table_stream = table_stream_arn.rsplit("/", 1)[0] + "/2000-01-01T00:00:00.000"
    for missing in (missing_kinesis, missing_table_stream):
        error = _error(lambda arn=missing: client.create_event_source_mapping(
            EventSourceArn=arn, FunctionName="worker", StartingPosition="LATEST"))
        assert error["Error"] == {"Code": "InvalidParameterValueException",
                                  "Message": f"Stream not found: {missing}"}
    for present in (stream_arn, table_stream_arn):
        created = client.create_event_source_mapping(
            EventSourceArn=present, FunctionName="worker", StartingPosition="LATEST")
        assert created["State"] == "Creating"


def test_update_to_a_missing_function_is_refused(aws):
    make_function()
    queue = make_queue()
    client = make_client("lambda")
    uuid = client.create_event_source_mapping(EventSourceArn=queue["arn"],
                                              FunctionName="worker")["UUID"]
    aws.settle()
    error = _error(lambda: client.update_event_source_mapping(UUID=uuid, FunctionName="gone"))
    assert error["message"] == "Function does not exist"


def test_without_moto_any_well_formed_names_are_accepted():
    with mock_aws():
        pass  # moto imported and stopped again: no checks may remain
    with mock_esm():
        client = make_client("lambda")
        created = client.create_event_source_mapping(
            EventSourceArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:nowhere", FunctionName="nobody")
        assert created["State"] == "Creating"


def _assumed(account: str) -> Dict[str, str]:
    sts = make_client("sts")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/deployer",
                                  RoleSessionName="tests")["Credentials"]
    return {"aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"]}


def test_account_follows_motos_account_for_the_access_key(aws):
    other = _assumed("111111111111")
    function_arn = make_function("elsewhere", **other)
    assert ":111111111111:" in function_arn
    queue = make_queue("q", other)
    assert ":111111111111:" in queue["arn"]
    client = make_client("lambda", **other)
    created = client.create_event_source_mapping(EventSourceArn=queue["arn"],
                                                 FunctionName="elsewhere")
    assert created["FunctionArn"] == function_arn
    assert created["EventSourceMappingArn"].split(":")[4] == "111111111111"
    # The default key is moto's default account, where that function does not exist.
    default = make_client("lambda")
    assert _error(lambda: default.create_event_source_mapping(
        EventSourceArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q",
        FunctionName="elsewhere"))["message"] == "Function does not exist"
    assert [m["EventSourceMappingArn"].split(":")[4] for m in aws.mappings()] == ["111111111111"]


def test_explicit_account_beats_motos_account_for_the_key():
    with mock_aws(), mock_esm(account_id="222233334444") as esm:
        other = _assumed("111111111111")
        make_function("f", **other)
        make_queue("q", other)
        client = make_client("lambda", **other)
        # The explicit account decides where the mapping lives; the function ARN still names
        # the account it was given in, and that is where moto holds it.
        error = _error(lambda: client.create_event_source_mapping(
            EventSourceArn=f"arn:aws:sqs:{REGION}:111111111111:q", FunctionName="f"))
        assert error["message"] == "Function does not exist"
        client.create_event_source_mapping(
            EventSourceArn=f"arn:aws:sqs:{REGION}:111111111111:q",
            FunctionName=f"arn:aws:lambda:{REGION}:111111111111:function:f")
        assert [m["EventSourceMappingArn"].split(":")[4] for m in esm.mappings()] == [
            "222233334444"]


def test_unknown_key_falls_back_to_moto_account_id(monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    with mock_aws(), mock_esm() as esm:
        function_arn = make_function()
        make_queue("q")
        assert ":444455556666:" in function_arn
        client = make_client("lambda")
        client.create_event_source_mapping(
            EventSourceArn=f"arn:aws:sqs:{REGION}:444455556666:q", FunctionName="worker")
        assert esm.mappings(account_id="444455556666") != []


class _WatchedCredentials(Credentials):
    """Credentials that count every time a signer freezes them (what signing, or a refresh,
    would do)."""

    def __init__(self, key: str) -> None:
        super().__init__(key, "secret")
        self.reads = 0

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        self.reads += 1
        return super().get_frozen_credentials()


class _WatchedProvider(CredentialProvider):
    """A credential source placed first in a session's chain, as a plugin would add one."""

    METHOD = "watched"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self.credentials = credentials

    def load(self) -> Credentials:
        return self.credentials


def test_credentials_are_read_only_while_moto_is_active():
    watched = _WatchedCredentials("AKIAWATCHED")
    session = botocore.session.Session()
    session.get_component("credential_provider").insert_before("env", _WatchedProvider(watched))
    client = session.create_client("lambda", region_name=REGION)
    with mock_esm():
        client.list_event_source_mappings()
    assert watched.reads == 0
    with mock_aws(), mock_esm():
        client.list_event_source_mappings()
    assert watched.reads == 1


def test_a_function_given_a_handler_exists_for_the_check(aws):
    queue = make_queue()
    client = make_client("lambda")
    assert _error(lambda: client.create_event_source_mapping(
        EventSourceArn=queue["arn"], FunctionName="handled"))["message"] == (
        "Function does not exist")
    aws.register_function("handled", lambda event, context: None)
    created = client.create_event_source_mapping(EventSourceArn=queue["arn"],
                                                 FunctionName="handled")
    assert created["FunctionArn"].endswith(":function:handled")
