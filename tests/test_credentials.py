"""Fake credentials while active: set unless both variables hold values, undone only where the
mock's own values are still in place, and never a walk of botocore's credential chain."""

from __future__ import annotations

import os
import select
import socket
from typing import Iterator

import boto3
import pytest

from mock_esm import mock_esm

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"
ID, SECRET = "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"


@pytest.mark.parametrize(("key_id", "secret"), [
    ("", ""), ("", "real-secret"), ("AKIAREAL", None), (None, "real-secret"), ("AKIAREAL", ""),
])
def test_an_empty_or_half_set_pair_is_replaced_while_active_and_restored(
        monkeypatch, key_id, secret):
    for name, value in ((ID, key_id), (SECRET, secret)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with mock_esm():
        assert (os.environ[ID], os.environ[SECRET]) == ("testing", "testing")
    assert os.environ.get(ID) == key_id
    assert os.environ.get(SECRET) == secret


def test_a_value_the_test_sets_inside_the_block_is_left_alone(monkeypatch):
    monkeypatch.delenv(ID, raising=False)
    monkeypatch.delenv(SECRET, raising=False)
    try:
        with mock_esm():
            os.environ[ID] = "AKIATEST"
        assert os.environ[ID] == "AKIATEST"
        assert SECRET not in os.environ
    finally:
        os.environ.pop(ID, None)


@pytest.fixture
def metadata_endpoint(monkeypatch, tmp_path) -> Iterator[socket.socket]:
    """A local port standing in for the instance metadata address, and every other credential
    source pointed at nothing, so the only place botocore could still look is this port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT",
                       f"http://127.0.0.1:{listener.getsockname()[1]}/")
    monkeypatch.setenv("AWS_METADATA_SERVICE_TIMEOUT", "1")
    monkeypatch.setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_EC2_METADATA_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    with listener:
        yield listener


def _probed(listener: socket.socket) -> bool:
    readable, _, _ = select.select([listener], [], [], 0)
    return bool(readable)


def test_the_endpoint_fixture_sees_botocore_probe_it(metadata_endpoint, monkeypatch):
    # The guard below is only worth something if botocore does come here without credentials.
    monkeypatch.delenv(ID, raising=False)
    monkeypatch.delenv(SECRET, raising=False)
    assert boto3.Session().get_credentials() is None
    assert _probed(metadata_endpoint)


@pytest.mark.parametrize("key_id", ["", None])
def test_no_credential_chain_walk_while_active(metadata_endpoint, monkeypatch, key_id):
    monkeypatch.delenv(SECRET, raising=False)
    if key_id is None:
        monkeypatch.delenv(ID, raising=False)
    else:
        monkeypatch.setenv(ID, key_id)
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f")
        assert client.list_event_source_mappings()["EventSourceMappings"]
    assert not _probed(metadata_endpoint)
