"""The clock libraries' own controls, the transition_seconds option, settle(), and a user's
polling loop: what users do to test their waiting code without waiting."""

from __future__ import annotations

import datetime
import gc
import re
import time
from typing import Any, Callable, Iterator, List

import boto3
import pytest

from mock_esm import mock_esm

from .clock_drivers import START, START_EPOCH, clocked_mock
from .conftest import QUEUE_ARN, freeze_time, travel


def _client() -> Any:
    return boto3.client("lambda", region_name="us-east-1")


def _create(client: Any, **kwargs: Any) -> str:
    return str(client.create_event_source_mapping(
        EventSourceArn=kwargs.pop("source", QUEUE_ARN), FunctionName="worker", **kwargs)["UUID"])


def _state(client: Any, uuid: str) -> str:
    return str(client.get_event_source_mapping(UUID=uuid)["State"])


def _expect_transition(client: Any, uuid: str, advance: Callable[[float], Any], seconds: float,
                       passing: str, final: str) -> None:
    """Still ``passing`` a moment before ``seconds`` have gone by, ``final`` once they have."""
    advance(seconds - 0.1)
    assert _state(client, uuid) == passing
    advance(0.1)
    assert _state(client, uuid) == final


# -- freezegun's controls -------------------------------------------------------------------------


def test_freezegun_move_to_settles_a_transition():
    with freeze_time("2024-01-01 12:00:00") as frozen, mock_esm():
        client = _client()
        uuid = _create(client)
        frozen.move_to("2024-01-01 12:00:00.999")
        assert _state(client, uuid) == "Creating"
        frozen.move_to("2024-01-01 12:00:01")
        fetched = client.get_event_source_mapping(UUID=uuid)
        assert fetched["State"] == "Enabled"
        assert fetched["LastModified"] == datetime.datetime(
            2024, 1, 1, 12, 0, 1, tzinfo=datetime.timezone.utc)


def test_freezegun_auto_tick_moves_the_clock_once_per_call(no_garbage_collection):
    # mock_esm reads the clock exactly once per call, so each call is one tick later.
    with freeze_time("2024-01-01", auto_tick_seconds=0.25), mock_esm():
        client = _client()
        uuid = _create(client)  # t = 0
        states = [_state(client, uuid) for _ in range(5)]  # t = 0.25 ... 1.25
    assert states == ["Creating", "Creating", "Creating", "Enabled", "Enabled"]


@pytest.fixture
def no_garbage_collection() -> Iterator[None]:
    """Once hypothesis has run in a process, its gc callback reads ``perf_counter`` at every
    collection, and under an auto-ticking clock each read is a tick this test never made."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_freezegun_tick_by_exactly_the_transition_settles_from_any_start_instant():
    # Float epochs are not exact: from these instants, start + 0.7 exceeds the clock after
    # tick(0.7) by an ulp, and a naive comparison would leave the mapping Creating.
    for microsecond in (0, 79193, 237579, 554351):
        start = datetime.datetime(2024, 1, 1, 0, 0, 0, microsecond)
        with freeze_time(start) as frozen, mock_esm(transition_seconds=0.7):
            client = _client()
            uuid = _create(client)
            frozen.tick(0.699999)
            assert _state(client, uuid) == "Creating"
            frozen.tick(0.000001)
            assert _state(client, uuid) == "Enabled", microsecond


# -- time-machine's controls ----------------------------------------------------------------------


def test_time_machine_travel_shift_and_move_to_drive_transitions():
    with mock_esm(), travel(START, tick=False) as traveller:
        client = _client()
        uuid = _create(client)
        traveller.shift(datetime.timedelta(milliseconds=999))
        assert _state(client, uuid) == "Creating"
        traveller.shift(0.001)
        assert _state(client, uuid) == "Enabled"
        client.update_event_source_mapping(UUID=uuid, Enabled=False)
        traveller.move_to(START + datetime.timedelta(seconds=1, milliseconds=999))
        assert _state(client, uuid) == "Disabling"
        traveller.move_to(START + datetime.timedelta(seconds=2))
        fetched = client.get_event_source_mapping(UUID=uuid)
        assert fetched["State"] == "Disabled"
        assert fetched["LastModified"].timestamp() == START_EPOCH + 2


def test_time_machine_ticking_clock_is_honoured_without_waiting():
    # tick=True lets real time flow from the destination; a shift still jumps it forward.
    with travel(START) as traveller, mock_esm():
        client = _client()
        uuid = _create(client)
        assert _state(client, uuid) == "Creating"
        traveller.shift(1)
        assert _state(client, uuid) == "Enabled"


# -- transition_seconds ---------------------------------------------------------------------------


@pytest.mark.parametrize("library", ["freezegun", "time-machine"])
def test_transition_seconds_sets_how_long_every_transition_takes(library):
    with clocked_mock(library, "clock-first", transition_seconds=30) as clocked:
        client = _client()
        uuid = _create(client)
        _expect_transition(client, uuid, clocked.advance, 30, "Creating", "Enabled")
        client.update_event_source_mapping(UUID=uuid, Enabled=False)
        _expect_transition(client, uuid, clocked.advance, 30, "Disabling", "Disabled")


def test_environment_variable_sets_the_default_and_an_explicit_option_wins(monkeypatch):
    monkeypatch.setenv("MOCK_ESM_TRANSITION_SECONDS", "5")
    with freeze_time(START) as frozen, mock_esm():
        client = _client()
        _expect_transition(client, _create(client), frozen.tick, 5, "Creating", "Enabled")
    with freeze_time(START), mock_esm(transition_seconds=0):
        client = _client()
        uuid = _create(client)
        assert _state(client, uuid) == "Enabled"


def test_zero_shows_every_transitional_state_in_the_response_and_settles_on_the_next_read():
    with freeze_time(START), mock_esm(transition_seconds=0):  # the clock never moves
        client = _client()
        created = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                     FunctionName="worker")
        uuid = created["UUID"]
        answers = [created["State"], _state(client, uuid)]
        for request in ({"BatchSize": 3}, {"Enabled": False}, {"Enabled": True}):
            answers.append(client.update_event_source_mapping(UUID=uuid, **request)["State"])
            answers.append(_state(client, uuid))
        answers.append(client.delete_event_source_mapping(UUID=uuid)["State"])
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_event_source_mapping(UUID=uuid)
    assert answers == ["Creating", "Enabled", "Updating", "Enabled", "Disabling", "Disabled",
                       "Enabling", "Enabled", "Deleting"]


@pytest.mark.parametrize("value", [-1, -0.5, float("nan"), float("inf"), True, [1]])
def test_bad_transition_seconds_option_raises_value_error_naming_value_and_range(value):
    expected = ("mock_esm(transition_seconds=...) must be a finite number of seconds >= 0 "
                f"(0 settles every transition on the next read); got {value!r}")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        mock_esm(transition_seconds=value)


@pytest.mark.parametrize("value", ["-1", "nan", "NaN", "inf", "soon", "", "1s"])
def test_bad_transition_seconds_environment_variable_raises_when_mock_esm_is_called(
        monkeypatch, value):
    monkeypatch.setenv("MOCK_ESM_TRANSITION_SECONDS", value)
    expected = ("$MOCK_ESM_TRANSITION_SECONDS must be a finite number of seconds >= 0 "
                f"(0 settles every transition on the next read); got {value!r}")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        mock_esm()


@pytest.mark.parametrize(("raw", "seconds"), [("0", 0.0), ("2.5", 2.5), (" 3 ", 3.0)])
def test_good_transition_seconds_environment_values_are_accepted(monkeypatch, raw, seconds):
    monkeypatch.setenv("MOCK_ESM_TRANSITION_SECONDS", raw)
    with freeze_time(START) as frozen, mock_esm():
        client = _client()
        uuid = _create(client)
        if seconds:
            _expect_transition(client, uuid, frozen.tick, seconds, "Creating", "Enabled")
        assert _state(client, uuid) == "Enabled"


# -- settle() -------------------------------------------------------------------------------------


def test_settle_finishes_every_pending_transition_now_in_every_region():
    with freeze_time(START) as frozen, mock_esm(transition_seconds=60) as esm:
        east, west = _client(), boto3.client("lambda", region_name="us-west-2")
        creating = _create(east)
        disabling = _create(east, source=QUEUE_ARN + "2", Enabled=True)
        frozen.tick(60)
        east.update_event_source_mapping(UUID=disabling, Enabled=False)
        deleting = _create(west, source="arn:aws:sqs:us-west-2:123456789012:q")
        frozen.tick(60)
        west.delete_event_source_mapping(UUID=deleting)
        late = _create(east, source=QUEUE_ARN + "3")
        frozen.tick(1)
        esm.settle()
        states = {m["UUID"]: (m["State"], m["LastModified"].timestamp() - START_EPOCH)
                  for m in esm.mappings()}
        # Transitions already due are stamped when they ended; the others now, not in the future.
        assert states == {creating: ("Enabled", 60), disabling: ("Disabled", 120),
                          late: ("Enabled", 121)}
        with pytest.raises(west.exceptions.ResourceNotFoundException):
            west.get_event_source_mapping(UUID=deleting)
        assert east.update_event_source_mapping(UUID=late, BatchSize=2)["State"] == "Updating"


# -- a user's waiting code ------------------------------------------------------------------------


def wait_until_enabled(client: Any, uuid: str) -> int:
    """What users write: poll until the mapping is ready; returns how many sleeps it took."""
    sleeps = 0
    state = client.get_event_source_mapping(UUID=uuid)["State"]
    while state != "Enabled":
        time.sleep(0.2)
        sleeps += 1
        if sleeps > 50:
            raise AssertionError("the mapping never became Enabled")
        state = client.get_event_source_mapping(UUID=uuid)["State"]
    return sleeps


def test_polling_loop_with_sleep_advancing_freezegun_ends_within_six_iterations(monkeypatch):
    with freeze_time(START) as frozen, mock_esm():
        slept: List[float] = []

        def fake_sleep(seconds: float) -> None:
            slept.append(seconds)
            frozen.tick(seconds)

        monkeypatch.setattr(time, "sleep", fake_sleep)
        client = _client()
        uuid = _create(client)
        sleeps = wait_until_enabled(client, uuid)
    assert 1 <= sleeps <= 6
    assert sleeps == 5  # 5 x 0.2 s = the 1 s default
    assert slept == [0.2] * 5


def test_polling_loop_with_sleep_shifting_time_machine_ends_within_six_iterations(monkeypatch):
    with mock_esm(), travel(START, tick=False) as traveller:
        monkeypatch.setattr(time, "sleep", traveller.shift)
        client = _client()
        uuid = _create(client)
        assert wait_until_enabled(client, uuid) == 5
