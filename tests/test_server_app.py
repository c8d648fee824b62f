"""The server's WSGI app and command line, in-process: what a process test cannot reach cheaply."""

from __future__ import annotations

import json
import logging
import socket
import sys
from typing import Any, Dict, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client, EnvironBuilder

import mock_esm.wire
from mock_esm import __main__ as cli
from mock_esm.service import routing
from mock_esm.wire import server

QUEUE = "arn:aws:sqs:ap-southeast-2:123456789012:jobs"
PATH = "/2015-03-31/event-source-mappings"
SCOPE = "AKIDEXAMPLE/20240101/ap-southeast-2/lambda/aws4_request"


@pytest.fixture
def client() -> Client:
    return Client(server.EsmServer(account_id="123456789012", transition_seconds=0))


def test_unexpected_failure_is_a_service_exception_and_is_logged(client, monkeypatch, caplog):
    def broken(*args: Any) -> routing.Response:
        raise RuntimeError("a bug in the mock")

    monkeypatch.setattr(routing, "handle", broken)
    with caplog.at_level(logging.ERROR, logger="mock_esm.server"):
        response = client.get(PATH)
    assert response.status_code == 500
    assert response.headers["x-amzn-errortype"] == "ServiceException"
    body = response.get_json()
    assert body["Type"] == "Service"
    assert "unexpected error" in body["Message"]
    assert "a bug in the mock" not in response.get_data(as_text=True)
    [record] = caplog.records
    assert record.getMessage() == f"mock_esm server: unexpected error serving GET {PATH}"
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_region_comes_from_a_presigned_url_credential(client):
    response = client.post(PATH, query_string={"X-Amz-Credential": SCOPE},
                           data=json.dumps({"EventSourceArn": QUEUE, "FunctionName": "f"}))
    assert response.status_code == 202
    assert response.get_json()["FunctionArn"] == (
        "arn:aws:lambda:ap-southeast-2:123456789012:function:f")


def test_region_comes_from_the_authorization_header(client):
    authorization = (f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host, "
                     "Signature=abc")
    response = client.post(PATH, headers={"Authorization": authorization},
                           data=json.dumps({"EventSourceArn": QUEUE, "FunctionName": "f"}))
    assert response.get_json()["EventSourceMappingArn"].startswith(
        "arn:aws:lambda:ap-southeast-2:123456789012:event-source-mapping:")


def test_an_empty_204_carries_no_content_type(client):
    response = client.post("/_mock_esm/settle")
    assert (response.status_code, response.get_data()) == (204, b"")
    assert "content-type" not in response.headers


def test_shutdown_drain_waits_until_a_response_is_written():
    app = server.EsmServer(account_id="123456789012", transition_seconds=0)
    assert app.drain(0) is True
    body = app(EnvironBuilder(path="/_mock_esm/mappings").get_environ(), lambda *args: None)
    assert app.drain(0) is False  # werkzeug has not written and closed the body yet
    assert b"".join(body) == b"[]"
    body.close()
    assert app.drain(0) is True


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def runs(monkeypatch) -> List[Dict[str, Any]]:
    """What ``serve`` would run with, without binding a port."""
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    monkeypatch.delenv("MOCK_ESM_TRANSITION_SECONDS", raising=False)
    calls: List[Dict[str, Any]] = []
    monkeypatch.setattr(server, "run", lambda **kwargs: calls.append(kwargs) or 0)
    return calls


def test_serve_defaults_are_loopback_5005_and_the_design_defaults(runs):
    assert cli.main(["serve"]) == 0
    assert runs == [{"host": "127.0.0.1", "port": 5005, "account_id": "123456789012",
                     "transition_seconds": 1.0, "log_level": "warning"}]


def test_environment_supplies_account_and_transition_seconds(runs, monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "222233334444")
    monkeypatch.setenv("MOCK_ESM_TRANSITION_SECONDS", "0")
    cli.main(["serve"])
    assert (runs[0]["account_id"], runs[0]["transition_seconds"]) == ("222233334444", 0.0)


def test_flags_win_over_the_environment(runs, monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "222233334444")
    monkeypatch.setenv("MOCK_ESM_TRANSITION_SECONDS", "5")
    cli.main(["serve", "--host", "0.0.0.0", "--port", "0", "--account-id", "111122223333",
              "--transition-seconds", "2.5", "--log-level", "info"])
    assert runs == [{"host": "0.0.0.0", "port": 0, "account_id": "111122223333",
                     "transition_seconds": 2.5, "log_level": "info"}]


@pytest.mark.parametrize(("argv", "env", "message"), [
    (["--account-id", "12345"], {},
     "--account-id must be a string of exactly 12 digits, such as '123456789012'; got '12345'"),
    (["--transition-seconds", "-1"], {},
     "--transition-seconds must be a finite number of seconds >= 0 (0 settles every transition "
     "on the next read); got '-1'"),
    (["--transition-seconds", "nan"], {}, "--transition-seconds must be a finite number"),
    ([], {"MOCK_ESM_TRANSITION_SECONDS": "soon"},
     "$MOCK_ESM_TRANSITION_SECONDS must be a finite number"),
    ([], {"MOTO_ACCOUNT_ID": "acct"}, "$MOTO_ACCOUNT_ID must be a string of exactly 12 digits"),
    (["--port", "70000"], {}, "must be a whole number from 0 to 65535"),
    (["--port", "http"], {}, "must be a whole number from 0 to 65535"),
    (["--log-level", "loud"], {}, "argument --log-level: invalid choice: 'loud'"),
])
def test_bad_options_exit_2_naming_the_option(runs, monkeypatch, capsys, argv, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("usage: mock-esm serve ")  # serve's usage, not the program's
    assert runs == []


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "serve" in capsys.readouterr().err


def test_without_werkzeug_serve_exits_2_naming_the_extra(monkeypatch, capsys):
    # Simulate an install without the extra: no werkzeug module can be imported, and the server
    # module is not loaded yet.
    for name in [name for name in sys.modules if name.split(".")[0] == "werkzeug"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "werkzeug", None)
    monkeypatch.delitem(sys.modules, "mock_esm.wire.server")
    monkeypatch.delattr(mock_esm.wire, "server")
    with socket.socket() as taken:  # should serve() start after all, it fails fast, not hangs
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        status = cli.main(["serve", "--port", str(taken.getsockname()[1])])
    assert capsys.readouterr().err.splitlines() == [
        "mock-esm serve needs werkzeug, which comes with the 'server' extra: "
        "pip install 'mock_esm[server]'"]
    assert status == 2


# -- raw input never breaks the server ------------------------------------------------------------

# Any JSON at all: scalars (NaN and infinities included), nested up to a few levels, few members.
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)
_MEMBERS = st.sampled_from(["FunctionName", "EventSourceArn", "BatchSize", "Enabled",
                            "StartingPosition", "FilterCriteria", "Topics", "Queues",
                            "SelfManagedEventSource", "DestinationConfig", "ScalingConfig",
                            "SourceAccessConfigurations", "Tags", "MetricsConfig"])
_BODIES = st.dictionaries(_MEMBERS, _JSON, max_size=5).map(
    lambda body: {"FunctionName": "f", "EventSourceArn": QUEUE, **body})


@settings(max_examples=60, deadline=None,  # ~2 s; each example is three in-process calls
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_BODIES, raw_query=st.text(max_size=40))
def test_no_raw_request_is_a_server_error(client, body, raw_query):
    created = client.post(PATH, data=json.dumps(body))
    updated = client.put(PATH + "/some-uuid", data=json.dumps(body))
    listed = client.get(PATH, query_string=raw_query)
    for response in (created, updated, listed):
        assert response.status_code < 500, response.get_data(as_text=True)
        assert isinstance(response.get_json(), dict)
