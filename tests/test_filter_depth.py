"""What Create accepts, poll evaluates: a filter pattern as deep as 4096 characters allow (Lambda
documents no nesting limit) is stored, and every later poll matches with it, never raises."""

from __future__ import annotations

import json

import boto3

from mock_esm import mock_esm

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"


def _deepest_pattern() -> tuple:
    """The deepest pattern that fits in 4096 characters, and a record body it matches."""
    depth = (4096 - len('{"body":') - len('[1]') - 1) // len('{"":}')
    pattern = '{"body":' + '{"":' * depth + "[1]" + "}" * depth + "}"
    body = '{"":' * depth + "1" + "}" * depth
    assert len(pattern) <= 4096
    return pattern, body, depth


def test_the_deepest_pattern_create_accepts_is_matched_on_poll():
    pattern, body, depth = _deepest_pattern()
    assert depth > 800
    with mock_esm(transition_seconds=0) as esm:
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_event_source_mapping(
            EventSourceArn=QUEUE, FunctionName="f",
            FilterCriteria={"Filters": [{"Pattern": pattern}]})
        delivered = []
        esm.register_function("f", lambda event, context: delivered.extend(event["Records"]))
        esm.put_records(QUEUE, [body, json.dumps({"other": 1})])
        esm.poll()
        assert [record["body"] for record in delivered] == [body]
        esm.poll()
        [mapping] = esm.mappings()
        assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
