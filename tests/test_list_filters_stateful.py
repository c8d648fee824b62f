"""Filtered listings as a hypothesis state machine: random creates, function changes and
deletes, with listings filtered on the source, the function, both or neither (paged at random
sizes) checked against a model after every step.

Whichever listing first filters on a source or a function, and whatever was created, moved or
deleted before and after it, each listing must hold exactly the live mappings that match, in
creation order, and a (source, function) pair is refused a second mapping exactly while one
is live.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mock_esm import mock_esm

from .clock_drivers import reused_client

QUEUES = [f"arn:aws:sqs:us-east-1:123456789012:queue-{n}" for n in range(3)]
FUNCTIONS = ["alpha", "beta", "gamma"]
ACCOUNT_PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:"


def _listed(client: Any, page_size: int, **filters: str) -> List[str]:
    uuids: List[str] = []
    pages = client.get_paginator("list_event_source_mappings").paginate(
        PaginationConfig={"PageSize": page_size}, **filters)
    for page in pages:
        uuids.extend(m["UUID"] for m in page["EventSourceMappings"])
    return uuids


class FilteredListings(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # No transition time: a deleted mapping is gone by the next call, so the model needs
        # no clock, only creation order and each mapping's (source, function).
        self.esm = mock_esm(transition_seconds=0)
        self.esm.start()
        self.client = reused_client()
        self.model: Dict[str, Tuple[str, str]] = {}  # uuid -> (queue, function), in order

    def teardown(self) -> None:
        self.esm.stop()

    def _pair_taken(self, queue: str, function: str, ignore: Optional[str] = None) -> bool:
        return any(pair == (queue, function) and uuid != ignore
                   for uuid, pair in self.model.items())

    def _pick(self, index: int) -> str:
        return list(self.model)[index % len(self.model)]

    @rule(queue=st.sampled_from(QUEUES), function=st.sampled_from(FUNCTIONS))
    def create(self, queue: str, function: str) -> None:
        try:
            created = self.client.create_event_source_mapping(EventSourceArn=queue,
                                                              FunctionName=function)
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceConflictException"
            assert self._pair_taken(queue, function)
            return
        assert not self._pair_taken(queue, function)
        self.model[created["UUID"]] = (queue, function)

    @precondition(lambda self: self.model)
    @rule(index=st.integers(min_value=0, max_value=20), function=st.sampled_from(FUNCTIONS))
    def move_to_another_function(self, index: int, function: str) -> None:
        uuid = self._pick(index)
        queue = self.model[uuid][0]
        try:
            self.client.update_event_source_mapping(UUID=uuid, FunctionName=function)
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceConflictException"
            assert self._pair_taken(queue, function, ignore=uuid)
            return
        assert not self._pair_taken(queue, function, ignore=uuid)
        self.model[uuid] = (queue, function)

    @precondition(lambda self: self.model)
    @rule(index=st.integers(min_value=0, max_value=20))
    def delete(self, index: int) -> None:
        uuid = self._pick(index)
        self.client.delete_event_source_mapping(UUID=uuid)
        del self.model[uuid]

    @rule(queue=st.sampled_from([None, *QUEUES]), function=st.sampled_from([None, *FUNCTIONS]),
          page_size=st.integers(min_value=1, max_value=4))
    def list_filtered(self, queue: Optional[str], function: Optional[str],
                      page_size: int) -> None:
        filters = {}
        if queue is not None:
            filters["EventSourceArn"] = queue
        if function is not None:
            filters["FunctionName"] = function
        expected = [uuid for uuid, (q, f) in self.model.items()
                    if queue in (None, q) and function in (None, f)]
        assert _listed(self.client, page_size, **filters) == expected

    @invariant()
    def every_mapping_names_its_source_and_function(self) -> None:
        listed = self.client.list_event_source_mappings()["EventSourceMappings"]
        assert [(m["UUID"], m["EventSourceArn"], m["FunctionArn"]) for m in listed] == [
            (uuid, queue, ACCOUNT_PREFIX + function)
            for uuid, (queue, function) in self.model.items()]


# Bounds: 50 runs of at most 25 steps, each a few mocked calls; about two seconds in all.
FilteredListings.TestCase.settings = settings(
    max_examples=50, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_filtered_listings = FilteredListings.TestCase


@pytest.mark.parametrize("first_filter", ["EventSourceArn", "FunctionName"])
def test_a_filter_first_used_late_holds_earlier_mappings_and_follows_later_changes(
        first_filter: str) -> None:
    with mock_esm(transition_seconds=0):
        client = reused_client()
        made = [client.create_event_source_mapping(EventSourceArn=queue, FunctionName=function)
                ["UUID"] for queue in QUEUES for function in FUNCTIONS]
        value = QUEUES[1] if first_filter == "EventSourceArn" else "beta"
        matching = [uuid for uuid, (queue, function) in
                    zip(made, [(q, f) for q in QUEUES for f in FUNCTIONS])
                    if value in (queue, function)]
        assert _listed(client, 2, **{first_filter: value}) == matching
        # The index built by that listing follows later changes.
        client.delete_event_source_mapping(UUID=matching[0])
        if first_filter == "EventSourceArn":
            later_pair = {"EventSourceArn": value, "FunctionName": "delta"}
        else:
            late_queue = "arn:aws:sqs:us-east-1:123456789012:late"
            later_pair = {"EventSourceArn": late_queue, "FunctionName": value}
        later = client.create_event_source_mapping(**later_pair)["UUID"]
        assert _listed(client, 2, **{first_filter: value}) == [*matching[1:], later]
