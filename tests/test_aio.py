"""aiobotocore and aioboto3 clients get what boto3 gets: same answers, errors, states, backend.

Each comparison plays one scenario through a boto3 client and through an async client, each
under its own activation on the same frozen clock, and compares every response and error once
the random parts (UUIDs, request ids, opaque markers) are numbered in order of appearance.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import json
import re
import subprocess
import sys
import zipfile
from typing import Any, Callable, Dict, Generator, List, Optional, Tuple

import boto3
import pytest
from botocore.exceptions import ClientError

from mock_esm import mock_esm
from mock_esm.wire.interceptor import UnmockedLambdaCallError

from .conftest import QUEUE_ARN, STREAM_ARN, freeze_time

aiobotocore_session = pytest.importorskip("aiobotocore.session")

REGION = "us-east-1"
TICK = "tick"
Step = Tuple[str, Dict[str, Any]]
Scenario = Generator[Step, Any, None]


def _lifecycle() -> Scenario:
    """Creation, validation, conflicts, every transition, paging and deletion."""
    queue = yield "create_event_source_mapping", {"EventSourceArn": QUEUE_ARN,
                                                  "FunctionName": "worker"}
    yield "create_event_source_mapping", {"EventSourceArn": STREAM_ARN,
                                          "FunctionName": "worker",
                                          "StartingPosition": "LATEST", "BatchSize": 50}
    yield "create_event_source_mapping", {"EventSourceArn": QUEUE_ARN, "FunctionName": "worker"}
    yield "create_event_source_mapping", {"EventSourceArn": STREAM_ARN, "FunctionName": "other"}
    uuid = queue["UUID"]
    yield "get_event_source_mapping", {"UUID": uuid}
    yield TICK, {"seconds": 5}
    yield "get_event_source_mapping", {"UUID": uuid}
    yield "update_event_source_mapping", {"UUID": uuid, "Enabled": False}
    yield "update_event_source_mapping", {"UUID": uuid, "BatchSize": 5}
    yield TICK, {"seconds": 5}
    first = yield "list_event_source_mappings", {"MaxItems": 1}
    yield "list_event_source_mappings", {"Marker": first["NextMarker"]}
    yield "list_event_source_mappings", {"FunctionName": "worker", "EventSourceArn": QUEUE_ARN}
    yield "list_event_source_mappings", {"Marker": "not-a-marker"}
    yield "delete_event_source_mapping", {"UUID": uuid}
    yield "get_event_source_mapping", {"UUID": uuid}
    yield TICK, {"seconds": 5}
    yield "get_event_source_mapping", {"UUID": uuid}
    yield "delete_event_source_mapping", {"UUID": uuid}


def _tagging() -> Scenario:
    """Tags on a mapping's ARN, and on an ARN that names no mapping."""
    made = yield "create_event_source_mapping", {"EventSourceArn": QUEUE_ARN,
                                                 "FunctionName": "worker",
                                                 "Tags": {"team": "a"}}
    arn = made["EventSourceMappingArn"]
    yield "tag_resource", {"Resource": arn, "Tags": {"stage": "test"}}
    yield "list_tags", {"Resource": arn}
    yield "untag_resource", {"Resource": arn, "TagKeys": ["team"]}
    yield "list_tags", {"Resource": arn}
    yield "list_tags", {"Resource": arn[:-12] + "000000000000"}


def _outcome(client: Any, error: ClientError) -> Dict[str, Any]:
    code = error.response["Error"]["Code"]
    # The error must be the client's own modeled class, as a real AWS answer would raise.
    assert type(error) is getattr(client.exceptions, code)
    return {"raised": code, **error.response}


async def _play(client: Any, scenario: Scenario, frozen: Any) -> List[Any]:
    """Run a scenario through a boto3 client (plain calls) or an async one (awaited calls)."""
    outcomes: List[Any] = []
    answer: Optional[Dict[str, Any]] = None
    while True:
        try:
            name, kwargs = scenario.send(answer)
        except StopIteration:
            return outcomes
        if name == TICK:
            frozen.tick(kwargs["seconds"])
            answer = None
            continue
        try:
            answer = getattr(client, name)(**kwargs)
            if inspect.isawaitable(answer):
                answer = await answer
        except ClientError as error:
            answer = _outcome(client, error)
        outcomes.append((name, answer))


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _normalised(outcomes: List[Any]) -> List[Any]:
    """Number UUIDs and markers by first appearance; drop request ids (random per call)."""
    names: Dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return names.setdefault(match.group(0), f"<uuid {len(names)}>")

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()
                    if k not in ("RequestId", "x-amzn-requestid")}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if key == "NextMarker":
            return names.setdefault(value, f"<marker {len(names)}>")
        if isinstance(value, str):
            return _UUID.sub(rename, value)
        return value

    return [walk(outcome) for outcome in outcomes]


def _boto3_outcomes(scenario: Callable[[], Scenario]) -> List[Any]:
    with freeze_time("2024-05-06 07:08:09") as frozen, mock_esm():
        client = boto3.client("lambda", region_name=REGION)
        return _normalised(asyncio.run(_play(client, scenario(), frozen)))


def _async_outcomes(make_client: Callable[[], Any],
                    scenario: Callable[[], Scenario]) -> List[Any]:
    async def play() -> List[Any]:
        with freeze_time("2024-05-06 07:08:09") as frozen:
            async with mock_esm(), make_client() as client:
                return _normalised(await _play(client, scenario(), frozen))

    return asyncio.run(play())


def _aiobotocore_client() -> Any:
    return aiobotocore_session.get_session().create_client("lambda", region_name=REGION)


def _aioboto3_client() -> Any:
    aioboto3 = pytest.importorskip("aioboto3")
    return aioboto3.Session().client("lambda", region_name=REGION)


ASYNC_CLIENTS = [pytest.param(_aiobotocore_client, id="aiobotocore"),
                 pytest.param(_aioboto3_client, id="aioboto3")]


@pytest.mark.parametrize("make_client", ASYNC_CLIENTS)
def test_async_clients_see_exactly_what_boto3_sees(make_client, no_network):
    expected = _boto3_outcomes(_lifecycle)
    assert _async_outcomes(make_client, _lifecycle) == expected
    # What both must show, so that equal-but-broken answers cannot pass.
    states = [answer.get("State") for _, answer in expected]
    assert states[:2] == ["Creating", "Creating"]
    assert states[4:8] == ["Creating", "Enabled", "Disabling", None]
    raised = [answer.get("raised") for _, answer in expected]
    assert raised == [None, None, "ResourceConflictException", "InvalidParameterValueException",
                      None, None, None, "ResourceInUseException", None, None, None,
                      "InvalidParameterValueException", None, None,
                      "ResourceNotFoundException", "ResourceNotFoundException"]
    statuses = [answer["ResponseMetadata"]["HTTPStatusCode"] for _, answer in expected]
    assert statuses == [202, 202, 409, 400, 200, 200, 202, 400, 200, 200, 200, 400, 202, 200,
                        404, 404]


@pytest.mark.parametrize("make_client", ASYNC_CLIENTS)
def test_tags_on_mapping_arns_match_boto3(make_client, no_network):

    expected = _boto3_outcomes(_tagging)
    assert _async_outcomes(make_client, _tagging) == expected
    assert [answer.get("Tags") for _, answer in expected][2:5] == [
        {"team": "a", "stage": "test"}, None, {"stage": "test"}]
    assert expected[-1][1]["raised"] == "ResourceNotFoundException"


@pytest.mark.parametrize("make_client", ASYNC_CLIENTS)
def test_errors_are_the_async_clients_modeled_exceptions(make_client, no_network):
    async def get_missing() -> Any:
        async with mock_esm(), make_client() as client:
            with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
                await client.get_event_source_mapping(UUID="0a1b2c3d-0000-4000-8000-000000000000")
            return caught.value

    error = asyncio.run(get_missing())
    assert error.response["Error"] == {"Code": "ResourceNotFoundException",
                                       "Message": "The resource you requested does not exist."}
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error.response["Type"] == "User"


def test_injected_errors_reach_async_clients_as_they_reach_boto3(no_network):
    def injected(client: Any, esm: Any) -> Any:
        esm.inject_error("ListEventSourceMappings", "TooManyRequestsException")
        return client.list_event_source_mappings()

    async def injected_async() -> Dict[str, Any]:
        async with mock_esm() as esm, _aiobotocore_client() as client:
            try:
                await injected(client, esm)
            except ClientError as error:
                return _outcome(client, error)
        raise AssertionError("the injected error was not raised")

    with mock_esm() as esm:
        client = boto3.client("lambda", region_name=REGION)
        with pytest.raises(client.exceptions.TooManyRequestsException) as caught:
            injected(client, esm)
    expected = _normalised([_outcome(client, caught.value)])
    assert _normalised([asyncio.run(injected_async())]) == expected
    assert expected[0]["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert "retryAfterSeconds" in expected[0]


def test_boto3_and_aiobotocore_share_one_backend(no_network):
    async def scenario(esm: Any) -> None:
        sync_client = boto3.client("lambda", region_name=REGION)
        made_by_boto3 = sync_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                                FunctionName="a")
        async with _aiobotocore_client() as client:
            made_async = await client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                                  FunctionName="b")
            seen = await client.get_event_source_mapping(UUID=made_by_boto3["UUID"])
            assert seen["FunctionArn"] == made_by_boto3["FunctionArn"]
        seen = sync_client.get_event_source_mapping(UUID=made_async["UUID"])
        assert seen["FunctionArn"].endswith(":function:b")
        assert {m["UUID"] for m in esm.mappings()} == {made_by_boto3["UUID"], made_async["UUID"]}

    with mock_esm(transition_seconds=0) as esm:
        asyncio.run(scenario(esm))


def test_paginator_pages_like_boto3(no_network):
    async def pages() -> List[List[str]]:
        async with _aiobotocore_client() as client:
            for index in range(5):
                await client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                         FunctionName=f"f{index}")
            paginator = client.get_paginator("list_event_source_mappings")
            return [[m["FunctionArn"].rsplit(":", 1)[-1] for m in page["EventSourceMappings"]]
                    async for page in paginator.paginate(PaginationConfig={"PageSize": 2})]

    with mock_esm():
        assert asyncio.run(pages()) == [["f0", "f1"], ["f2", "f3"], ["f4"]]


def test_client_created_before_activation_is_served(no_network, monkeypatch):
    # A client made before activation resolves credentials on creation, as boto3's does: without
    # any it would ask the instance metadata service, so give it some as a real test would.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")

    async def scenario() -> str:
        async with _aiobotocore_client() as client:
            esm = mock_esm(transition_seconds=0).start()
            try:
                created = await client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                                   FunctionName="f")
                return (await client.get_event_source_mapping(UUID=created["UUID"]))["State"]
            finally:
                esm.stop()

    assert asyncio.run(scenario()) == "Enabled"


@mock_esm(transition_seconds=0)
async def _decorated_coroutine() -> str:
    async with _aiobotocore_client() as client:
        created = await client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                           FunctionName="f")
        return (await client.get_event_source_mapping(UUID=created["UUID"]))["State"]


def test_decorated_coroutine_is_served(no_network):
    assert asyncio.run(_decorated_coroutine()) == "Enabled"


def test_after_call_hooks_can_await_the_body_as_with_a_real_response(no_network):
    bodies: List[Dict[str, Any]] = []

    async def record_body(http_response: Any, parsed: Dict[str, Any], **kwargs: Any) -> None:
        bodies.append(json.loads(await http_response.content))
        assert json.loads(await http_response.text)["UUID"] == parsed["UUID"]

    async def scenario() -> Dict[str, Any]:
        async with mock_esm(), _aiobotocore_client() as client:
            client.meta.events.register("after-call.lambda.CreateEventSourceMapping",
                                        record_body)
            result: Dict[str, Any] = await client.create_event_source_mapping(
                EventSourceArn=QUEUE_ARN, FunctionName="f")
            return result

    created = asyncio.run(scenario())
    assert bodies == [{**{k: v for k, v in created.items() if k != "ResponseMetadata"},
                       "LastModified": created["LastModified"].timestamp()}]


def test_other_lambda_calls_are_refused_not_sent(no_network):
    async def scenario() -> None:
        async with mock_esm(), _aiobotocore_client() as client:
            with pytest.raises(UnmockedLambdaCallError, match="ListFunctions"):
                await client.list_functions()

    asyncio.run(scenario())


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_esm_calls_are_served_beside_moto(no_network):
    """moto answers aiobotocore with a sync response that aiobotocore cannot await (moto issue
    8694), so only mock_esm's operations work through aiobotocore there; they must be ours,
    agree with boto3's (a missing function included), and boto3's calls to moto keep working."""
    moto = pytest.importorskip("moto")

    async def create(**kwargs: Any) -> Dict[str, Any]:
        async with _aiobotocore_client() as client:
            try:
                return dict(await client.create_event_source_mapping(**kwargs))
            except ClientError as error:
                return _outcome(client, error)

    def create_sync(**kwargs: Any) -> Dict[str, Any]:
        client = boto3.client("lambda", region_name=REGION)
        try:
            return dict(client.create_event_source_mapping(**kwargs))
        except ClientError as error:
            return _outcome(client, error)

    with moto.mock_aws(), mock_esm() as esm:
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="jobs")
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="worker", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        boto3.client("lambda", region_name=REGION).create_function(
            FunctionName="worker", Runtime="python3.12", Role=role, Handler="handler.handler",
            Code={"ZipFile": _zip()})
        made = asyncio.run(create(EventSourceArn=QUEUE_ARN, FunctionName="worker"))
        assert [m["UUID"] for m in esm.mappings()] == [made["UUID"]]
        served = boto3.client("lambda", region_name=REGION).get_event_source_mapping(
            UUID=made["UUID"])
        assert served["State"] == made["State"] == "Creating"
        ghost = {"EventSourceArn": STREAM_ARN, "FunctionName": "ghost",
                 "StartingPosition": "LATEST"}
        by_aiobotocore = asyncio.run(create(**ghost))
        esm.reset()
        by_boto3 = create_sync(**ghost)
        for outcome in (by_aiobotocore, by_boto3):
            # Made a moment apart on a running clock: the time and so the body's length differ.
            outcome.pop("LastModified", None)
            outcome["ResponseMetadata"]["HTTPHeaders"].pop("content-length")
        assert _normalised([by_aiobotocore]) == _normalised([by_boto3])


def test_importing_mock_esm_leaves_aiobotocore_unimported():
    code = ("import sys\n"
            "from mock_esm import mock_esm\n"
            "assert 'aiobotocore' not in sys.modules, 'aiobotocore imported'\n"
            "assert 'mock_esm.wire.aio' not in sys.modules, 'mock_esm.wire.aio imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_aioboto3_default_session_made_before_import_is_served(tmp_path):
    aioboto3 = pytest.importorskip("aioboto3")
    if not hasattr(aioboto3, "setup_default_session"):
        pytest.skip("this aioboto3 has no default session (no module-level setup_default_session)")
    script = tmp_path / "default_session.py"
    script.write_text(
        "import asyncio, socket, aioboto3\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError(f'network access attempted: {args!r}')\n"
        "socket.create_connection = socket.getaddrinfo = refuse\n"
        "aioboto3.setup_default_session(region_name='us-east-1')\n"
        "session = aioboto3.DEFAULT_SESSION\n"
        "from mock_esm import mock_esm\n"
        "async def main():\n"
        "    async with mock_esm(), session.client('lambda') as client:\n"
        f"        made = await client.create_event_source_mapping(EventSourceArn={QUEUE_ARN!r},"
        " FunctionName='f')\n"
        "        print(made['State'])\n"
        "asyncio.run(main())\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "Creating"), result.stderr
