"""Random parameter combinations through boto3 only ever get a mapping or a modelled 4xx.

Whatever a user sends, the mock must answer as AWS would: a response whose keys and types fit
the botocore output shape, or an AWS error code with its status and a message — never a Python
traceback, a 500 or an unmodelled code.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Dict

import botocore.session
from botocore.validate import ParamValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm

from .conftest import FIFO_ARN, QUEUE_ARN, STREAM_ARN, TABLE_STREAM_ARN
from .rules_support import (
    CONFLICT,
    DOCDB_ARN,
    IPV,
    MINIMAL,
    MQ_ARN,
    MSK_ARN,
    SECRET,
    SELF_MANAGED,
    VALIDATION,
    outcome,
)

# Modest and explicit: 80 examples keep the property near 1 s; no example database so
# nothing is written into the tree; no deadline so a loaded CI machine cannot fail a property.
PROPERTY = settings(max_examples=80, deadline=None, database=None)

MODEL = botocore.session.get_session().get_service_model("lambda")
OUTPUT = MODEL.operation_model("GetEventSourceMapping").output_shape
MODELLED = {IPV, VALIDATION, CONFLICT}

# Each source bare, and with what it requires.
SOURCES = [{"EventSourceArn": arn} for arn in (QUEUE_ARN, FIFO_ARN, STREAM_ARN, TABLE_STREAM_ARN,
                                               MSK_ARN, MQ_ARN, DOCDB_ARN)]
SOURCES += list(MINIMAL.values())
PATTERNS = [json.dumps({"body": {"a": [1]}}), json.dumps({"b": [{"prefix": "x"}]}), "null",
            '{"a": "b"}', "{}", '{"a": [1', json.dumps({"c": [{"numeric": [">", 1]}]})]

# Values straddle each server-side bound; minimums stay legal because botocore checks those
# on the client before the mock is reached.
MEMBERS: Dict[str, Any] = {
    "Enabled": st.booleans(),
    "BatchSize": st.integers(1, 10_050),
    "MaximumBatchingWindowInSeconds": st.integers(0, 310),
    "ParallelizationFactor": st.integers(1, 12),
    "MaximumRecordAgeInSeconds": st.integers(-1, 604_810),
    "MaximumRetryAttempts": st.integers(-1, 10_010),
    "TumblingWindowInSeconds": st.integers(0, 910),
    "BisectBatchOnFunctionError": st.booleans(),
    "FunctionResponseTypes": st.sampled_from([[], ["ReportBatchItemFailures"], ["Other"]]),
    "ScalingConfig": st.builds(dict, MaximumConcurrency=st.integers(2, 1010)),
    "DestinationConfig": st.sampled_from([{"OnFailure": {"Destination": QUEUE_ARN}},
                                          {"OnSuccess": {"Destination": QUEUE_ARN}}, {}]),
    "FilterCriteria": st.builds(
        lambda ps: {"Filters": [{"Pattern": p} for p in ps]},
        st.lists(st.sampled_from(PATTERNS), max_size=7)),
    "MetricsConfig": st.sampled_from([{"Metrics": ["EventCount"]}, {"Metrics": ["KafkaMetrics"]}]),
    "SourceAccessConfigurations": st.lists(st.builds(
        dict, Type=st.sampled_from(["BASIC_AUTH", "VPC_SUBNET", "VIRTUAL_HOST",
                                    "SASL_SCRAM_512_AUTH"]), URI=st.just(SECRET)), max_size=3),
    "AmazonManagedKafkaEventSourceConfig": st.just({"ConsumerGroupId": "g"}),
    "SelfManagedKafkaEventSourceConfig": st.just({"ConsumerGroupId": "g"}),
    "DocumentDBEventSourceConfig": st.sampled_from([{"DatabaseName": "shop"},
                                                    {"CollectionName": "orders"}]),
    "LoggingConfig": st.just({"SystemLogLevel": "INFO"}),
    "ProvisionedPollerConfig": st.builds(dict, MinimumPollers=st.integers(1, 210),
                                         MaximumPollers=st.integers(1, 2010)),
}
CREATE_ONLY: Dict[str, Any] = {
    "StartingPosition": st.sampled_from(["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP", "bogus"]),
    "Topics": st.sampled_from([["orders"], ["a1", "b2"], ["bad topic"]]),
    "Queues": st.sampled_from([["orders"], ["a", "b"]]),
    "SelfManagedEventSource": st.sampled_from([
        SELF_MANAGED["SelfManagedEventSource"],
        {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["no-port", "h:99999"]}}]),
    "StartingPositionTimestamp": st.datetimes(
        min_value=datetime.datetime(2020, 1, 1), max_value=datetime.datetime(2030, 1, 1),
        timezones=st.just(datetime.timezone.utc)),
}


def _some(members: Dict[str, Any], most: int) -> Any:
    """Up to ``most`` members at a time, so valid combinations are common enough to test the
    accepted side as well as the refusals."""
    names = st.lists(st.sampled_from(sorted(members)), max_size=most, unique=True)
    return names.flatmap(lambda chosen: st.fixed_dictionaries({n: members[n] for n in chosen}))


def _known(members: Dict[str, Any], operation: str) -> Dict[str, Any]:
    """Only the members the installed model has: an older botocore refuses the others on the
    client (the tox env ``min`` runs the oldest supported one)."""
    known = MODEL.operation_model(operation).input_shape.members
    return {name: strategy for name, strategy in members.items() if name in known}


CREATES = st.builds(lambda base, extra: {**base, **extra}, st.sampled_from(SOURCES),
                    _some(_known({**MEMBERS, **CREATE_ONLY}, "CreateEventSourceMapping"), 3))
UPDATES = _some(_known(MEMBERS, "UpdateEventSourceMapping"), 2)


def _assert_fits_the_model(response: Dict[str, Any]) -> None:
    view = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    assert set(view) <= set(OUTPUT.members)
    report = ParamValidator().validate(view, OUTPUT)
    assert not report.has_errors(), report.generate_report()


def _assert_answer_is_modelled(call: Any, **kwargs: Any) -> Any:
    response, error = outcome(call, **kwargs)
    if error is not None:
        assert error[0] in MODELLED and error[1]
        return None
    _assert_fits_the_model(response)
    return response


@PROPERTY
@given(create=CREATES, update=UPDATES)
def test_random_create_and_update_get_a_mapping_or_a_modelled_4xx(client, create, update):
    with mock_esm(transition_seconds=0):
        created = _assert_answer_is_modelled(client.create_event_source_mapping,
                                             FunctionName="worker", **create)
        if created is None:
            assert client.list_event_source_mappings()["EventSourceMappings"] == []
            return
        before = client.get_event_source_mapping(UUID=created["UUID"])
        updated = _assert_answer_is_modelled(client.update_event_source_mapping,
                                             UUID=created["UUID"], **update)
        after = client.get_event_source_mapping(UUID=created["UUID"])
        _assert_fits_the_model(after)
        if updated is None:
            assert after == {**before, "ResponseMetadata": after["ResponseMetadata"]}


ARN_PATTERN = MODEL.operation_model("CreateEventSourceMapping").input_shape.members[
    "EventSourceArn"].metadata["pattern"]
_ARN_PIECES = st.sampled_from(["arn", "aws", "aws-cn", "AWS", "sqs", "s-3", "s_3", "us-east-1",
                               "us-gov-west-1", "eu-west", "123456789012", "12345", "", ":",
                               ":", ":", "q", "q\n", "/", "ü", "-", "1"])


@PROPERTY
@given(pieces=st.lists(_ARN_PIECES, max_size=12))
def test_event_source_arns_are_judged_by_the_model_pattern(client, pieces):
    arn = "".join(pieces)
    with mock_esm():
        _, error = outcome(client.create_event_source_mapping, EventSourceArn=arn,
                           FunctionName="f")
    refused_by_pattern = error is not None and error[0] == VALIDATION and (
        "eventSourceArn" in error[1])
    assert refused_by_pattern == (re.fullmatch(ARN_PATTERN, arn, re.DOTALL) is None), (arn, error)
