"""ListEventSourceMappings through boto3: page sizes, markers, filters and the paginator."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

import boto3
import pytest
from botocore.exceptions import ParamValidationError

from mock_esm import mock_esm

from .conftest import QUEUE_ARN, STREAM_ARN

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:{}"
INVALID_MARKER = ("Invalid Marker: '{}'. Pass the NextMarker value from the previous "
                  "ListEventSourceMappings response, with the same EventSourceArn and "
                  "FunctionName filters.")


def _client(region: str = "us-east-1") -> Any:
    return boto3.client("lambda", region_name=region)


def _create_many(client: Any, count: int, function: str = "worker", start: int = 0) -> List[str]:
    region = client.meta.region_name
    return [client.create_event_source_mapping(
        EventSourceArn=f"arn:aws:sqs:{region}:123456789012:q{i}", FunctionName=function)["UUID"]
        for i in range(start, start + count)]


def _uuids(page: Dict[str, Any]) -> List[str]:
    return [m["UUID"] for m in page["EventSourceMappings"]]


def _all_pages(client: Any, **filters: Any) -> List[str]:
    seen: List[str] = []
    marker: Optional[str] = None
    while True:
        kwargs = dict(filters, **({"Marker": marker} if marker else {}))
        page = client.list_event_source_mappings(**kwargs)
        seen += _uuids(page)
        marker = page.get("NextMarker")
        if marker is None:
            return seen


# -- page size --------------------------------------------------------------------------------


@mock_esm(transition_seconds=0)
def test_default_page_is_100_and_next_marker_is_absent_on_the_last_page():
    client = _client()
    created = _create_many(client, 250)
    first = client.list_event_source_mappings()
    assert _uuids(first) == created[:100]
    second = client.list_event_source_mappings(Marker=first["NextMarker"])
    assert _uuids(second) == created[100:200]
    last = client.list_event_source_mappings(Marker=second["NextMarker"])
    assert _uuids(last) == created[200:]
    assert "NextMarker" not in last
    assert len({first["NextMarker"], second["NextMarker"]}) == 2


@pytest.mark.parametrize(("max_items", "expected"), [
    (1, 1), (7, 7), (100, 100), (101, 100), (5000, 100), (10000, 100)])
@mock_esm(transition_seconds=0)
def test_max_items_is_honoured_up_to_aws_cap_of_100(max_items, expected):
    client = _client()
    _create_many(client, 120)
    page = client.list_event_source_mappings(MaxItems=max_items)
    assert len(page["EventSourceMappings"]) == expected
    assert "NextMarker" in page


@pytest.mark.parametrize(("count", "max_items"), [(100, None), (5, 5), (0, None), (1, 100)])
@mock_esm(transition_seconds=0)
def test_no_next_marker_when_the_page_holds_exactly_what_remains(count, max_items):
    client = _client()
    created = _create_many(client, count)
    page = client.list_event_source_mappings(**({"MaxItems": max_items} if max_items else {}))
    assert _uuids(page) == created
    assert "NextMarker" not in page


@mock_esm
def test_max_items_outside_the_model_range_is_refused(lambda_client):
    with pytest.raises(ParamValidationError, match="valid min value: 1"):
        lambda_client.list_event_source_mappings(MaxItems=0)  # botocore checks the minimum
    with pytest.raises(lambda_client.exceptions.ClientError) as raised:
        lambda_client.list_event_source_mappings(MaxItems=10001)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert raised.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '10001' at 'maxItems' failed to satisfy "
                   "constraint: Member must have value less than or equal to 10000"}


# -- markers ------------------------------------------------------------------------------------


@mock_esm(transition_seconds=0)
def test_a_marker_stays_valid_with_any_max_items():
    client = _client()
    created = _create_many(client, 30)
    marker = client.list_event_source_mappings(MaxItems=3)["NextMarker"]
    for max_items in (1, 10, 100, None):
        kwargs = {"MaxItems": max_items} if max_items else {}
        page = client.list_event_source_mappings(Marker=marker, **kwargs)
        assert _uuids(page) == created[3:3 + (max_items or 100)]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", marker)  # opaque, URL-safe


@mock_esm(transition_seconds=0)
def test_creates_and_deletes_between_pages_neither_repeat_nor_skip_survivors():
    client = _client()
    created = _create_many(client, 10)
    first = client.list_event_source_mappings(MaxItems=4)
    assert _uuids(first) == created[:4]
    for gone in (created[1], created[4], created[5], created[9]):  # returned, next, later, last
        client.delete_event_source_mapping(UUID=gone)
    added = _create_many(client, 2, start=10)
    rest: List[str] = []
    marker = first["NextMarker"]
    while marker:
        page = client.list_event_source_mappings(Marker=marker, MaxItems=2)
        rest += _uuids(page)
        marker = page.get("NextMarker")
    assert rest == [created[6], created[7], created[8], *added]


@mock_esm(transition_seconds=0)
def test_a_marker_survives_the_deletion_of_the_mapping_it_ended_on():
    client = _client()
    created = _create_many(client, 6)
    first = client.list_event_source_mappings(MaxItems=3)
    client.delete_event_source_mapping(UUID=created[2])
    assert _uuids(client.list_event_source_mappings(Marker=first["NextMarker"])) == created[3:]


@mock_esm(transition_seconds=0)
def test_order_is_creation_order_and_stable_across_calls_and_updates():
    client = _client()
    created = _create_many(client, 12)
    client.update_event_source_mapping(UUID=created[0], BatchSize=5)
    client.update_event_source_mapping(UUID=created[3], FunctionName="other")
    assert _all_pages(client, MaxItems=5) == created
    assert _all_pages(client, MaxItems=5) == created


def _marker_for(client: Any, **filters: Any) -> str:
    return str(client.list_event_source_mappings(MaxItems=1, **filters)["NextMarker"])


@pytest.mark.parametrize("forge", [
    pytest.param(lambda marker: "garbage", id="garbage"),
    pytest.param(lambda marker: "!!!", id="not-base64"),
    pytest.param(lambda marker: marker[:-3], id="truncated"),
    pytest.param(lambda marker: marker + "AA", id="extended"),
    pytest.param(lambda marker: "MTIzLmFiYw", id="forged"),  # "123.abc"
    pytest.param(lambda marker: marker.swapcase(), id="tampered"),
    pytest.param(lambda marker: "x" * 5000, id="huge"),
])
@mock_esm(transition_seconds=0)
def test_a_marker_the_mock_did_not_issue_is_invalid_parameter_value(forge):
    client = _client()
    _create_many(client, 3)
    marker = forge(_marker_for(client))
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        client.list_event_source_mappings(Marker=marker)
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Type"] == "User"
    assert response["message"] == INVALID_MARKER.format(marker[:200])


@pytest.mark.parametrize(("issued_with", "used_with"), [
    ({}, {"FunctionName": "worker"}),
    ({"FunctionName": "worker"}, {}),
    ({"FunctionName": "worker"}, {"FunctionName": "other"}),
    ({"FunctionName": "worker"}, {"FunctionName": "worker:live"}),
    ({"EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q0"}, {}),
    ({}, {"EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q0"}),
    ({"FunctionName": "worker"},
     {"FunctionName": "worker", "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q0"}),
], ids=["none->fn", "fn->none", "fn->other-fn", "fn->qualified", "arn->none", "none->arn",
        "fn->fn+arn"])
@mock_esm(transition_seconds=0)
def test_a_marker_issued_for_other_filters_is_invalid(issued_with, used_with):
    client = _client()
    for function in ("worker", "other", "worker:live"):
        _create_many(client, 2, function=function)
    # the same queue twice, for the EventSourceArn cases
    client.create_event_source_mapping(
        EventSourceArn="arn:aws:sqs:us-east-1:123456789012:q0", FunctionName="third")
    marker = _marker_for(client, **issued_with)
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        client.list_event_source_mappings(Marker=marker, **used_with)
    assert raised.value.response["message"] == INVALID_MARKER.format(marker)


@mock_esm(transition_seconds=0)
def test_a_marker_is_valid_for_any_spelling_of_the_same_function():
    client = _client()
    created = _create_many(client, 3)
    marker = _marker_for(client, FunctionName="worker")
    for spelling in ("123456789012:function:worker", FUNCTION.format("worker")):
        page = client.list_event_source_mappings(Marker=marker, FunctionName=spelling)
        assert _uuids(page) == created[1:]


def test_a_marker_from_another_region_or_account_is_invalid():
    with mock_esm(account_id="111111111111", transition_seconds=0):
        client = _client()
        _create_many(client, 3)
        _create_many(_client("eu-west-1"), 3)
        marker = _marker_for(client)
        with pytest.raises(client.exceptions.InvalidParameterValueException):
            _client("eu-west-1").list_event_source_mappings(Marker=marker)
        with mock_esm(account_id="222222222222"):
            _create_many(client, 3)
            with pytest.raises(client.exceptions.InvalidParameterValueException):
                client.list_event_source_mappings(Marker=marker)
        assert len(client.list_event_source_mappings(Marker=marker)["EventSourceMappings"]) == 2


# -- filters ------------------------------------------------------------------------------------


@pytest.fixture
def wired() -> Any:
    """Three functions (one with an alias and a version) on two sources."""
    with mock_esm(transition_seconds=0):
        client = _client()
        uuids = {}
        for key, source, function in [
            ("q-worker", QUEUE_ARN, "worker"),
            ("q-live", QUEUE_ARN, "worker:live"),
            ("q-v1", QUEUE_ARN, FUNCTION.format("worker:1")),
            ("q-other", QUEUE_ARN, "other"),
            ("s-worker", STREAM_ARN, "worker"),
            ("s-live", STREAM_ARN, "123456789012:function:worker:live"),
        ]:
            kwargs = {"StartingPosition": "LATEST"} if source == STREAM_ARN else {}
            uuids[key] = client.create_event_source_mapping(
                EventSourceArn=source, FunctionName=function, **kwargs)["UUID"]
        yield client, uuids


@pytest.mark.parametrize(("filters", "expected"), [
    ({"EventSourceArn": QUEUE_ARN}, ["q-worker", "q-live", "q-v1", "q-other"]),
    ({"EventSourceArn": STREAM_ARN}, ["s-worker", "s-live"]),
    ({"FunctionName": "worker"}, ["q-worker", "s-worker"]),
    ({"FunctionName": "123456789012:function:worker"}, ["q-worker", "s-worker"]),
    ({"FunctionName": FUNCTION.format("worker")}, ["q-worker", "s-worker"]),
    ({"FunctionName": "worker:live"}, ["q-live", "s-live"]),
    ({"FunctionName": FUNCTION.format("worker:live")}, ["q-live", "s-live"]),
    ({"FunctionName": "worker:1"}, ["q-v1"]),
    ({"FunctionName": "worker:$LATEST"}, []),
    ({"FunctionName": "other"}, ["q-other"]),
    ({"EventSourceArn": QUEUE_ARN, "FunctionName": "worker"}, ["q-worker"]),
    ({"EventSourceArn": STREAM_ARN, "FunctionName": "worker:live"}, ["s-live"]),
    ({"EventSourceArn": STREAM_ARN, "FunctionName": "other"}, []),
    ({"EventSourceArn": QUEUE_ARN + "-missing"}, []),
    ({"FunctionName": "missing"}, []),
    ({"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:worker"}, []),
    ({"FunctionName": "999999999999:function:worker"}, []),
], ids=lambda value: value if isinstance(value, str) else None)
def test_filters_match_name_partial_and_full_arn_and_qualifiers_exactly(wired, filters,
                                                                          expected):
    client, uuids = wired
    listed = client.list_event_source_mappings(**filters)
    assert _uuids(listed) == [uuids[key] for key in expected]
    assert "NextMarker" not in listed


def test_filters_and_paging_compose(wired):
    client, uuids = wired
    _create_many(client, 150, function="worker")
    _create_many(client, 40, function="other", start=150)
    mine = _all_pages(client, FunctionName="worker", MaxItems=33)
    assert len(mine) == 152
    assert mine[:2] == [uuids["q-worker"], uuids["s-worker"]]
    assert len(_all_pages(client, FunctionName="other")) == 41


@mock_esm
def test_malformed_filters_are_validation_errors(lambda_client):
    for filters, field in (({"EventSourceArn": "queue"}, "eventSourceArn"),
                           ({"FunctionName": "bad name"}, "functionName")):
        with pytest.raises(lambda_client.exceptions.ClientError) as raised:
            lambda_client.list_event_source_mappings(**filters)
        error = raised.value.response["Error"]
        assert error["Code"] == "ValidationException"
        assert error["Message"].startswith(
            f"1 validation error detected: Value '{next(iter(filters.values()))}' at "
            f"'{field}' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: ")


# -- botocore's paginator ---------------------------------------------------------------------


@mock_esm(transition_seconds=0)
def test_paginator_with_page_size_max_items_and_starting_token():
    client = _client()
    created = _create_many(client, 260)
    paginator = client.get_paginator("list_event_source_mappings")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 40}))
    assert [len(p["EventSourceMappings"]) for p in pages] == [40] * 6 + [20]
    assert [m["UUID"] for p in pages for m in p["EventSourceMappings"]] == created

    first = paginator.paginate(PaginationConfig={"PageSize": 40, "MaxItems": 150})
    result = first.build_full_result()
    assert [m["UUID"] for m in result["EventSourceMappings"]] == created[:150]
    rest = paginator.paginate(PaginationConfig={"PageSize": 70,
                                                "StartingToken": result["NextToken"]})
    assert [m["UUID"] for m in rest.build_full_result()["EventSourceMappings"]] == created[150:]

    default = paginator.paginate().build_full_result()  # AWS's 100 a page, all of them
    assert [m["UUID"] for m in default["EventSourceMappings"]] == created


@mock_esm(transition_seconds=0)
def test_paginator_with_filters_and_search():
    client = _client()
    _create_many(client, 30, function="worker")
    _create_many(client, 30, function="other", start=30)
    paginator = client.get_paginator("list_event_source_mappings")
    arns = list(paginator.paginate(FunctionName="other", PaginationConfig={"PageSize": 7})
                .search("EventSourceMappings[].FunctionArn"))
    assert arns == [FUNCTION.format("other")] * 30


@mock_esm(transition_seconds=0)
def test_both_filters_page_through_every_topic_of_a_cluster_read_by_one_function():
    # One function may read several topics of an MSK cluster, one mapping per topic.
    client = _client()
    cluster = ("arn:aws:kafka:us-east-1:123456789012:cluster/orders/"
               "abcd1234-ab12-cd34-ef56-abcdef123456-1")
    mine = {topic: client.create_event_source_mapping(
        EventSourceArn=cluster, FunctionName="worker", Topics=[topic],
        StartingPosition="LATEST")["UUID"] for topic in ("t-a", "t-b", "t-c", "t-d")}
    client.create_event_source_mapping(EventSourceArn=cluster, FunctionName="other",
                                       Topics=["t-a"], StartingPosition="LATEST")
    both = {"EventSourceArn": cluster, "FunctionName": "worker"}
    first = client.list_event_source_mappings(MaxItems=2, **both)
    assert _uuids(first) == [mine["t-a"], mine["t-b"]]
    client.delete_event_source_mapping(UUID=mine["t-c"])
    rest = client.list_event_source_mappings(Marker=first["NextMarker"], **both)
    assert _uuids(rest) == [mine["t-d"]]
    assert "NextMarker" not in rest
    assert _all_pages(client, MaxItems=1, **both) == [mine["t-a"], mine["t-b"], mine["t-d"]]
