"""Fuzzing through boto3: whatever a caller sends, the mock answers as AWS would, or refuses
with a modelled 4xx and a message, and a refused call changes nothing.

Strategies are derived from the botocore input shapes, so a member AWS adds to the model is
fuzzed as soon as botocore knows it.  Realistic values (ARNs of every source kind, function
name forms, live UUIDs, genuine markers, well-formed filter patterns) are mixed in so that many
examples get past validation and exercise the success paths too.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections import Counter
from typing import Any, Callable, Dict, List

import boto3
import botocore.session
import pytest
from botocore import parsers
from botocore.exceptions import ClientError, ParamValidationError
from botocore.model import Shape
from botocore.validate import validate_parameters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm

from .parse_support import identical

MODEL = botocore.session.get_session().get_service_model("lambda")
OPERATIONS = ("CreateEventSourceMapping", "GetEventSourceMapping", "UpdateEventSourceMapping",
              "DeleteEventSourceMapping", "ListEventSourceMappings")
METHODS = {name: re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower() for name in OPERATIONS}
# AWS answers a malformed member with its framework's ValidationException, which the model
# does not list; everything else must be an error the operation declares.  (An empty UUID
# makes the path the collection's, which Lambda's front end does not route for PUT or DELETE:
# UnknownOperationException, checked separately below.)
FRAMEWORK_ERRORS = {"ValidationException"}

# Bounds: examples per operation; generating one and making its call costs ~5-10 ms, so the
# module stays around 4 s.  Hunt for bugs with e.g. MOCK_ESM_FUZZ_EXAMPLES=3000.
EXAMPLES = int(os.environ.get("MOCK_ESM_FUZZ_EXAMPLES", "80"))
DEPTH = 4  # nested structures below this depth are left empty
OPTIONAL = 4  # at most this many optional members per structure
# Optional in the model but needed by most requests that AWS accepts (only self-managed Kafka
# goes without): offered far more often than the rest.
LIKELY = frozenset({"EventSourceArn"})
MAX_LIVE = 8  # reseed past this many mappings: each example snapshots them all twice

SOURCE_ARNS = [
    "arn:aws:sqs:us-east-1:123456789012:jobs",
    "arn:aws:sqs:us-east-1:123456789012:jobs.fifo",
    "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000",
    "arn:aws:kafka:us-east-1:123456789012:cluster/c/1a2b3c",
    "arn:aws:mq:us-east-1:123456789012:broker:b:b-1234",
    "arn:aws:rds:us-east-1:123456789012:cluster:docs",
    "arn:aws-cn:sqs:cn-north-1:123456789012:jobs",
    "arn:aws:sqs:us-east-1:123456789012:",
    "arn:aws:s3:::bucket",
]
FUNCTION_NAMES = [
    "worker", "worker:1", "worker:$LATEST", "123456789012:function:worker",
    "arn:aws:lambda:us-east-1:123456789012:function:worker",
    "arn:aws:lambda:us-east-1:123456789012:function:worker:prod",
    "arn:aws:lambda:eu-west-1:999999999999:function:other",
    "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:gov",
]
DESTINATIONS = ["arn:aws:sqs:us-east-1:123456789012:dlq", "arn:aws:sns:us-east-1:123456789012:t",
                "kafka://topic", ""]


def _json_patterns() -> st.SearchStrategy[str]:
    """Filter patterns shaped like EventBridge patterns: well-formed JSON, often invalid rules."""
    leaf = st.one_of(st.none(), st.booleans(), st.integers(-10, 10),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8))
    rule = st.one_of(
        leaf,
        st.fixed_dictionaries({}, optional={
            "prefix": st.text(max_size=5), "suffix": st.text(max_size=5),
            "exists": st.booleans(), "anything-but": st.one_of(leaf, st.lists(leaf, max_size=3)),
            "numeric": st.lists(st.one_of(st.sampled_from(["<", ">", "=", "<=", ">="]),
                                          st.integers(-5, 5)), max_size=4),
            "equals-ignore-case": st.text(max_size=5), "wildcard": st.text(max_size=5),
            "cidr": st.text(max_size=8),
        }),
    )
    patterns = st.recursive(
        st.lists(rule, max_size=3),
        lambda inner: st.dictionaries(st.sampled_from(["body", "data", "a", "$or", "eventName"]),
                                      inner, max_size=3),
        max_leaves=6)
    return patterns.map(json.dumps)


def _mostly(pool: st.SearchStrategy[Any], text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Realistic values three times in four (one_of picks a branch uniformly), else any text."""
    return st.one_of(pool, pool, pool, text)


OVERRIDES: Dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "EventSourceArn": lambda: _mostly(st.sampled_from(SOURCE_ARNS), st.text(max_size=30)),
    "FunctionName": lambda: _mostly(st.sampled_from(FUNCTION_NAMES),
                                    st.text(min_size=1, max_size=30)),
    "Destination": lambda: _mostly(st.sampled_from(DESTINATIONS), st.text(max_size=30)),
    "Pattern": lambda: st.one_of(_json_patterns(), st.text(max_size=30)),
}


def _member(name: str, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
    return OVERRIDES[name]() if name in OVERRIDES else strategy_for(shape, depth + 1)


def _structure(shape: Shape, depth: int) -> st.SearchStrategy[Dict[str, Any]]:
    """Required members plus a few optional ones: a request with all 28 of Create's members
    set would be refused for one of them and never exercise the others."""
    required = {name: _member(name, shape.members[name], depth)
                for name in shape.required_members}
    optional = {name: _member(name, member, depth) for name, member in shape.members.items()
                if name not in required}

    @st.composite
    def build(draw: Any) -> Dict[str, Any]:
        value = {name: draw(strategy) for name, strategy in required.items()}
        for name in LIKELY.intersection(optional):
            if draw(st.integers(0, 4)):  # four times in five
                value[name] = draw(optional[name])
        if optional:
            chosen = draw(st.lists(st.sampled_from(sorted(optional)), max_size=OPTIONAL,
                                   unique=True))
            for name in chosen:
                value[name] = draw(optional[name])
        return value

    return build()


def strategy_for(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of any type botocore accepts for ``shape``, mostly within its min bounds."""
    kind = shape.type_name
    minimum = shape.metadata.get("min")
    if kind == "structure":
        if depth >= DEPTH:
            return st.fixed_dictionaries({})
        return _structure(shape, depth)
    if kind == "list":
        low = minimum or 0
        return st.lists(strategy_for(shape.member, depth + 1), min_size=low, max_size=low + 3)
    if kind == "map":
        return st.dictionaries(strategy_for(shape.key, depth + 1),
                               strategy_for(shape.value, depth + 1), max_size=3)
    if kind == "string":
        text = st.text(min_size=minimum or 0, max_size=(minimum or 0) + 30)
        if shape.enum:
            return st.one_of(st.sampled_from(shape.enum), text)
        return text
    if kind in ("integer", "long"):
        low = -(2 ** 31) if minimum is None else minimum
        maximum = shape.metadata.get("max", 2 ** 31 - 1)
        return st.one_of(st.integers(low, maximum), st.integers(low, 2 ** 31 - 1))
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(min_value=datetime.datetime(1971, 1, 1),
                            max_value=datetime.datetime(2100, 1, 1),
                            timezones=st.just(datetime.timezone.utc))
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "blob":
        return st.binary(max_size=16)
    raise AssertionError(f"no strategy for {shape.name} ({kind}); teach strategy_for about it")


# UUIDs and markers are chosen when the example runs, from the mappings live at that moment.
# Lengths follow the installed model: botocore 1.44+ refuses a UUID not 36 long on the client,
# so arbitrary text of another length would only ever test botocore.
_UUID_SIZE = MODEL.operation_model("GetEventSourceMapping").input_shape.members["UUID"].metadata
UUIDS = st.one_of(
    st.integers(0, 2).map(lambda i: lambda live: live[i]),
    st.integers(0, 2).map(lambda i: lambda live: live[i][:-1] + "x"),
    st.text(min_size=_UUID_SIZE.get("min", 0), max_size=_UUID_SIZE.get("max", 40))
    .map(lambda text: lambda live: text))
MARKERS = st.one_of(
    st.just(lambda marker: marker),
    st.just(lambda marker: marker[:-2]),
    st.text(max_size=3).map(lambda extra: lambda marker: marker + extra),
    st.text(max_size=40).map(lambda text: lambda marker: text))


def _request(operation: str) -> st.SearchStrategy[Any]:
    """(request, uuid chooser, marker chooser) for one call of ``operation``."""
    return st.tuples(strategy_for(MODEL.operation_model(operation).input_shape), UUIDS,
                     MARKERS)


class Tally:
    """Where the examples ended; the suite checks most reached the mock."""

    def __init__(self) -> None:
        self.outcomes: Counter = Counter()

    def reached(self) -> int:
        return sum(n for (kind, _), n in self.outcomes.items() if kind != "client-side")


def _recording_client() -> Any:
    """A client that keeps (operation, raw body) of every answer, in ``client.answered``."""
    client = boto3.client("lambda", region_name="us-east-1")
    client.answered = []
    client.meta.events.register(
        "after-call.lambda",
        lambda http_response, model, **kwargs: client.answered.append(
            (model.name, http_response.content)))
    return client


def _seed(client: Any, esm: Any) -> List[str]:
    esm.reset()
    uuids = [
        client.create_event_source_mapping(EventSourceArn=SOURCE_ARNS[0],
                                           FunctionName="worker")["UUID"],
        client.create_event_source_mapping(EventSourceArn=SOURCE_ARNS[2], FunctionName="worker",
                                           StartingPosition="LATEST")["UUID"],
        client.create_event_source_mapping(EventSourceArn=SOURCE_ARNS[0], FunctionName="other",
                                           Enabled=False)["UUID"],
    ]
    esm.settle()
    return uuids


def _check_call(client: Any, esm: Any, operation: str, request: Dict[str, Any],
                tally: Tally, before: List[Dict[str, Any]]) -> None:
    try:
        response = getattr(client, METHODS[operation])(**request)
    except ParamValidationError:
        tally.outcomes[("client-side", operation)] += 1
        return
    except ClientError as error:
        body = error.response
        status = body["ResponseMetadata"]["HTTPStatusCode"]
        code = body["Error"]["Code"]
        declared = {s.name for s in MODEL.operation_model(operation).error_shapes}
        assert 400 <= status < 500, (operation, request, body)
        unrouted = code == "UnknownOperationException" and request.get("UUID") == ""
        assert code in declared | FRAMEWORK_ERRORS or unrouted, (operation, request, code)
        assert body["Error"]["Message"].strip(), (operation, request, body)
        assert esm.mappings() == before, (operation, request, code)
        tally.outcomes[("refused", code)] += 1
        return
    operation_name, body = client.answered[-1]
    assert operation_name == operation
    fresh = parsers.create_parser("rest-json").parse(
        {"status_code": response["ResponseMetadata"]["HTTPStatusCode"],
         "headers": response["ResponseMetadata"]["HTTPHeaders"], "body": body},
        MODEL.operation_model(operation).output_shape)
    # Exactly what botocore's own parser makes of the bytes.
    assert identical(response, fresh), (operation, request)
    metadata = response.pop("ResponseMetadata")
    assert metadata["HTTPStatusCode"] == (202 if operation in (
        "CreateEventSourceMapping", "UpdateEventSourceMapping", "DeleteEventSourceMapping")
        else 200)
    # The answer fits the operation's output shape, as botocore's Stubber checks stubs.
    validate_parameters(response, MODEL.operation_model(operation).output_shape)
    tally.outcomes[("accepted", operation)] += 1


@pytest.mark.parametrize("operation", OPERATIONS)
def test_arbitrary_requests_get_a_valid_answer_or_a_modelled_4xx(operation):
    tally = Tally()
    with mock_esm(transition_seconds=0) as esm:
        client = _recording_client()
        live = _seed(client, esm)
        marker = client.list_event_source_mappings(MaxItems=1)["NextMarker"]

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(drawn=_request(operation))
        def fuzz(drawn: Any) -> None:
            request, uuid, choose_marker = drawn
            before = esm.mappings()
            if len(before) > MAX_LIVE or not set(live) <= {m["UUID"] for m in before}:
                live[:] = _seed(client, esm)  # successes deleted seeds or piled up; start over
                before = esm.mappings()
            if "UUID" in request:
                request["UUID"] = uuid(live)
            if "Marker" in request:
                request["Marker"] = choose_marker(marker)
            _check_call(client, esm, operation, request, tally, before)

        fuzz()
    total = sum(tally.outcomes.values())
    assert tally.reached() >= 0.8 * total, tally.outcomes
    assert any(kind == "refused" for kind, _ in tally.outcomes), tally.outcomes


FILTER_CRITERIA = strategy_for(MODEL.shape_for("FilterCriteria"))


def test_arbitrary_filter_criteria_get_a_valid_answer_or_a_modelled_4xx():
    # FilterCriteria is one optional member among many above; here every example carries one,
    # on a request that is otherwise valid, so the pattern grammar itself is what is fuzzed.
    tally = Tally()
    with mock_esm(transition_seconds=0) as esm:
        client = _recording_client()
        live = _seed(client, esm)

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(criteria=FILTER_CRITERIA, create=st.booleans(),
               source=st.sampled_from(SOURCE_ARNS[:4]), suffix=st.integers(0, 10 ** 6))
        def fuzz(criteria: Dict[str, Any], create: bool, source: str, suffix: int) -> None:
            before = esm.mappings()
            if len(before) > MAX_LIVE or not set(live) <= {m["UUID"] for m in before}:
                live[:] = _seed(client, esm)
                before = esm.mappings()
            if create:
                request = {"EventSourceArn": source, "FunctionName": f"filtered-{suffix}",
                           "FilterCriteria": criteria}
                if "sqs" not in source:
                    request["StartingPosition"] = "LATEST"
                _check_call(client, esm, "CreateEventSourceMapping", request, tally, before)
            else:
                _check_call(client, esm, "UpdateEventSourceMapping",
                            {"UUID": live[0], "FilterCriteria": criteria}, tally, before)

        fuzz()
    assert tally.outcomes[("accepted", "CreateEventSourceMapping")] > 0, tally.outcomes
    assert tally.outcomes[("accepted", "UpdateEventSourceMapping")] > 0, tally.outcomes
    assert tally.outcomes[("refused", "InvalidParameterValueException")] > 0, tally.outcomes
