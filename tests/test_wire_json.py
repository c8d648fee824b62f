"""Answers botocore parsed, turned back into the JSON they travelled as (stream records)."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict

import botocore.session
from botocore import parsers
from hypothesis import given
from hypothesis import strategies as st

from mock_esm.aws.wire_json import to_wire

_MODEL = botocore.session.get_session().get_service_model("dynamodbstreams")
_OUTPUT = _MODEL.operation_model("GetRecords").output_shape
_RECORD = _MODEL.shape_for("Record")

_names = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=8)
_blobs = st.binary(max_size=16).map(lambda raw: base64.b64encode(raw).decode("ascii"))
_numbers = st.integers(-10**6, 10**6).map(str)
# AttributeValue JSON as DynamoDB Streams sends it; nesting bounded to keep examples small.
_values = st.recursive(
    st.one_of(st.builds(lambda s: {"S": s}, st.text(max_size=8)),
              st.builds(lambda n: {"N": n}, _numbers),
              st.builds(lambda b: {"B": b}, _blobs),
              st.builds(lambda b: {"BS": b}, st.lists(_blobs, min_size=1, max_size=3)),
              st.builds(lambda b: {"BOOL": b}, st.booleans())),
    lambda inner: st.one_of(
        st.builds(lambda items: {"L": items}, st.lists(inner, max_size=3)),
        st.builds(lambda members: {"M": members}, st.dictionaries(_names, inner, max_size=3))),
    max_leaves=8)


@given(image=st.dictionaries(_names, _values, min_size=1, max_size=4),
       created=st.integers(0, 2**31))
def test_a_parsed_stream_record_turns_back_into_its_wire_json(image: Dict[str, Any],
                                                             created: int) -> None:
    record = {"eventID": "1", "eventName": "INSERT", "dynamodb": {
        "ApproximateCreationDateTime": created, "Keys": {"id": {"S": "k"}}, "NewImage": image,
        "SequenceNumber": "100", "SizeBytes": 10, "StreamViewType": "NEW_IMAGE"}}
    body = json.dumps({"Records": [record]}).encode()
    parsed = parsers.create_parser("json").parse(
        {"status_code": 200, "headers": {}, "body": body}, _OUTPUT)
    assert to_wire(_RECORD, parsed["Records"][0]) == record
