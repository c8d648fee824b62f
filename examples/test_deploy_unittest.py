"""The same deploy helper tested from a unittest.TestCase, as many older suites are written."""

import unittest

import boto3

from mock_esm import mock_esm

from .deploy import ensure_mapping, find_mapping

STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"


@mock_esm(transition_seconds=0)
class TestDeployFromTestCase(unittest.TestCase):
    def setUp(self):
        # setUp runs inside the same activation as each test, so this mapping is visible there
        self.client = boto3.client("lambda", region_name="us-east-1")
        self.mapping = self.client.create_event_source_mapping(
            EventSourceArn=STREAM, FunctionName="click-counter", StartingPosition="LATEST")

    def test_finds_the_mapping_made_in_set_up(self):
        found = find_mapping(self.client, STREAM, "click-counter")
        self.assertEqual(found["UUID"], self.mapping["UUID"])

    def test_ensure_mapping_changes_only_the_batch_size(self):
        updated = ensure_mapping(self.client, STREAM, "click-counter", batch_size=500)
        self.assertEqual(updated["UUID"], self.mapping["UUID"])
        self.assertEqual(updated["BatchSize"], 500)

    def test_each_test_starts_from_set_up_alone(self):
        listed = self.client.list_event_source_mappings()["EventSourceMappings"]
        self.assertEqual([m["UUID"] for m in listed], [self.mapping["UUID"]])
