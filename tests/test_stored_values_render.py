"""A value the mock accepts must render in every later answer, in any local time zone.

botocore turns every timestamp back into a datetime in the process's zone; a value it cannot
turn back would make each later List, Get and ``esm.mappings()`` raise, so such values are
refused when written, with nothing stored.
"""

from __future__ import annotations

import datetime
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from werkzeug.test import Client

from mock_esm import mock_esm
from mock_esm.wire import server

from .zones import ZONES, local_zone

STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
PATH = "/2015-03-31/event-source-mappings"
EARLIEST = ("StartingPositionTimestamp ({timestamp}) must be at or after 1970-01-01T00:00:00Z "
            "(Unix time 0); use StartingPosition TRIM_HORIZON to read from the oldest record.")
UTC = datetime.timezone.utc


@pytest.fixture(params=ZONES)
def zone(request):
    with local_zone(request.param):
        yield request.param


@pytest.mark.parametrize("when", [datetime.datetime(1, 1, 1, tzinfo=UTC),
                                  datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)])
def test_a_timestamp_before_1970_is_refused_and_nothing_is_stored(zone, when):
    with mock_esm() as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        with pytest.raises(ClientError) as caught:
            client.create_event_source_mapping(
                EventSourceArn=STREAM, FunctionName="f", StartingPosition="AT_TIMESTAMP",
                StartingPositionTimestamp=when)
        error = caught.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error["Error"]["Code"] == "InvalidParameterValueException"
        assert error["message"] == EARLIEST.format(timestamp=when.isoformat())
        assert client.list_event_source_mappings()["EventSourceMappings"] == []
        assert esm.mappings() == []


def test_unix_time_zero_is_accepted_and_renders_in_every_zone(zone):
    with mock_esm() as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        start = datetime.datetime(1970, 1, 1, tzinfo=UTC)
        uuid = client.create_event_source_mapping(
            EventSourceArn=STREAM, FunctionName="f", StartingPosition="AT_TIMESTAMP",
            StartingPositionTimestamp=start)["UUID"]
        assert client.get_event_source_mapping(UUID=uuid)["StartingPosition"] == "AT_TIMESTAMP"
        [listed] = client.list_event_source_mappings()["EventSourceMappings"]
        assert listed["UUID"] == uuid
        assert [m["UUID"] for m in esm.mappings()] == [uuid]


@pytest.fixture
def app() -> Client:
    return Client(server.EsmServer(account_id="123456789012", transition_seconds=0))


@pytest.mark.parametrize(("raw", "shown"), [
    (-1e300, "-1e+300"), (-(2 ** 63), repr(-(2 ** 63))),
    (-62135596800, "0001-01-01T00:00:00+00:00"),
])
def test_raw_bodies_with_timestamps_no_sdk_can_render_are_refused(app, zone, raw, shown):
    body = {"EventSourceArn": STREAM, "FunctionName": "f", "StartingPosition": "AT_TIMESTAMP",
            "StartingPositionTimestamp": raw}
    response = app.post(PATH, data=json.dumps(body))
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "InvalidParameterValueException"
    assert response.get_json()["message"] == EARLIEST.format(timestamp=shown)
    assert app.get(PATH).get_json() == {"EventSourceMappings": []}
    assert app.get("/_mock_esm/mappings").get_json() == []


@pytest.mark.parametrize("raw", [253402300800, 1e300, 2 ** 63])
def test_timestamps_past_year_9999_get_the_future_refusal_not_a_crash(app, raw):
    body = {"EventSourceArn": STREAM, "FunctionName": "f", "StartingPosition": "AT_TIMESTAMP",
            "StartingPositionTimestamp": raw}
    response = app.post(PATH, data=json.dumps(body))
    assert response.status_code == 400
    assert response.get_json()["message"].startswith(
        f"StartingPositionTimestamp ({raw!r}) cannot be in the future")
    assert app.get(PATH).get_json() == {"EventSourceMappings": []}


def test_the_sdk_refuses_what_it_cannot_serialise_before_the_mock_sees_it(zone):
    # With client validation off, botocore itself raises for these while building the request;
    # the mock is never called and stays usable.
    with mock_esm() as esm:
        client = boto3.client("lambda", region_name="us-east-1",
                              config=Config(parameter_validation=False))
        with pytest.raises(RuntimeError, match="Unable to calculate correct timezone offset"):
            client.create_event_source_mapping(
                EventSourceArn=STREAM, FunctionName="f", StartingPosition="AT_TIMESTAMP",
                StartingPositionTimestamp=-1e300)
        assert esm.mappings() == []
