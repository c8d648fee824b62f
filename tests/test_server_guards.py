"""The server's guards, in-process: one body limit, its own Host names only, no browser pages,
well-formed control queries, and only regions that exist."""

from __future__ import annotations

import io
import json
from typing import Any, Dict, Tuple

import pytest
from werkzeug.test import Client, EnvironBuilder

from mock_esm.wire import server, server_guard

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"
PATH = "/2015-03-31/event-source-mappings"
LIMIT = server.MAX_BODY_BYTES


def _app(hosts: Any = server_guard.LOOPBACK_NAMES) -> server.EsmServer:
    return server.EsmServer(account_id="123456789012", transition_seconds=0, hosts=hosts)


@pytest.fixture
def client() -> Client:
    return Client(_app())


def _body_of_size(size: int) -> bytes:
    body = json.dumps({"EventSourceArn": QUEUE, "FunctionName": "f"}).encode()
    return body + b" " * (size - len(body))  # trailing whitespace is still the same JSON


def _post_raw(app: server.EsmServer, body: bytes, *, chunked: bool) -> Tuple[int, Dict[str, Any]]:
    environ = EnvironBuilder(path=PATH, method="POST").get_environ()
    environ["wsgi.input"] = io.BytesIO(body)
    if chunked:  # what werkzeug's server hands the app for Transfer-Encoding: chunked
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(len(body))
    statuses = []
    answer = b"".join(app(environ, lambda status, headers, *rest: statuses.append(status)))
    return int(statuses[0].split()[0]), json.loads(answer)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_one_body_limit_for_declared_and_chunked_bodies(chunked):
    app = _app()
    status, answer = _post_raw(app, _body_of_size(LIMIT), chunked=chunked)
    assert status == 202, answer
    status, answer = _post_raw(app, _body_of_size(LIMIT + 1), chunked=chunked)
    assert status == 413
    assert answer["message"] == (f"Request must be smaller than {LIMIT} bytes for the POST "
                                 f"{PATH} operation")
    assert len(json.loads(Client(app).get(PATH).get_data())["EventSourceMappings"]) == 1


@pytest.mark.parametrize("host", ["localhost", "localhost:5005", "127.0.0.1:5005", "[::1]:5005"])
def test_loopback_host_names_are_served(client, host):
    assert client.get(PATH, headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5005", "10.0.0.7:5005"])
def test_foreign_host_names_are_refused(client, host):
    response = client.get(PATH, headers={"Host": host})
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert response.get_json()["Message"] == (
        f"mock-esm does not answer requests for host {host!r}; it answers 127.0.0.1, ::1, "
        f"localhost. Start it with --host naming the address clients use.")


def test_host_names_follow_the_address_served_on():
    assert server_guard.allowed_hosts("127.0.0.1") == server_guard.LOOPBACK_NAMES
    assert server_guard.allowed_hosts("10.0.0.7") == server_guard.LOOPBACK_NAMES | {"10.0.0.7"}
    assert server_guard.allowed_hosts("::") is None
    assert server_guard.allowed_hosts("0.0.0.0") is None
    named = Client(_app(server_guard.allowed_hosts("10.0.0.7")))
    assert named.get(PATH, headers={"Host": "10.0.0.7:5005"}).status_code == 200
    anywhere = Client(_app(server_guard.allowed_hosts("0.0.0.0")))
    assert anywhere.get(PATH, headers={"Host": "mock-esm:5005"}).status_code == 200


BROWSER = "mock-esm refuses cross-origin requests from browser pages; call it from your tests, " \
          "an SDK or the AWS CLI."


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/_mock_esm/reset"), ("POST", "/_mock_esm/settle"), ("GET", "/_mock_esm/mappings"),
    ("POST", PATH),
])
@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
], ids=["origin", "null-origin", "cross-site", "same-site"])
def test_cross_origin_browser_requests_are_refused(client, method, path, headers):
    data = json.dumps({"EventSourceArn": QUEUE, "FunctionName": "f"})
    response = client.open(path, method=method, headers=headers, data=data,
                           content_type="text/plain")
    assert response.status_code == 403
    assert response.get_json()["Message"] == BROWSER
    assert client.get("/_mock_esm/mappings").get_json() == []


def test_same_origin_and_direct_requests_are_served(client):
    assert client.post("/_mock_esm/reset").status_code == 204
    assert client.post("/_mock_esm/reset", headers={
        "Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}).status_code == 204
    assert client.post("/_mock_esm/settle", headers={"Sec-Fetch-Site": "none"},
                       content_type="application/json").status_code == 204


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_control_posts_a_browser_could_send_unasked_are_refused(client, content_type):
    response = client.post("/_mock_esm/reset", content_type=content_type)
    assert response.status_code == 403
    assert response.get_json()["Message"] == (
        f"mock-esm refuses control requests with Content-Type "
        f"{content_type.split(';')[0]!r}, which browser pages may send anywhere; send no "
        f"body, or application/json.")


@pytest.mark.parametrize(("query", "message"), [
    ("account_id=abc", "account_id must be 12 digits, such as 123456789012; got 'abc'"),
    ("account_id=1234567890123", "account_id must be 12 digits, such as 123456789012; got "
                                 "'1234567890123'"),
    ("region=US%20EAST", "region must be a region name, such as us-east-1; got 'US EAST'"),
])
def test_control_mappings_refuses_malformed_filters(client, query, message):
    response = client.get("/_mock_esm/mappings?" + query)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "InvalidParameterValueException"
    assert response.get_json()["message"] == message


def _signed_for(region: str) -> Dict[str, str]:
    scope = f"AKIDEXAMPLE/20240101/{region}/lambda/aws4_request"
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, "
                             f"Signature=abc"}


@pytest.mark.parametrize("region", ["us-east-9", "xx-made-up-1", "zz"])
def test_regions_that_do_not_exist_are_refused_as_aws_refuses_them(client, region):
    response = client.get(PATH, headers=_signed_for(region))
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert response.get_json()["message"] == "Credential should be scoped to a valid region. "


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "cn-north-1", "us-gov-west-1"])
def test_regions_botocore_knows_are_served(client, region):
    assert client.get(PATH, headers=_signed_for(region)).status_code == 200


def test_made_up_regions_allocate_nothing():
    app = _app()
    client = Client(app)
    for number in range(50):
        client.get(PATH, headers=_signed_for(f"xx-fake-{number}"))
    assert list(app.registry.backends()) == []




def test_a_marker_from_before_a_server_reset_is_refused(client):
    for number in range(3):
        client.post(PATH, data=json.dumps({"EventSourceArn": QUEUE, "FunctionName": f"f{number}"}))
    marker = client.get(PATH, query_string={"MaxItems": "1"}).get_json()["NextMarker"]
    assert client.post("/_mock_esm/reset").status_code == 204
    for number in range(3):
        client.post(PATH, data=json.dumps({"EventSourceArn": QUEUE, "FunctionName": f"g{number}"}))
    response = client.get(PATH, query_string={"Marker": marker})
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "InvalidParameterValueException"
