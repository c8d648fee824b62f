"""``python -m mock_esm serve`` as other languages' tests use it: a real process, real HTTP."""

from __future__ import annotations

import datetime
import http.client
import json
import shutil
import signal
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mock_esm.__main__ import main

from .server_process import ServerProcess, server_env

ACCOUNT = "111122223333"
QUEUE = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs"
STREAM = f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/orders"
PATH = "/2015-03-31/event-source-mappings"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # An hour per transition: states stay pending until a test settles them.
    process = ServerProcess.started(tmp_path_factory.mktemp("server"), "--account-id", ACCOUNT,
                                    "--transition-seconds", "3600")
    try:
        yield process
    finally:
        process.stop()


def _raw(server: ServerProcess, method: str, path: str, body: bytes = b"",
         headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read())
    finally:
        connection.close()


@pytest.fixture
def fresh(server: ServerProcess) -> ServerProcess:
    """The shared server, emptied through its own control endpoint."""
    status, _, body = _raw(server, "POST", "/_mock_esm/reset")
    assert (status, body) == (204, b"")
    return server


def _client(server: ServerProcess, region: str = "eu-west-1") -> Any:
    return boto3.client("lambda", region_name=region, endpoint_url=server.url,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}))


def _settle(server: ServerProcess) -> None:
    assert _raw(server, "POST", "/_mock_esm/settle")[0] == 204


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> Tuple[int, str, str]:
    response = excinfo.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def test_five_operations_through_boto3_with_settle(fresh):
    client = _client(fresh)
    created = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["State"] == "Creating"
    assert created["FunctionArn"] == f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:worker"
    assert created["EventSourceMappingArn"] == (
        f"arn:aws:lambda:eu-west-1:{ACCOUNT}:event-source-mapping:{created['UUID']}")
    assert isinstance(created["LastModified"], datetime.datetime)
    uuid = created["UUID"]

    with pytest.raises(ClientError) as busy:
        client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    assert _error(busy)[:2] == (400, "ResourceInUseException")

    _settle(fresh)
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    assert (updated["ResponseMetadata"]["HTTPStatusCode"], updated["State"],
            updated["BatchSize"]) == (202, "Updating", 5)
    listed = client.list_event_source_mappings(FunctionName="worker")
    assert [m["UUID"] for m in listed["EventSourceMappings"]] == [uuid]
    assert client.list_event_source_mappings(FunctionName="other")["EventSourceMappings"] == []

    _settle(fresh)
    deleted = client.delete_event_source_mapping(UUID=uuid)
    assert (deleted["ResponseMetadata"]["HTTPStatusCode"], deleted["State"]) == (202, "Deleting")
    _settle(fresh)
    with pytest.raises(ClientError) as gone:
        client.get_event_source_mapping(UUID=uuid)
    assert _error(gone) == (404, "ResourceNotFoundException",
                            "The resource you requested does not exist.")


def test_errors_reach_boto3_as_aws_sends_them(fresh):
    client = _client(fresh)
    client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker")
    with pytest.raises(client.exceptions.ResourceConflictException) as duplicate:
        client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker")
    assert _error(duplicate)[:2] == (409, "ResourceConflictException")
    assert duplicate.value.response["Type"] == "User"
    with pytest.raises(client.exceptions.InvalidParameterValueException) as unknown:
        client.create_event_source_mapping(
            EventSourceArn=f"arn:aws:sns:eu-west-1:{ACCOUNT}:topic", FunctionName="worker")
    assert _error(unknown) == (400, "InvalidParameterValueException",
                               "Unrecognized event source.")
    with pytest.raises(ClientError) as position:
        client.create_event_source_mapping(EventSourceArn=STREAM, FunctionName="worker",
                                           StartingPosition="SOMETIME")
    assert _error(position)[:2] == (400, "ValidationException")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_event_source_mapping(UUID="00000000-0000-0000-0000-000000000000")


def test_list_pages_with_markers_across_requests(fresh):
    client = _client(fresh)
    for number in range(3):
        client.create_event_source_mapping(EventSourceArn=f"{QUEUE}-{number}",
                                           FunctionName="worker")
    seen = []
    kwargs: Dict[str, Any] = {"MaxItems": 2}
    while True:
        page = client.list_event_source_mappings(**kwargs)
        seen += [m["EventSourceArn"] for m in page["EventSourceMappings"]]
        if "NextMarker" not in page:
            break
        kwargs["Marker"] = page["NextMarker"]
    assert seen == [f"{QUEUE}-{number}" for number in range(3)]
    paginator = client.get_paginator("list_event_source_mappings")
    assert len([m for p in paginator.paginate(PaginationConfig={"PageSize": 1})
                for m in p["EventSourceMappings"]]) == 3


def test_region_and_partition_come_from_the_signature(fresh):
    ireland, beijing = _client(fresh, "eu-west-1"), _client(fresh, "cn-north-1")
    mapping = beijing.create_event_source_mapping(
        EventSourceArn=f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:jobs", FunctionName="worker")
    assert mapping["FunctionArn"] == f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:worker"
    assert ireland.list_event_source_mappings()["EventSourceMappings"] == []
    assert [m["UUID"] for m in beijing.list_event_source_mappings()["EventSourceMappings"]] == [
        mapping["UUID"]]


def test_unsigned_requests_land_in_us_east_1(fresh):
    body = json.dumps({"EventSourceArn": QUEUE, "FunctionName": "worker"}).encode()
    status, _, raw = _raw(fresh, "POST", PATH, body, {"content-type": "application/json"})
    assert status == 202
    assert json.loads(raw)["FunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:worker"


def test_control_mappings_lists_every_region_like_esm_mappings(fresh):
    ireland, virginia = _client(fresh, "eu-west-1"), _client(fresh, "us-east-1")
    first = ireland.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker")
    second = virginia.create_event_source_mapping(EventSourceArn=STREAM, FunctionName="reader",
                                                  StartingPosition="LATEST")
    status, headers, body = _raw(fresh, "GET", "/_mock_esm/mappings")
    assert (status, headers["content-type"]) == (200, "application/json")
    mappings = json.loads(body)
    assert [m["UUID"] for m in mappings] == [first["UUID"], second["UUID"]]
    fetched = ireland.get_event_source_mapping(UUID=first["UUID"])
    fetched.pop("ResponseMetadata")
    assert set(mappings[0]) == set(fetched)
    assert mappings[0]["LastModified"] == pytest.approx(fetched["LastModified"].timestamp())
    assert mappings[0]["State"] == "Creating"
    _settle(fresh)
    only_virginia = json.loads(_raw(fresh, "GET", "/_mock_esm/mappings?region=us-east-1")[2])
    assert [(m["UUID"], m["State"]) for m in only_virginia] == [(second["UUID"], "Enabled")]


def test_control_reset_forgets_every_mapping(fresh):
    client = _client(fresh)
    created = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker")
    assert _raw(fresh, "POST", "/_mock_esm/reset")[0] == 204
    assert json.loads(_raw(fresh, "GET", "/_mock_esm/mappings")[2]) == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_event_source_mapping(UUID=created["UUID"])


def test_tag_operations_on_mapping_arns_reach_routing(fresh):
    client = _client(fresh)
    mapping = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker",
                                                 Tags={"team": "a"})
    arn = mapping["EventSourceMappingArn"]
    client.tag_resource(Resource=arn, Tags={"cost": "1"})
    client.untag_resource(Resource=arn, TagKeys=["team"])
    assert client.list_tags(Resource=arn)["Tags"] == {"cost": "1"}


_QUEUE_BODY = b'"FunctionName": "f", "EventSourceArn": "' + QUEUE.encode() + b'"'
_STREAM_BODY = b'"FunctionName": "f", "EventSourceArn": "' + STREAM.encode() + b'"'


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    pytest.param("POST", PATH, b"{not json", 400, "InvalidRequestContentException",
                 id="not-json"),
    pytest.param("POST", PATH, b'["a list"]', 400, "InvalidRequestContentException",
                 id="not-an-object"),
    pytest.param("POST", PATH, b'{"FunctionName": 7, "EventSourceArn": "' + QUEUE.encode()
                 + b'"}', 400, "InvalidRequestContentException", id="number-for-string"),
    pytest.param("POST", PATH, b'{"FunctionName": "f", "EventSourceArn": "arn:aws:kafka:'
                 b'eu-west-1:' + ACCOUNT.encode() + b':cluster/c", "Topics": [1]}',
                 400, "InvalidRequestContentException", id="number-in-string-list"),
    pytest.param("POST", PATH, b'{"FunctionName": "f", "Topics": [null]}',
                 400, None, id="null-in-list"),
    pytest.param("POST", PATH, b'{"FunctionName": "f", "SelfManagedEventSource": '
                 b'{"Endpoints": "x"}}', 400, "InvalidRequestContentException",
                 id="string-for-nested-map"),
    pytest.param("POST", PATH, b"{" + _QUEUE_BODY + b', "BatchSize": 99999999999}', 400,
                 None, id="integer-over-32-bits"),
    pytest.param("POST", PATH, b"{" + _QUEUE_BODY + b', "BatchSize": 1e400}', 400,
                 "InvalidRequestContentException", id="number-overflowing-to-infinity"),
    pytest.param("POST", PATH, b"{" + _STREAM_BODY + b', "StartingPosition": "AT_TIMESTAMP", '
                 b'"StartingPositionTimestamp": NaN}', 400, "InvalidRequestContentException",
                 id="nan-timestamp"),
    pytest.param("POST", PATH, b"[" * 100_000, 400, "InvalidRequestContentException",
                 id="nested-too-deeply"),
    pytest.param("POST", PATH, b'{"EventSourceArn": "' + QUEUE.encode() + b'"}', 400,
                 "ValidationException", id="no-function"),
    pytest.param("PUT", PATH + "/missing", b'{"Enabled": "yes"}', 400,
                 "InvalidRequestContentException", id="string-for-boolean"),
    pytest.param("PUT", PATH + "/missing", b"\xff\xfe\x00", 400,
                 "InvalidRequestContentException", id="not-utf8"),
    pytest.param("GET", PATH + "?MaxItems=lots", b"", 400, "ValidationException",
                 id="max-items-not-a-number"),
    pytest.param("GET", PATH + "?MaxItems=0", b"", 400, "ValidationException",
                 id="max-items-zero"),
    pytest.param("GET", PATH + "?MaxItems=1.5", b"", 400, "ValidationException",
                 id="max-items-fraction"),
    pytest.param("POST", PATH, b'{"FunctionName": "f", "EventSourceArn": '
                 b'"arn:aws:sqs:us-east-1:123456789012:q", "FunctionResponseTypes": [null]}',
                 400, "ValidationException", id="null-in-a-list"),
    pytest.param("POST", PATH, b'{"FunctionName": "f", "SelfManagedEventSource": '
                 b'{"Endpoints": null}, "Topics": ["orders"]}',
                 400, "ValidationException", id="null-endpoints"),
    pytest.param("GET", PATH + "?Marker=forged", b"", 400, "InvalidParameterValueException",
                 id="forged-marker"),
    pytest.param("GET", PATH + "?FunctionName=", b"", 400, "ValidationException",
                 id="empty-function-filter"),
    pytest.param("GET", PATH + "?EventSourceArn=nonsense", b"", 400, "ValidationException",
                 id="bad-source-filter"),
    pytest.param("GET", PATH + "/a%2Fb", b"", 404, "ResourceNotFoundException",
                 id="encoded-slash-in-uuid"),
    pytest.param("PATCH", PATH, b"", 404, "UnknownOperationException", id="wrong-method"),
    pytest.param("GET", "/2015-03-31/functions", b"", 404, "UnknownOperationException",
                 id="other-lambda-api"),
    pytest.param("GET", "/", b"", 404, "UnknownOperationException", id="root"),
    pytest.param("GET", "/_mock_esm/settle", b"", 404, "UnknownOperationException",
                 id="control-wrong-method"),
    pytest.param("POST", PATH, b" " * (6 * 1024 * 1024 + 1), 413, "RequestTooLargeException",
                 id="body-over-6-mib"),
])
def test_raw_malformed_requests_get_aws_errors(fresh, method, path, body, status, code):
    # code None: the per-source rules decide which 400 (their own tests pin it down).
    got_status, headers, raw = _raw(fresh, method, path, body)
    assert got_status == status
    assert headers["x-amzn-errortype"] == code or (code is None and headers["x-amzn-errortype"])
    message = json.loads(raw)
    assert message.get("message") or message.get("Message")
    assert "Traceback" not in fresh.stderr()


def test_concurrent_clients_are_served_safely(fresh):
    client = _client(fresh)

    def create(number: int) -> str:
        created = client.create_event_source_mapping(EventSourceArn=f"{QUEUE}-{number}",
                                                     FunctionName="worker")
        return str(created["UUID"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        uuids = list(pool.map(create, range(40)))
    listed = json.loads(_raw(fresh, "GET", "/_mock_esm/mappings")[2])
    assert len(set(uuids)) == 40
    assert sorted(m["UUID"] for m in listed) == sorted(uuids)


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_aws_cli_lists_mappings_from_the_server(fresh, tmp_path):
    env = server_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                     AWS_DEFAULT_REGION="eu-west-1", AWS_EC2_METADATA_DISABLED="true",
                     AWS_CONFIG_FILE=str(tmp_path / "config"),
                     AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"), AWS_PAGER="")

    def aws(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["aws", "lambda", *args, "--endpoint-url", fresh.url,
                               "--output", "json"], env=env, capture_output=True, text=True,
                              timeout=60, check=False)

    uuid = _client(fresh).create_event_source_mapping(EventSourceArn=QUEUE,
                                                      FunctionName="worker")["UUID"]
    listed = aws("list-event-source-mappings")
    assert listed.returncode == 0, listed.stderr
    assert [m["UUID"] for m in json.loads(listed.stdout)["EventSourceMappings"]] == [uuid]


# -- the process: signals, a taken port -------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_server_with_exit_status_0(tmp_path, signum):
    process = ServerProcess.started(tmp_path)
    try:
        assert _raw(process, "POST", "/_mock_esm/settle")[0] == 204
        process.process.send_signal(signum)
        assert process.process.wait(timeout=20) == 0
    finally:
        process.stop()
    assert f"http://127.0.0.1:{process.port}" in process.stdout()
    assert "Traceback" not in process.stderr()
    assert process.stderr().strip().endswith("mock-esm: stopped")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", process.port), timeout=1).close()


def test_taken_port_is_one_clear_line_and_a_failure_status(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        status = main(["serve", "--port", str(port)])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err.splitlines() == [
        f"mock-esm: cannot listen on 127.0.0.1 port {port}: Address already in use"]
    assert captured.out == ""


@pytest.mark.skipif(shutil.which("mock-esm") is None,
                    reason="the console script appears when the package is (re)installed")
def test_installed_console_script_runs_serve():
    result = subprocess.run(["mock-esm", "serve", "--account-id", "12345"], env=server_env(),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "--account-id must be a string of exactly 12 digits" in result.stderr


def test_console_script_is_declared_for_main():
    import configparser

    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parent.parent / "setup.cfg")
    scripts = config["options.entry_points"]["console_scripts"].split("=")
    assert [part.strip() for part in scripts] == ["mock-esm", "mock_esm.__main__:main"]

