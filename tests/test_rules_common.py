"""Rules every source shares: source detection, duplicates, round trips, the model table."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

from mock_esm import mock_esm
from mock_esm.service.backend import EsmBackend
from mock_esm.service.routing import Call, handle
from mock_esm.service.rules.model import ListOf, MapOf, Scalar, Struct, constraints

from .conftest import FIFO_ARN, QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN
from .rules_support import CONFLICT, IPV, MINIMAL, VALIDATION, assert_answer, body, pattern_error
from .test_operations import SQS_KEYS, STREAM_KEYS

SQS_DUPLICATE = ('An event source mapping with SQS arn (" {source} ") and function (" {name} ") '
                 "already exists. Please update or delete the existing mapping with UUID {uuid}")
STREAM_DUPLICATE = ('The event source arn (" {source} ") and function (" {name} ") provided '
                    "mapping already exists. Please update or delete the existing mapping with "
                    "UUID {uuid}")
UNRECOGNIZED = (IPV, "Unrecognized event source.")
SOURCES = [
    (QUEUE_ARN, {}, SQS_DUPLICATE),
    (FIFO_ARN, {}, SQS_DUPLICATE),
    (STREAM_ARN, {"StartingPosition": "LATEST"}, STREAM_DUPLICATE),
    (TABLE_STREAM_ARN, {"StartingPosition": "TRIM_HORIZON"}, STREAM_DUPLICATE),
]
SOURCE_IDS = ["sqs", "fifo", "kinesis", "dynamodb"]
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:worker"


@pytest.mark.parametrize(("source", "extra", "template"), SOURCES, ids=SOURCE_IDS)
@mock_esm
def test_duplicate_source_and_function_is_a_conflict_naming_the_bare_function(
        client, source, extra, template):
    first = client.create_event_source_mapping(EventSourceArn=source, FunctionName="worker",
                                               **extra)
    message = template.format(source=source, name="worker", uuid=first["UUID"])
    assert_answer(client.create_event_source_mapping, (CONFLICT, message),
                  EventSourceArn=source, FunctionName=FUNCTION_ARN, **extra)
    second = client.create_event_source_mapping(EventSourceArn=source, FunctionName="other",
                                                **extra)
    listed = client.list_event_source_mappings()["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [first["UUID"], second["UUID"]]


@mock_esm(transition_seconds=0)
def test_update_onto_an_existing_pair_is_a_conflict_and_changes_nothing(client):
    kept = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                              FunctionName="worker")["UUID"]
    moved = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                               FunctionName="other")["UUID"]
    before = body(client.get_event_source_mapping(UUID=moved))
    message = SQS_DUPLICATE.format(source=QUEUE_ARN, name="worker", uuid=kept)
    assert_answer(client.update_event_source_mapping, (CONFLICT, message), UUID=moved,
                  FunctionName="worker", BatchSize=5)
    assert body(client.get_event_source_mapping(UUID=moved)) == before


@mock_esm(transition_seconds=0)
def test_a_deleted_mapping_frees_its_pair(client):
    uuid = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                              FunctionName="worker")["UUID"]
    client.delete_event_source_mapping(UUID=uuid)
    again = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN, FunctionName="worker")
    assert again["UUID"] != uuid


@pytest.mark.parametrize(("arn", "expected"), [
    ("arn:aws:s3:::bucket", UNRECOGNIZED),
    ("arn:aws:sns:us-east-1:123456789012:topic", UNRECOGNIZED),
    ("arn:aws:sqs:us-east-1:123456789012:", UNRECOGNIZED),
    ("arn:aws:kinesis:us-east-1:123456789012:stream/", UNRECOGNIZED),
    ("arn:aws:dynamodb:us-east-1:123456789012:table/orders", UNRECOGNIZED),
    ("not-an-arn",
     pattern_error("eventSourceArn", "not-an-arn", "Arn")),
], ids=["s3", "sns", "sqs-without-name", "kinesis-without-name", "dynamodb-table",
        "not-an-arn"])
@mock_esm
def test_an_arn_naming_no_known_source_is_refused(client, arn, expected):
    assert_answer(client.create_event_source_mapping, expected, EventSourceArn=arn,
                  FunctionName="worker", StartingPosition="LATEST")
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


@mock_esm
def test_constraint_errors_come_before_source_detection(client):
    assert_answer(client.create_event_source_mapping,
                  (VALIDATION, "1 validation error detected: Value '10001' at 'batchSize' failed "
                               "to satisfy constraint: Member must have value less than or "
                               "equal to 10000"),
                  FunctionName="worker", BatchSize=10001)


ROUND_TRIPS = [
    (QUEUE_ARN, {"FunctionResponseTypes": ["ReportBatchItemFailures"]},
     {"BatchSize": 100, "MaximumBatchingWindowInSeconds": 5,
      "ScalingConfig": {"MaximumConcurrency": 50}}, SQS_KEYS),
    (FIFO_ARN, {"BatchSize": 5}, {"BatchSize": 10, "FunctionResponseTypes": []}, SQS_KEYS),
    (STREAM_ARN, {"StartingPosition": "TRIM_HORIZON", "ParallelizationFactor": 2},
     {"MaximumRetryAttempts": 5, "BisectBatchOnFunctionError": True,
      "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}}, STREAM_KEYS),
    (TABLE_STREAM_ARN, {"StartingPosition": "LATEST", "TumblingWindowInSeconds": 30},
     {"MaximumRecordAgeInSeconds": 3600, "TumblingWindowInSeconds": 0}, STREAM_KEYS),
]


@pytest.mark.parametrize(("source", "create", "update", "keys"), ROUND_TRIPS, ids=SOURCE_IDS)
@mock_esm(transition_seconds=0)
def test_round_trip_create_get_update_list(client, source, create, update, keys):
    created = client.create_event_source_mapping(EventSourceArn=source, FunctionName="worker",
                                                 **create)
    assert set(body(created)) == keys | set(create)
    fetched = client.get_event_source_mapping(UUID=created["UUID"])
    assert body(fetched) == {**body(created), "State": "Enabled",
                             "LastModified": fetched["LastModified"]}
    updated = client.update_event_source_mapping(UUID=created["UUID"], **update)
    assert set(body(updated)) == keys | set(create) | set(update)
    assert {k: updated[k] for k in update} == update
    assert {k: updated[k] for k in create if k not in update} == {
        k: v for k, v in create.items() if k not in update}
    [listed] = client.list_event_source_mappings(EventSourceArn=source)["EventSourceMappings"]
    assert listed == body(client.get_event_source_mapping(UUID=created["UUID"]))


# --- the constraint table is read from the installed botocore model ---------------------------

def _describe_model(shape: Any) -> Any:
    meta = shape.metadata
    if shape.type_name == "structure":
        return ("structure", {n: _describe_model(s) for n, s in shape.members.items()})
    if shape.type_name == "list":
        return ("list", meta.get("min"), meta.get("max"), _describe_model(shape.member))
    if shape.type_name == "map":
        return ("map", meta.get("min"), meta.get("max"), _describe_model(shape.key),
                _describe_model(shape.value))
    return (shape.type_name, meta.get("min"), meta.get("max"),
            frozenset(getattr(shape, "enum", None) or ()), meta.get("pattern"))


def _describe_ours(spec: Any) -> Any:
    if isinstance(spec, Struct):
        return ("structure", {n: _describe_ours(s) for n, s in spec.members.items()})
    if isinstance(spec, ListOf):
        return ("list", spec.min, spec.max, _describe_ours(spec.member))
    if isinstance(spec, MapOf):
        return ("map", spec.min, spec.max, _describe_ours(spec.key), _describe_ours(spec.value))
    assert isinstance(spec, Scalar)
    return (spec.type, spec.min, spec.max, frozenset(spec.enum), spec.pattern)


def test_constraint_table_is_the_installed_botocore_model():
    # Read from whichever botocore is installed: every body member of both write operations,
    # in the model's order (Lambda reports violations in it), nested shapes included.
    model = botocore.session.get_session().get_service_model("lambda")
    table = constraints()
    for operation, members in (("CreateEventSourceMapping", table.create),
                               ("UpdateEventSourceMapping", table.update)):
        shape = model.operation_model(operation).input_shape
        expected = {n: _describe_model(s) for n, s in shape.members.items()
                    if "location" not in s.serialization}
        assert {n: _describe_ours(s) for n, s in members.items()} == expected
        assert list(members) == list(expected)
    assert "UUID" not in table.update


# --- raw HTTP bodies botocore never sends: nested wrong types are a 400, never a traceback ----

@pytest.mark.parametrize("extra", [
    {"FilterCriteria": {"Filters": [1]}},
    {"FilterCriteria": {"Filters": "x"}},
    {"FilterCriteria": {"Filters": [{"Pattern": 5}]}},
    {"ScalingConfig": {"MaximumConcurrency": "5"}},
    {"ScalingConfig": {"MaximumConcurrency": True}},
    {"DestinationConfig": {"OnFailure": "arn"}},
    {"Tags": {"a": 1}},
    {"FunctionResponseTypes": [["ReportBatchItemFailures"]]},
    {"StartingPositionTimestamp": "yesterday"},
], ids=lambda extra: json.dumps(extra))
def test_raw_bodies_with_nested_wrong_types_get_invalid_request_content(extra):
    call = Call(EsmBackend("123456789012", "us-east-1"), 0.0)
    request = {"FunctionName": "f", "EventSourceArn": QUEUE_ARN, **extra}
    response = handle(call, "POST", "/2015-03-31/event-source-mappings", {},
                      json.dumps(request).encode())
    assert response.status == 400
    assert response.headers["x-amzn-errortype"] == "InvalidRequestContentException"
    assert json.loads(response.body)["message"].startswith(
        "Could not parse request body into json: Could not deserialize ")


def test_raw_update_ignores_members_update_does_not_take():
    call = Call(EsmBackend("123456789012", "us-east-1"), 0.0)
    path = "/2015-03-31/event-source-mappings"
    created = json.loads(handle(call, "POST", path, {}, json.dumps(
        {"FunctionName": "f", "EventSourceArn": STREAM_ARN,
         "StartingPosition": "LATEST"}).encode()).body)
    response = handle(call, "PUT", f"{path}/{created['UUID']}", {}, json.dumps(
        {"StartingPosition": "TRIM_HORIZON", "EventSourceArn": QUEUE_ARN}).encode())
    assert response.status == 202
    updated = json.loads(response.body)
    assert (updated["StartingPosition"], updated["EventSourceArn"]) == ("LATEST", STREAM_ARN)


@pytest.mark.parametrize(("source", "member"), [("msk", "Topics"), ("mq", "Queues")])
@mock_esm
def test_one_function_may_read_two_topics_or_queues_of_one_cluster(client, source, member):
    base = MINIMAL[source]
    first = client.create_event_source_mapping(FunctionName="worker", **base)
    second = client.create_event_source_mapping(FunctionName="worker",
                                                **{**base, member: ["invoices"]})
    message = STREAM_DUPLICATE.format(source=base["EventSourceArn"], name="worker",
                                      uuid=first["UUID"])
    assert_answer(client.create_event_source_mapping, (CONFLICT, message),
                  FunctionName="worker", **base)
    listed = client.list_event_source_mappings(EventSourceArn=base["EventSourceArn"])
    assert [m["UUID"] for m in listed["EventSourceMappings"]] == [first["UUID"], second["UUID"]]
