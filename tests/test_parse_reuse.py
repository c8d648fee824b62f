"""Reads reuse botocore's parse of identical bytes: what users get must not change at all."""

from __future__ import annotations

import boto3
from botocore import parsers

from mock_esm import mock_esm
from mock_esm.interceptor import operation_model

from .conftest import QUEUE_ARN, STREAM_ARN


def _fresh_parse(client, operation: str, response: dict, body: bytes) -> dict:
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    return parsers.create_parser("rest-json").parse(
        {"status_code": response["ResponseMetadata"]["HTTPStatusCode"], "headers": headers,
         "body": body}, operation_model(operation).output_shape)


def test_repeated_reads_equal_a_fresh_botocore_parse_of_the_same_bytes():
    bodies: dict = {}

    def keep(http_response, model, **kwargs):
        bodies[model.name] = http_response.content

    with mock_esm(transition_seconds=0):
        client = boto3.client("lambda", region_name="us-east-1")
        client.meta.events.register("after-call.lambda", keep)
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                  FunctionName="f")["UUID"]
        client.create_event_source_mapping(EventSourceArn=STREAM_ARN, FunctionName="f",
                                           StartingPosition="LATEST")
        for _ in range(3):  # the first read parses, the later ones reuse
            got = client.get_event_source_mapping(UUID=uuid)
            assert got == _fresh_parse(client, "GetEventSourceMapping", got,
                                       bodies["GetEventSourceMapping"])
            listed = client.list_event_source_mappings()
            assert listed == _fresh_parse(client, "ListEventSourceMappings", listed,
                                          bodies["ListEventSourceMappings"])


def test_each_read_gets_its_own_copy_and_request_id():
    with mock_esm(transition_seconds=0):
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = client.create_event_source_mapping(EventSourceArn=STREAM_ARN, FunctionName="f",
                                                  StartingPosition="LATEST")["UUID"]
        first = client.get_event_source_mapping(UUID=uuid)
        first["DestinationConfig"]["OnFailure"]["Destination"] = "mutated by the caller"
        first["FunctionResponseTypes"].append("mutated")
        second = client.get_event_source_mapping(UUID=uuid)
        assert second["DestinationConfig"] == {"OnFailure": {}}
        assert second["FunctionResponseTypes"] == []
        assert (second["ResponseMetadata"]["RequestId"]
                != first["ResponseMetadata"]["RequestId"])
        assert (second["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
                == second["ResponseMetadata"]["RequestId"])


def test_a_changed_mapping_is_parsed_again():
    with mock_esm(transition_seconds=0):
        client = boto3.client("lambda", region_name="us-east-1")
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE_ARN,
                                                  FunctionName="f")["UUID"]
        assert client.get_event_source_mapping(UUID=uuid)["BatchSize"] == 10
        client.update_event_source_mapping(UUID=uuid, BatchSize=3)
        assert client.get_event_source_mapping(UUID=uuid)["BatchSize"] == 3


def test_kept_parses_stay_within_their_mapping_bound_while_paging_a_large_region():
    from mock_esm import interceptor

    with mock_esm(transition_seconds=0):
        client = boto3.client("lambda", region_name="us-east-1")
        for i in range(700):
            client.create_event_source_mapping(EventSourceArn=f"{QUEUE_ARN}-{i}",
                                               FunctionName="f")
        pages = client.get_paginator("list_event_source_mappings").paginate()
        assert sum(len(page["EventSourceMappings"]) for page in pages) == 700
        kept = sum(weight for weight, _ in interceptor._PARSED.values())
        assert kept == interceptor._parsed_weight[0]
        assert kept <= interceptor._PARSED_MAPPINGS_LIMIT
