"""The Lambda model's constraints, read from the installed botocore: patterns, partitions,
lengths, nulls inside lists and maps, MaxItems, and unmodelled members of any depth."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
from typing import Any, Dict, Iterator, Tuple

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

import mock_esm as package
from mock_esm import mock_esm
from mock_esm.service.backend import EsmBackend
from mock_esm.service.routing import Call, handle

from .conftest import QUEUE_ARN, STREAM_ARN
from .rules_support import LAMBDA_MODEL, MINIMAL, MSK_ARN, SELF_MANAGED

PATH = "/2015-03-31/event-source-mappings"
ARN_SHAPE = LAMBDA_MODEL.shape_for("Arn")
TAGGABLE_SHAPE = LAMBDA_MODEL.shape_for("TaggableResource")


def _error(call: Any, **kwargs: Any) -> Dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error: Dict[str, Any] = response["Error"]
    return error


def _admitted_by_the_model(shape: Any, value: str) -> bool:
    pattern = shape.metadata["pattern"]
    return re.fullmatch(pattern, value) is not None


@pytest.fixture
def loose_client() -> Iterator[Any]:
    """A client that sends what it is given, as a raw HTTP caller would."""
    with mock_esm():
        yield boto3.client("lambda", region_name="us-east-1",
                           config=Config(parameter_validation=False))


@pytest.fixture
def call() -> Call:
    return Call(EsmBackend("123456789012", "us-east-1"), 0.0)


# --- nothing of the model is copied into the package ------------------------------------------

def test_no_model_pattern_of_twenty_characters_or_more_is_written_in_the_package():
    patterns = {name: LAMBDA_MODEL.shape_for(name).metadata.get("pattern")
                for name in LAMBDA_MODEL.shape_names}
    long_ones = {name: pattern for name, pattern in patterns.items()
                 if isinstance(pattern, str) and len(pattern) >= 20}
    assert long_ones, "the Lambda model states long patterns"
    root = pathlib.Path(package.__file__).parent
    sources = {path: path.read_text(encoding="utf-8") for path in root.rglob("*.py")}
    copied = [(name, str(path.relative_to(root))) for name, pattern in long_ones.items()
              for path, text in sources.items() if pattern in text]
    assert copied == []


# --- EventSourceArn: whatever the installed model admits, up to its length ---------------------

@pytest.mark.parametrize(("region", "arn"), [
    ("us-iso-east-1", "arn:aws-iso:sqs:us-iso-east-1:123456789012:jobs"),
    ("us-isob-east-1", "arn:aws-iso-b:sqs:us-isob-east-1:123456789012:jobs"),
    ("eusc-de-east-1", "arn:aws-eusc:sqs:eusc-de-east-1:123456789012:jobs"),
], ids=["aws-iso", "aws-iso-b", "eusc"])
def test_sources_in_every_partition_the_model_admits_are_accepted(region, arn):
    if not _admitted_by_the_model(ARN_SHAPE, arn):
        pytest.skip(f"botocore {botocore.__version__}'s Lambda model does not admit {arn}")
    with mock_esm():
        client = boto3.client("lambda", region_name=region)
        created = client.create_event_source_mapping(EventSourceArn=arn, FunctionName="worker")
        assert created["EventSourceArn"] == arn
        partition = botocore.session.get_session().get_partition_for_region(region)
        assert created["EventSourceMappingArn"].startswith(f"arn:{partition}:lambda:{region}:")
        assert created["FunctionArn"] == (
            f"arn:{partition}:lambda:{region}:123456789012:function:worker")
        assert client.list_event_source_mappings(
            EventSourceArn=arn)["EventSourceMappings"][0]["UUID"] == created["UUID"]


def test_an_event_source_arn_over_the_models_maximum_is_refused_in_its_words(loose_client):
    limit = ARN_SHAPE.metadata.get("max")
    if limit is None:
        pytest.skip(f"botocore {botocore.__version__}'s Lambda model sets no maximum")
    arn = QUEUE_ARN + "q" * (limit - len(QUEUE_ARN) + 1)
    error = _error(loose_client.create_event_source_mapping, EventSourceArn=arn,
                   FunctionName="worker")
    assert error == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{arn}' at 'eventSourceArn' failed to "
                   f"satisfy constraint: Member must have length less than or equal to {limit}"}
    at_limit = arn[:-1]
    created = loose_client.create_event_source_mapping(EventSourceArn=at_limit,
                                                       FunctionName="worker")
    assert created["EventSourceArn"] == at_limit
    assert [m["UUID"] for m in loose_client.list_event_source_mappings()[
        "EventSourceMappings"]] == [created["UUID"]]


def test_a_function_name_over_the_models_maximum_is_refused_in_its_words(loose_client):
    limit = LAMBDA_MODEL.operation_model("CreateEventSourceMapping").input_shape.members[
        "FunctionName"].metadata["max"]
    name = "f" * (limit + 1)
    error = _error(loose_client.create_event_source_mapping, EventSourceArn=QUEUE_ARN,
                   FunctionName=name)
    assert error["Message"] == (
        f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy "
        f"constraint: Member must have length less than or equal to {limit}")


# --- tags: the resource ARN must fit the model's TaggableResource -----------------------------

@pytest.mark.parametrize("operation", ["tag_resource", "untag_resource", "list_tags"])
def test_tag_calls_on_a_mapping_arn_with_a_suffix_are_refused(loose_client, operation):
    created = loose_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                       FunctionName="worker",
                                                       Tags={"team": "core"})
    resource = created["EventSourceMappingArn"] + ":alias"
    arguments: Dict[str, Any] = {"Resource": resource}
    if operation == "tag_resource":
        arguments["Tags"] = {"team": "other"}
    elif operation == "untag_resource":
        arguments["TagKeys"] = ["team"]
    error = _error(getattr(loose_client, operation), **arguments)
    assert error == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{resource}' at 'resource' failed to "
                   f"satisfy constraint: Member must satisfy regular expression pattern: "
                   f"{TAGGABLE_SHAPE.metadata['pattern']}"}
    assert loose_client.list_tags(Resource=created["EventSourceMappingArn"])["Tags"] == {
        "team": "core"}


# --- a null inside a list or map: AWS's "Member must not be null" ----------------------------

NULLS = [
    pytest.param({**MINIMAL["msk"], "Topics": [None]}, "topics.1.member", id="topics"),
    pytest.param({**MINIMAL["mq"], "Queues": [None]}, "queues.1.member", id="queues"),
    pytest.param({**MINIMAL["kafka"], "SelfManagedEventSource": {"Endpoints": {
        "KAFKA_BOOTSTRAP_SERVERS": ["b-1.kafka.example.com:9092", None]}}},
        "selfManagedEventSource.endpoints.KAFKA_BOOTSTRAP_SERVERS.2.member",
        id="bootstrap-server"),
    pytest.param({"EventSourceArn": QUEUE_ARN, "Tags": {"team": None}}, "tags.team",
                 id="tag-value"),
    pytest.param({"EventSourceArn": QUEUE_ARN, "FunctionResponseTypes": [None]},
                 "functionResponseTypes.1.member", id="function-response-types"),
    pytest.param({"EventSourceArn": QUEUE_ARN, "MetricsConfig": {"Metrics": [None]}},
                 "metricsConfig.metrics.1.member", id="metrics"),
]


@pytest.mark.parametrize(("request_", "path"), NULLS)
def test_a_null_inside_a_list_or_map_is_refused_and_stores_nothing(loose_client, request_,
                                                                   path):
    _skip_members_the_model_lacks(request_)
    error = _error(loose_client.create_event_source_mapping, FunctionName="worker", **request_)
    assert error == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value null at '{path}' failed to satisfy "
                   f"constraint: Member must not be null"}
    assert loose_client.list_event_source_mappings()["EventSourceMappings"] == []


@pytest.mark.parametrize(("request_", "path"), NULLS)
def test_a_null_inside_a_list_or_map_is_refused_in_a_raw_body(call, request_, path):
    _skip_members_the_model_lacks(request_)
    body = json.dumps({"FunctionName": "worker", **request_}).encode()
    response = handle(call, "POST", PATH, {}, body)
    assert response.status == 400
    assert json.loads(response.body)["message"] == (
        f"1 validation error detected: Value null at '{path}' failed to satisfy constraint: "
        f"Member must not be null")
    assert json.loads(handle(call, "GET", PATH, {}, b"").body)["EventSourceMappings"] == []


def test_a_self_managed_source_with_null_endpoints_is_refused(call):
    request = {**MINIMAL["kafka"], "FunctionName": "worker",
               "SelfManagedEventSource": {"Endpoints": None}}
    response = handle(call, "POST", PATH, {}, json.dumps(request).encode())
    assert (response.status, json.loads(response.body)["message"]) == (
        400, "1 validation error detected: Value null at 'selfManagedEventSource.endpoints' "
             "failed to satisfy constraint: Member must not be null")
    assert json.loads(handle(call, "GET", PATH, {}, b"").body)["EventSourceMappings"] == []


def test_a_null_tag_value_on_tag_resource_is_refused(loose_client):
    arn = loose_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                   FunctionName="worker")["EventSourceMappingArn"]
    error = _error(loose_client.tag_resource, Resource=arn, Tags={"team": None})
    assert error["Message"] == ("1 validation error detected: Value null at 'tags.team' failed "
                                "to satisfy constraint: Member must not be null")
    assert loose_client.list_tags(Resource=arn)["Tags"] == {}


# --- members the model lacks are ignored, however deep ------------------------------------------

def _skip_members_the_model_lacks(request: Dict[str, Any]) -> None:
    members = LAMBDA_MODEL.operation_model("CreateEventSourceMapping").input_shape.members
    lacking = sorted(set(request) - set(members))
    if lacking:
        pytest.skip(f"botocore {botocore.__version__}'s Lambda model lacks {lacking}")


def _nested(depth: int) -> Dict[str, Any]:
    value: Dict[str, Any] = {}
    for _ in range(depth):
        value = {"inner": value}
    return value


@pytest.mark.parametrize("depth", [500, 980])
def test_unmodelled_members_nested_deep_are_ignored_never_a_crash(call, depth):
    nested = b'{"inner": ' * depth + b"{}" + b"}" * depth
    body = (b'{"FunctionName": "worker", "EventSourceArn": "' + STREAM_ARN.encode()
            + b'", "StartingPosition": "LATEST", "Unmodelled": ' + nested
            + b', "DestinationConfig": {"OnFailure": {"Destination": "' + QUEUE_ARN.encode()
            + b'", "Unmodelled": ' + nested + b"}}}")
    created = handle(call, "POST", PATH, {}, body)
    listed = json.loads(handle(call, "GET", PATH, {}, b"").body)["EventSourceMappings"]
    if created.status == 400:
        # Deeper than this interpreter's JSON decoder reaches from here: refused whole.
        assert created.headers["x-amzn-errortype"] == "InvalidRequestContentException"
        assert listed == []
        return
    assert created.status == 202, created.body
    answer = json.loads(created.body)
    assert answer["DestinationConfig"] == {"OnFailure": {"Destination": QUEUE_ARN}}
    assert "Unmodelled" not in answer
    got = json.loads(handle(call, "GET", f"{PATH}/{answer['UUID']}", {}, b"").body)
    assert {**got, "State": None} == {**answer, "State": None}
    assert [m["UUID"] for m in listed] == [answer["UUID"]]


def test_unmodelled_members_five_hundred_deep_are_accepted(call):
    # Within what every supported interpreter decodes: ignored, as Lambda ignores them.
    test_unmodelled_members_nested_deep_are_ignored_never_a_crash(call, 500)
    assert len(json.loads(handle(call, "GET", PATH, {}, b"").body)["EventSourceMappings"]) == 1


# --- MaxItems: one rule in-process and on the wire, the model's range -------------------------

@pytest.mark.parametrize(("value", "shown"), [
    (float("inf"), "inf"), (1.5, "1.5"), (" 5", " 5"), ("5 ", "5 ")])
def test_max_items_that_is_not_an_integer_is_refused_in_process(loose_client, value, shown):
    loose_client.create_event_source_mapping(EventSourceArn=QUEUE_ARN, FunctionName="worker")
    error = _error(loose_client.list_event_source_mappings, MaxItems=value)
    assert error == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{shown}' at 'maxItems' failed to "
                   f"satisfy constraint: Member must be an integer"}


@pytest.mark.parametrize("raw", ["1.5", " 5", "inf", "1e3", "0x10"])
def test_max_items_that_is_not_an_integer_is_refused_on_the_wire(call, raw):
    response = handle(call, "GET", PATH, {"MaxItems": [raw]}, b"")
    assert response.status == 400
    assert json.loads(response.body)["message"] == (
        f"1 validation error detected: Value '{raw}' at 'maxItems' failed to satisfy "
        f"constraint: Member must be an integer")


def test_max_items_range_is_the_models(loose_client):
    shape = LAMBDA_MODEL.operation_model("ListEventSourceMappings").input_shape.members[
        "MaxItems"]
    low, high = shape.metadata["min"], shape.metadata["max"]
    for value, constraint in ((low - 1, f"greater than or equal to {low}"),
                              (high + 1, f"less than or equal to {high}")):
        error = _error(loose_client.list_event_source_mappings, MaxItems=value)
        assert error["Message"] == (
            f"1 validation error detected: Value '{value}' at 'maxItems' failed to satisfy "
            f"constraint: Member must have value {constraint}")
    for topic in ("orders", "refunds"):
        loose_client.create_event_source_mapping(EventSourceArn=MSK_ARN, Topics=[topic],
                                                 FunctionName="worker",
                                                 StartingPosition="LATEST")
    assert len(loose_client.list_event_source_mappings(MaxItems=low)[
        "EventSourceMappings"]) == low


def test_self_managed_fixture_is_accepted_as_given(loose_client):
    # The null cases above change one member of these requests: the rest must be acceptable.
    created = loose_client.create_event_source_mapping(FunctionName="worker",
                                                       **MINIMAL["kafka"])
    assert created["SelfManagedEventSource"] == SELF_MANAGED["SelfManagedEventSource"]


# --- every bounded integer the model states, at any depth, is judged by the model's range ------

def _bounded_integers(shape: Any, path: Tuple[str, ...] = ()) -> Iterator[Tuple[Tuple[str, ...],
                                                                             Any]]:
    for name, member in shape.members.items():
        if member.type_name == "structure":
            yield from _bounded_integers(member, (*path, name))
        elif member.type_name == "integer" and {"min", "max"} & set(member.metadata):
            yield (*path, name), member.metadata


BOUNDED = list(_bounded_integers(
    LAMBDA_MODEL.operation_model("CreateEventSourceMapping").input_shape))


def _nest(path: Tuple[str, ...], value: Any) -> Dict[str, Any]:
    for name in reversed(path):
        value = {name: value}
    return value


@pytest.mark.parametrize(("path", "meta"), BOUNDED, ids=[".".join(p) for p, _ in BOUNDED])
# Values far past every bound either way (the model's limits are below 2**20); 25 examples per
# member keep the dozen members under a second, and no deadline: a busy CI machine is slow.
@given(value=st.integers(min_value=-(2 ** 40), max_value=2 ** 40))
@settings(max_examples=25, deadline=None)
def test_bounded_integers_are_judged_by_the_models_range(path, meta, value):
    call = Call(EsmBackend("123456789012", "us-east-1"), 0.0)
    request = {"FunctionName": "worker", "EventSourceArn": STREAM_ARN,
               "StartingPosition": "LATEST", **_nest(path, value)}
    response = handle(call, "POST", PATH, {}, json.dumps(request).encode())
    wire_path = ".".join(name[:1].lower() + name[1:] for name in path)
    low, high = meta.get("min"), meta.get("max")
    if low is not None and value < low:
        broken = f"greater than or equal to {low}"
    elif high is not None and value > high:
        broken = f"less than or equal to {high}"
    else:
        assert response.headers.get("x-amzn-errortype") != "ValidationException", response.body
        return
    assert response.status == 400
    assert json.loads(response.body)["message"] == (
        f"1 validation error detected: Value '{value}' at '{wire_path}' failed to satisfy "
        f"constraint: Member must have value {broken}")
    assert json.loads(handle(call, "GET", PATH, {}, b"").body)["EventSourceMappings"] == []


def test_the_service_side_imports_without_botocore():
    # The pure modules are handed the constraint table at first use; importing them (as the
    # server and the backend do) must not load botocore.
    script = (
        "import sys\n"
        "import mock_esm.service.backend, mock_esm.service.routing, mock_esm.service.validation\n"
        "import mock_esm.service.tagging, mock_esm.service.arns, mock_esm.service.sources\n"
        "import mock_esm.service.rules.model, mock_esm.service.rules.common\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'botocore'))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
