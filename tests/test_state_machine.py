"""Every state transition and every ResourceInUse case, under freezegun and time-machine.

Each test runs four times (see ``clock_drivers``): freezegun or time-machine, started before or
after the mock.  The default transition time (1 s) is used throughout, so these tests also pin
that default.
"""

from __future__ import annotations

from typing import Any, Dict

import boto3
import pytest

from .clock_drivers import START_EPOCH, Clocked
from .clock_drivers import clocked as clocked  # the fixture; imported so pytest finds it
from .conftest import QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN

UNSET: Any = object()


def _client() -> Any:
    return boto3.client("lambda", region_name="us-east-1")


def _create(client: Any, enabled: Any = UNSET, source: str = QUEUE_ARN) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = {"EventSourceArn": source, "FunctionName": "worker"}
    if source in (STREAM_ARN, TABLE_STREAM_ARN):
        kwargs["StartingPosition"] = "LATEST"
    if enabled is not UNSET:
        kwargs["Enabled"] = enabled
    return dict(client.create_event_source_mapping(**kwargs))


def _get(client: Any, uuid: str) -> Dict[str, Any]:
    return dict(client.get_event_source_mapping(UUID=uuid))


def _body(response: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _modified(response: Dict[str, Any]) -> float:
    """LastModified as seconds after the frozen start."""
    return round(response["LastModified"].timestamp() - START_EPOCH, 3)


def _settled(clocked: Clocked, client: Any, enabled: bool) -> str:
    """A mapping already in Enabled or Disabled, the clock moved past its creation."""
    uuid = _create(client, enabled=enabled)["UUID"]
    clocked.advance(1)
    assert _get(client, uuid)["State"] == ("Enabled" if enabled else "Disabled")
    return str(uuid)


def test_create_answers_creating_and_becomes_enabled_one_second_later(clocked):
    client = _client()
    created = _create(client)
    assert created["State"] == "Creating"
    assert _modified(created) == 0
    clocked.advance(0.999)
    assert _get(client, created["UUID"])["State"] == "Creating"
    clocked.advance(0.001)
    enabled = _get(client, created["UUID"])
    assert enabled["State"] == "Enabled"
    assert _modified(enabled) == 1.0


def test_create_disabled_answers_disabled_at_once_and_stays(clocked):
    client = _client()
    created = _create(client, enabled=False)
    assert created["State"] == "Disabled"
    clocked.advance(3600)
    fetched = _get(client, created["UUID"])
    assert fetched["State"] == "Disabled"
    assert _modified(fetched) == 0


@pytest.mark.parametrize("enabled", [True, False], ids=["enabled", "disabled"])
def test_update_of_settings_answers_updating_then_returns_to_the_previous_state(
        clocked, enabled):
    client = _client()
    uuid = _settled(clocked, client, enabled)
    clocked.advance(5)
    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=4)
    assert updated["State"] == "Updating"
    assert updated["BatchSize"] == 4
    assert _modified(updated) == 6
    clocked.advance(0.5)
    assert _get(client, uuid)["State"] == "Updating"
    clocked.advance(0.5)
    after = _get(client, uuid)
    assert after["State"] == ("Enabled" if enabled else "Disabled")
    assert after["BatchSize"] == 4
    assert _modified(after) == 7


@pytest.mark.parametrize(("enabled", "passing", "final"), [
    (True, "Disabling", "Disabled"), (False, "Enabling", "Enabled")],
    ids=["disable-enabled", "enable-disabled"])
@pytest.mark.parametrize("extra", [{}, {"BatchSize": 3}], ids=["alone", "with-settings"])
def test_flipping_enabled_passes_through_disabling_or_enabling(clocked, enabled, passing,
                                                               final, extra):
    client = _client()
    uuid = _settled(clocked, client, enabled)
    updated = client.update_event_source_mapping(UUID=uuid, Enabled=not enabled, **extra)
    assert updated["State"] == passing
    clocked.advance(0.999)
    assert _get(client, uuid)["State"] == passing
    clocked.advance(0.001)
    after = _get(client, uuid)
    assert after["State"] == final
    assert after["BatchSize"] == extra.get("BatchSize", 10)


@pytest.mark.parametrize(("enabled", "request_"), [
    (True, {}), (True, {"Enabled": True}), (False, {}), (False, {"Enabled": False}),
], ids=["enabled-nothing", "enabled-Enabled=True", "disabled-nothing",
        "disabled-Enabled=False"])
def test_an_update_that_changes_nothing_answers_updating(clocked, enabled, request_):
    client = _client()
    uuid = _settled(clocked, client, enabled)
    before = _get(client, uuid)
    updated = client.update_event_source_mapping(UUID=uuid, **request_)
    assert updated["State"] == "Updating"
    assert _modified(updated) == 1.0
    clocked.advance(1)
    after = _get(client, uuid)
    assert {**_body(after), "LastModified": None} == {**_body(before), "LastModified": None}
    assert _modified(after) == 2.0


def test_delete_answers_the_full_mapping_deleting_visible_until_it_is_gone(clocked):
    client = _client()
    uuid = _settled(clocked, client, True)
    before = _get(client, uuid)
    deleted = dict(client.delete_event_source_mapping(UUID=uuid))
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    assert set(deleted) == set(before)
    clocked.advance(0.5)
    assert _get(client, uuid)["State"] == "Deleting"
    [listed] = client.list_event_source_mappings()["EventSourceMappings"]
    assert (listed["UUID"], listed["State"]) == (uuid, "Deleting")
    assert [m["State"] for m in clocked.esm.mappings()] == ["Deleting"]
    clocked.advance(0.5)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_event_source_mapping(UUID=uuid)
    assert client.list_event_source_mappings()["EventSourceMappings"] == []
    assert clocked.esm.mappings() == []


@pytest.mark.parametrize(("source", "reason"), [
    (QUEUE_ARN, "USER_INITIATED"), (STREAM_ARN, "User action"),
    (TABLE_STREAM_ARN, "User action"),
], ids=["sqs", "kinesis", "dynamodb"])
def test_transition_reason_and_processing_result_hold_in_every_state(clocked, source, reason):
    client = _client()
    uuid = _create(client, source=source)["UUID"]
    seen = []
    responses = [_get(client, uuid)]
    for step in ({"BatchSize": 5}, {"Enabled": False}, {"Enabled": True}, None):
        clocked.advance(1)
        responses.append(_get(client, uuid))
        if step is None:
            responses.append(dict(client.delete_event_source_mapping(UUID=uuid)))
        else:
            responses.append(dict(client.update_event_source_mapping(UUID=uuid, **step)))
    for response in responses:
        seen.append(response["State"])
        assert response["StateTransitionReason"] == reason
        if source == QUEUE_ARN:
            assert "LastProcessingResult" not in response
        else:
            assert response["LastProcessingResult"] == "No records processed"
    assert seen == ["Creating", "Enabled", "Updating", "Enabled", "Disabling", "Disabled",
                    "Enabling", "Enabled", "Deleting"]


def test_last_modified_follows_every_update_and_state_change(clocked):
    client = _client()
    uuid = _create(client)["UUID"]
    stamps = [_modified(_get(client, uuid))]
    clocked.advance(2.5)  # Creating ended at 1.0: the change is stamped when it happened
    stamps.append(_modified(_get(client, uuid)))
    stamps.append(_modified(client.update_event_source_mapping(UUID=uuid, Enabled=False)))
    clocked.advance(10)
    stamps.append(_modified(_get(client, uuid)))
    stamps.append(_modified(client.update_event_source_mapping(UUID=uuid, BatchSize=2)))
    clocked.advance(1)
    stamps.append(_modified(_get(client, uuid)))
    stamps.append(_modified(client.delete_event_source_mapping(UUID=uuid)))
    assert stamps == [0, 1.0, 2.5, 3.5, 12.5, 13.5, 13.5]


PENDING = {
    "Creating": lambda client, clocked: _create(client)["UUID"],
    "Updating": lambda client, clocked: client.update_event_source_mapping(
        UUID=_settled(clocked, client, True), BatchSize=2)["UUID"],
    "Enabling": lambda client, clocked: client.update_event_source_mapping(
        UUID=_settled(clocked, client, False), Enabled=True)["UUID"],
    "Disabling": lambda client, clocked: client.update_event_source_mapping(
        UUID=_settled(clocked, client, True), Enabled=False)["UUID"],
    "Deleting": lambda client, clocked: client.delete_event_source_mapping(
        UUID=_settled(clocked, client, True))["UUID"],
}
SETTLES_TO = {"Creating": "Enabled", "Updating": "Enabled", "Enabling": "Enabled",
              "Disabling": "Disabled"}


@pytest.mark.parametrize("state", sorted(PENDING))
@pytest.mark.parametrize("operation", ["update", "delete"])
def test_update_or_delete_while_pending_is_resource_in_use_and_changes_nothing(
        clocked, state, operation):
    client = _client()
    uuid = PENDING[state](client, clocked)
    clocked.advance(0.5)
    before = _get(client, uuid)
    assert before["State"] == state
    with pytest.raises(client.exceptions.ResourceInUseException) as raised:
        if operation == "update":
            client.update_event_source_mapping(UUID=uuid, BatchSize=7, Enabled=False)
        else:
            client.delete_event_source_mapping(UUID=uuid)
    response = raised.value.response
    message = f"Cannot {operation} the event source mapping because it is in use."
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "ResourceInUseException")
    assert response["Error"] == {"Code": "ResourceInUseException", "Message": message}
    assert (response["Type"], response["Message"]) == ("User", message)
    assert _body(_get(client, uuid)) == _body(before)
    clocked.advance(0.5)  # the transition still ends when it was due
    if state == "Deleting":
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_event_source_mapping(UUID=uuid)
    else:
        after = _get(client, uuid)
        assert after["State"] == SETTLES_TO[state]
        assert after["BatchSize"] == before["BatchSize"]


def test_update_and_delete_are_accepted_the_moment_a_transition_is_due(clocked):
    client = _client()
    uuid = _create(client)["UUID"]
    clocked.advance(1)
    assert client.update_event_source_mapping(UUID=uuid, BatchSize=2)["State"] == "Updating"
    clocked.advance(1)
    assert client.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"


def test_every_read_path_catches_up_however_far_the_clock_jumped(clocked):
    client = _client()
    uuids = [_create(client, source=f"{QUEUE_ARN}{i}")["UUID"] for i in range(3)]
    clocked.advance(86400)
    assert [m["State"] for m in clocked.esm.mappings()] == ["Enabled"] * 3
    states = [m["State"] for m in client.list_event_source_mappings()["EventSourceMappings"]]
    assert states == ["Enabled"] * 3
    assert client.update_event_source_mapping(UUID=uuids[0], Enabled=False)["State"] == (
        "Disabling")
    assert client.delete_event_source_mapping(UUID=uuids[1])["State"] == "Deleting"
    clocked.advance(86400)
    assert [(m["UUID"], m["State"]) for m in clocked.esm.mappings()] == [
        (uuids[0], "Disabled"), (uuids[2], "Enabled")]


def test_a_deleting_mapping_still_holds_its_source_and_function_until_it_is_gone(clocked):
    client = _client()
    uuid = _settled(clocked, client, True)
    client.delete_event_source_mapping(UUID=uuid)
    with pytest.raises(client.exceptions.ResourceConflictException) as raised:
        _create(client)
    assert raised.value.response["message"].endswith(f"existing mapping with UUID {uuid}")
    clocked.advance(1)
    assert _create(client)["State"] == "Creating"
