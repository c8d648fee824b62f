"""Hostile input never crashes the mock, never poisons a later call, in any time zone.

Two ways in, both with strategies read from the botocore input shapes of the five operations:

* boto3 with client-side validation off: extreme numbers, huge strings, timestamps across
  everything ``datetime`` holds, realistic values mixed in so that many calls succeed;
* raw JSON bodies through ``requests`` (``intercept_requests=True``): everything above plus a
  null at any structure member, wrong JSON types, numbers no SDK sends and unknown members
  nested deep.

The invariant, after every call: success, or a 4xx an AWS SDK can parse (code, message); a
refused call changes nothing; and Get of every mapping, List (every page), ``esm.mappings()``
and ``esm.poll()`` all still work.

Bounds: CI runs ``CI_EXAMPLES`` per test (a few seconds for the module).  Hunt for bugs with
``--hypothesis-profile=mock_esm-long`` or ``MOCK_ESM_FUZZ_EXAMPLES=5000``.

Not generated here (they belong to request validation, rebuilt from the botocore model on
another branch): a null inside a list or a map, ``SelfManagedEventSource.Endpoints`` null, and
unknown members nested more than ``UNKNOWN_DEPTH`` levels.
"""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, Dict, List, Optional, Tuple

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from botocore.model import Shape
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm

from .test_fuzz import FUNCTION_NAMES, SOURCE_ARNS
from .zones import ZONES, local_zone

MODEL = botocore.session.get_session().get_service_model("lambda")
OPERATIONS = ("CreateEventSourceMapping", "GetEventSourceMapping", "UpdateEventSourceMapping",
              "DeleteEventSourceMapping", "ListEventSourceMappings")
CI_EXAMPLES = 30
_LONG = settings.get_profile("mock_esm-long").max_examples
EXAMPLES = int(os.environ.get("MOCK_ESM_FUZZ_EXAMPLES") or (
    _LONG if settings.default.max_examples == _LONG else CI_EXAMPLES))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DEPTH = 4  # model structures below this depth are left empty
UNKNOWN_DEPTH = 300
# Errors a 4xx may carry besides those the operation declares: Lambda's front end answers a
# broken constraint with ValidationException and unreadable JSON with
# InvalidRequestContentException; a route nobody serves is UnknownOperationException.
FRAMEWORK_ERRORS = {"ValidationException", "InvalidRequestContentException",
                    "UnknownOperationException"}
ENDPOINT = "https://lambda.us-east-1.amazonaws.com/2015-03-31/event-source-mappings"
HUGE = "x" * 300_000

EXTREME_NUMBERS = st.sampled_from([
    0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 2 ** 63, -(2 ** 63), 10 ** 30,
    1e300, -1e300, 1.5, -0.0, 5e-324])
TIMESTAMPS = st.one_of(
    st.datetimes(min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30),
                 timezones=st.just(datetime.timezone.utc)),
    st.sampled_from([datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc),
                     datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)]))
TEXT = st.one_of(st.text(max_size=40), st.just(HUGE), st.just(""))
OVERRIDES = {
    "EventSourceArn": st.sampled_from(SOURCE_ARNS),
    "FunctionName": st.sampled_from(FUNCTION_NAMES),
    "Pattern": st.one_of(
        st.integers(1, 900).map(lambda depth: '{"body":' + '{"a":' * depth + '["x"]'
                                + "}" * depth + "}"),
        st.sampled_from(['{"body": {"a": ["x"]}}', '{"a": [{"numeric": [">", 1e308]}]}',
                         '[' * 3000, '{"a": [' + "[" * 1500 + "]" * 1500 + "]}"])),
}


def _value(shape: Shape, depth: int, raw: bool) -> st.SearchStrategy[Any]:
    """Values for ``shape``: the model's kind, at its extremes, and (raw) any JSON at all."""
    kind = shape.type_name
    if kind == "structure":
        strategy: st.SearchStrategy[Any] = _structure(shape, depth, raw)
    elif kind == "list":
        strategy = st.lists(_value(shape.member, depth + 1, raw), max_size=3)
    elif kind == "map":
        strategy = st.dictionaries(_value(shape.key, depth + 1, raw=False),  # JSON keys
                                   _value(shape.value, depth + 1, raw), max_size=3)
    elif kind == "string":
        strategy = st.one_of(st.sampled_from(shape.enum), TEXT) if shape.enum else TEXT
    elif kind in ("integer", "long"):
        strategy = st.one_of(st.integers(-(2 ** 64), 2 ** 64), EXTREME_NUMBERS.filter(
            lambda number: raw or isinstance(number, int)))
    elif kind == "boolean":
        strategy = st.booleans()
    elif kind == "timestamp":
        strategy = TIMESTAMPS.map(lambda when: when.timestamp()) if raw else TIMESTAMPS
        if raw:
            strategy = st.one_of(strategy, EXTREME_NUMBERS)
    else:
        strategy = st.binary(max_size=8)
    if raw and kind not in ("structure", "list", "map"):
        # Wrong JSON types: the mock must refuse them as Lambda does, not trip over them.
        wrong = st.one_of(st.booleans(), st.just([]), st.just({}))
        strategy = st.one_of(strategy, strategy, strategy, wrong)
    return strategy


def _structure(shape: Shape, depth: int, raw: bool) -> st.SearchStrategy[Dict[str, Any]]:
    if depth >= DEPTH:
        return st.just({})
    members = {name: OVERRIDES[name] if name in OVERRIDES else _value(member, depth + 1, raw)
               for name, member in shape.members.items()}
    if raw:
        members = {name: st.one_of(strategy, strategy, strategy, st.none())
                   if name != "Endpoints" else strategy for name, strategy in members.items()}

    @st.composite
    def build(draw: Any) -> Dict[str, Any]:
        chosen = draw(st.lists(st.sampled_from(sorted(members)), max_size=4, unique=True))
        value = {name: draw(members[name]) for name in chosen}
        for name in shape.required_members:
            value.setdefault(name, draw(members[name]))
        if "EventSourceArn" in members and draw(st.integers(0, 4)):
            value.setdefault("EventSourceArn", draw(members["EventSourceArn"]))
        if raw and depth == 0 and draw(st.integers(0, 5)) == 0:
            value["Unknown"] = _nested(draw(st.integers(1, UNKNOWN_DEPTH)))
        return value

    return build()


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:s"
# Requests Lambda accepts, one per source family: a hostile member laid over one of these
# reaches the source's own rules, where a random request is usually refused much earlier.
TEMPLATES: Dict[str, List[Dict[str, Any]]] = {
    "CreateEventSourceMapping": [
        {"EventSourceArn": SOURCE_ARNS[0], "FunctionName": "worker"},
        {"EventSourceArn": SOURCE_ARNS[1], "FunctionName": "worker"},
        {"EventSourceArn": SOURCE_ARNS[2], "FunctionName": "worker",
         "StartingPosition": "AT_TIMESTAMP"},
        {"EventSourceArn": SOURCE_ARNS[2], "FunctionName": "worker",
         "StartingPosition": "LATEST"},
        {"EventSourceArn": SOURCE_ARNS[3], "FunctionName": "worker",
         "StartingPosition": "TRIM_HORIZON"},
        {"EventSourceArn": SOURCE_ARNS[4], "FunctionName": "worker", "Topics": ["t"],
         "StartingPosition": "LATEST"},
        {"EventSourceArn": SOURCE_ARNS[5], "FunctionName": "worker", "Queues": ["q"],
         "SourceAccessConfigurations": [{"Type": "BASIC_AUTH", "URI": SECRET}]},
        {"SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["b-1:9092"]}},
         "FunctionName": "worker", "Topics": ["t"], "StartingPosition": "AT_TIMESTAMP",
         "SourceAccessConfigurations": [{"Type": "BASIC_AUTH", "URI": SECRET}]},
    ],
    "UpdateEventSourceMapping": [{"UUID": "live"}],
}


def _request(operation: str, raw: bool) -> st.SearchStrategy[Dict[str, Any]]:
    shape = MODEL.operation_model(operation).input_shape
    free = _structure(shape, 0, raw)
    if operation not in TEMPLATES:
        return free
    members = {name: OVERRIDES[name] if name in OVERRIDES else _value(member, 1, raw)
               for name, member in shape.members.items() if name != "UUID"}
    stamps = st.one_of(TIMESTAMPS.map(lambda when: when.timestamp()),
                       EXTREME_NUMBERS) if raw else TIMESTAMPS

    @st.composite
    def overlaid(draw: Any) -> Dict[str, Any]:
        request = json.loads(json.dumps(draw(st.sampled_from(TEMPLATES[operation]))))
        if request.get("StartingPosition") == "AT_TIMESTAMP":
            request["StartingPositionTimestamp"] = draw(stamps)
        for name in draw(st.lists(st.sampled_from(sorted(members)), max_size=2, unique=True)):
            request[name] = draw(members[name])
        return request

    return st.one_of(free, overlaid(), overlaid())


# -- the invariant ---------------------------------------------------------------------------


def _seed(client: Any, esm: Any) -> List[str]:
    esm.reset()
    uuids = [
        client.create_event_source_mapping(EventSourceArn=SOURCE_ARNS[0],
                                           FunctionName="worker")["UUID"],
        client.create_event_source_mapping(EventSourceArn=SOURCE_ARNS[2], FunctionName="worker",
                                           StartingPosition="LATEST")["UUID"],
    ]
    esm.register_function("worker", lambda event, context: None)
    esm.put_records(SOURCE_ARNS[0], ['{"a": "x"}'])
    return uuids


def _reseed_if_needed(client: Any, esm: Any, live: List[str]) -> None:
    """Keep each example small, and its UUIDs naming mappings that exist."""
    held = esm.mappings()
    if len(held) > 6 or not set(live) <= {m["UUID"] for m in held}:
        live[:] = _seed(client, esm)


def _everything_still_answers(client: Any, esm: Any) -> List[Dict[str, Any]]:
    """Get of each mapping, List to the last page, mappings() and poll(); the mappings."""
    mappings = esm.mappings()
    for mapping in mappings:
        assert client.get_event_source_mapping(UUID=mapping["UUID"])["UUID"] == mapping["UUID"]
    listed: List[str] = []
    page = client.list_event_source_mappings(MaxItems=1)
    listed += [m["UUID"] for m in page["EventSourceMappings"]]
    while "NextMarker" in page:
        page = client.list_event_source_mappings(MaxItems=1, Marker=page["NextMarker"])
        listed += [m["UUID"] for m in page["EventSourceMappings"]]
    in_region = [m["UUID"] for m in esm.mappings(region="us-east-1")]
    assert sorted(listed) == sorted(in_region)
    esm.poll()
    return mappings


def _without_states(mappings: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    # A refused call changes nothing; the clock may still move a pending state on.
    return [{k: v for k, v in m.items() if k not in ("State", "LastModified")} for m in mappings]


def _check_refusal(operation: str, status: int, code: str, message: str) -> None:
    declared = {shape.name for shape in MODEL.operation_model(operation).error_shapes}
    assert 400 <= status < 500, (operation, status, code, message)
    assert code in declared | FRAMEWORK_ERRORS, (operation, code, message)
    assert message.strip(), (operation, code)


def _client_side(operation: str, request: Dict[str, Any]) -> bool:
    """Whether botocore itself fails to build this request (so the mock never sees it)."""
    try:
        create_serializer("rest-json").serialize_to_request(
            request, MODEL.operation_model(operation))
    except Exception:  # any failure here is botocore's own, before the mock is called
        return True
    return False


@pytest.mark.parametrize("operation", OPERATIONS)
def test_boto3_without_client_validation(operation):
    outcomes: Dict[str, int] = {}
    with mock_esm(transition_seconds=0) as esm:
        client = boto3.client("lambda", region_name="us-east-1",
                              config=Config(parameter_validation=False))
        live = _seed(client, esm)

        @FUZZ
        @given(request=_request(operation, raw=False), zone=st.sampled_from(ZONES),
               pick=st.integers(0, 2))
        def fuzz(request: Dict[str, Any], zone: str, pick: int) -> None:
            with local_zone(zone):
                _reseed_if_needed(client, esm, live)
                if "UUID" in request and pick < 2:
                    request["UUID"] = live[pick]
                before = _everything_still_answers(client, esm)
                if _client_side(operation, request):
                    outcomes["client-side"] = outcomes.get("client-side", 0) + 1
                    return
                method = getattr(client, _snake(operation))
                try:
                    method(**request)
                    outcomes["accepted"] = outcomes.get("accepted", 0) + 1
                except ParamValidationError:
                    outcomes["client-side"] = outcomes.get("client-side", 0) + 1
                except ClientError as error:
                    response = error.response
                    _check_refusal(operation, response["ResponseMetadata"]["HTTPStatusCode"],
                                   response["Error"]["Code"], response["Error"]["Message"])
                    assert _without_states(esm.mappings()) == _without_states(before)
                    outcomes["refused"] = outcomes.get("refused", 0) + 1
                _everything_still_answers(client, esm)

        fuzz()
    # Most examples reach the mock (botocore itself refuses about a third); a harness whose
    # every example died in botocore would test nothing.
    assert outcomes.get("accepted", 0) + outcomes.get("refused", 0) > 0, outcomes


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


_RAW_ROUTES = {
    "CreateEventSourceMapping": ("POST", False), "UpdateEventSourceMapping": ("PUT", True),
    "GetEventSourceMapping": ("GET", True), "DeleteEventSourceMapping": ("DELETE", True),
    "ListEventSourceMappings": ("GET", False),
}


def _raw_call(operation: str, request: Dict[str, Any], uuid: Optional[str]
              ) -> Tuple[int, Dict[str, Any], Dict[str, str]]:
    import requests

    method, item = _RAW_ROUTES[operation]
    url = ENDPOINT + ("/" + (uuid or "x") if item else "")
    body = {k: v for k, v in request.items() if k not in ("UUID", "Marker", "MaxItems",
                                                          "EventSourceArn", "FunctionName")
            or operation in ("CreateEventSourceMapping", "UpdateEventSourceMapping")}
    body.pop("UUID", None)
    params = ({k: json.dumps(v) if not isinstance(v, str) else v for k, v in request.items()}
              if operation == "ListEventSourceMappings" else None)
    data = json.dumps(body) if method in ("POST", "PUT") else None
    response = requests.request(method, url, data=data, params=params)
    return response.status_code, response.json(), dict(response.headers)


@pytest.mark.parametrize("operation", ["CreateEventSourceMapping", "UpdateEventSourceMapping",
                                       "ListEventSourceMappings"])
def test_raw_bodies(operation):
    pytest.importorskip("responses")
    outcomes: Dict[str, int] = {}
    with mock_esm(transition_seconds=0, intercept_requests=True) as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        live = _seed(client, esm)

        @FUZZ
        @given(request=_request(operation, raw=True), zone=st.sampled_from(ZONES),
               pick=st.integers(0, 2))
        def fuzz(request: Dict[str, Any], zone: str, pick: int) -> None:
            with local_zone(zone):
                _reseed_if_needed(client, esm, live)
                before = _everything_still_answers(client, esm)
                status, answer, headers = _raw_call(operation, request,
                                                    live[pick] if pick < 2 else None)
                if status >= 300:
                    code = headers.get("x-amzn-ErrorType", headers.get("x-amzn-errortype", ""))
                    message = answer.get("message") or answer.get("Message") or ""
                    _check_refusal(operation, status, code, message)
                    assert _without_states(esm.mappings()) == _without_states(before)
                    outcomes["refused"] = outcomes.get("refused", 0) + 1
                else:
                    outcomes["accepted"] = outcomes.get("accepted", 0) + 1
                _everything_still_answers(client, esm)

        fuzz()
    # Raw bodies are mostly refused; success needs a whole request that happens to be valid.
    assert outcomes.get("refused", 0) > 0, outcomes
