"""Activation essentials: credentials, accounts, a fresh backend, inspection, no network."""

from __future__ import annotations

import os

import boto3
import pytest

from mock_esm import mock_esm
from mock_esm.wire.interceptor import UnmockedLambdaCallError

from .conftest import QUEUE_ARN


def _create(client, function="f", source=QUEUE_ARN):
    return client.create_event_source_mapping(EventSourceArn=source, FunctionName=function)


def test_fake_credentials_are_set_only_when_none_exist_and_removed_on_stop(monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    with mock_esm():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert os.environ["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert "AWS_SECRET_ACCESS_KEY" not in os.environ


def test_existing_credentials_are_left_alone(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    with mock_esm():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREAL"
        assert os.environ["AWS_SECRET_ACCESS_KEY"] == "real-secret"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREAL"
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "real-secret"


def test_explicit_account_wins_over_moto_account_id(monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "222222222222")
    with mock_esm(account_id="111122223333"):
        client = boto3.client("lambda", region_name="us-east-1")
        assert ":111122223333:" in _create(client)["EventSourceMappingArn"]


def test_moto_account_id_then_default_account(monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "222222222222")
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        assert ":222222222222:" in _create(client)["FunctionArn"]
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        assert ":123456789012:" in _create(client)["FunctionArn"]


@mock_esm
def _create_in_a_decorated_call():
    client = boto3.client("lambda", region_name="us-east-1")
    before = len(client.list_event_source_mappings()["EventSourceMappings"])
    _create(client)
    return before


def test_each_decorated_call_starts_with_an_empty_backend():
    assert _create_in_a_decorated_call() == 0
    assert _create_in_a_decorated_call() == 0


def test_start_stop_and_stop_without_start():
    esm = mock_esm()
    esm.start()
    client = boto3.client("lambda", region_name="us-east-1")
    _create(client)
    assert len(esm.mappings()) == 1
    esm.stop()
    with pytest.raises(RuntimeError, match="not active"):
        esm.stop()


def test_mappings_filters_by_account_and_region_and_matches_get():
    with mock_esm() as esm:
        east = boto3.client("lambda", region_name="us-east-1")
        west = boto3.client("lambda", region_name="us-west-2")
        created = _create(east)
        _create(west, source="arn:aws:sqs:us-west-2:123456789012:jobs")
        assert len(esm.mappings()) == 2
        only_east = esm.mappings(region="us-east-1")
        fetched = east.get_event_source_mapping(UUID=created["UUID"])
        fetched.pop("ResponseMetadata")
        assert only_east == [fetched]
        assert esm.mappings(account_id="999999999999") == []
        assert len(esm.mappings(account_id="123456789012", region="us-west-2")) == 1


def test_reset_forgets_every_mapping():
    with mock_esm() as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = _create(client)["UUID"]
        esm.reset()
        assert esm.mappings() == []
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_event_source_mapping(UUID=uuid)


def test_other_lambda_calls_are_refused_without_touching_the_network(no_network):
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        _create(client)
        with pytest.raises(UnmockedLambdaCallError, match="Invoke") as raised:
            client.invoke(FunctionName="f")
        assert "mock_aws" in str(raised.value)


def test_non_lambda_calls_are_handed_on_untouched(no_network):
    from botocore.awsrequest import AWSResponse

    from mock_esm.wire.interceptor import _Body

    sent = []

    def sender(request, **kwargs):
        sent.append(request.url)
        return AWSResponse(request.url, 200, {}, _Body(b'{"QueueUrls": []}'))

    with mock_esm():
        sqs = boto3.client("sqs", region_name="us-east-1")
        sqs.meta.events.register("before-send.sqs", sender)
        sqs.list_queues()
    assert sent == ["https://sqs.us-east-1.amazonaws.com/"]


def test_clients_created_before_activation_are_mocked(no_network):
    client = boto3.client("lambda", region_name="us-east-1")
    with mock_esm():
        assert _create(client)["State"] == "Creating"


def test_default_session_client_is_mocked(no_network):
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        assert client.list_event_source_mappings()["EventSourceMappings"] == []
