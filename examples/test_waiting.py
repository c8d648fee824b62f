"""How a user tests waiting code: freeze the clock, let a patched sleep move it, and count."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import boto3
import pytest

from mock_esm import mock_esm

from .waiting import update_when_ready, wait_for_state

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def test_wait_for_enabled_under_freezegun():
    freeze_time = pytest.importorskip("freezegun").freeze_time  # optional: skip without it
    with freeze_time(START) as frozen, mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE,
                                                  FunctionName="worker")["UUID"]
        with mock.patch("time.sleep", side_effect=frozen.tick) as sleep:
            mapping = wait_for_state(client, uuid, "Enabled")
        assert mapping["State"] == "Enabled"
        assert sleep.call_count == 5  # 5 x 0.2 s reaches the default 1 s transition


def test_update_retries_while_creating_under_time_machine():
    time_machine = pytest.importorskip("time_machine")  # optional: skip without it
    with mock_esm(), time_machine.travel(START, tick=False) as traveller:
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE,
                                                  FunctionName="worker")["UUID"]
        with mock.patch("time.sleep", side_effect=traveller.shift) as sleep:
            updated = update_when_ready(client, uuid, BatchSize=5)
            assert updated["State"] == "Updating"
            assert sleep.call_count == 2  # refused at 0 s and 0.5 s, accepted at 1 s
            assert wait_for_state(client, uuid, "Enabled")["BatchSize"] == 5


def test_wait_times_out_when_the_state_never_comes():
    freeze_time = pytest.importorskip("freezegun").freeze_time  # optional: skip without it
    with freeze_time(START) as frozen, mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker",
                                                  Enabled=False)["UUID"]
        with mock.patch("time.sleep", side_effect=frozen.tick), \
                pytest.raises(TimeoutError, match=r"is still Disabled after 3\.0 s"):
            wait_for_state(client, uuid, "Enabled", timeout=3.0)
        assert time.time() == START.timestamp() + 3.0
