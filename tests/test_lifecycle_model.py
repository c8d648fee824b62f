"""A model-based check of the five operations: whatever order calls come in, the mock agrees
with a plain dict of what should exist; nothing is lost, duplicated or resurrected."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import boto3
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from mock_esm import mock_esm

SOURCES = [f"arn:aws:sqs:us-east-1:123456789012:q{i}" for i in range(3)]
FUNCTIONS = ["f", "g"]
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"


class Lifecycle(RuleBasedStateMachine):
    uuids = Bundle("uuids")

    def __init__(self) -> None:
        super().__init__()
        self.mock = mock_esm(transition_seconds=0)
        self.esm = self.mock.start()
        self.client = boto3.client("lambda", region_name="us-east-1")
        # uuid -> (source, function, batch size, enabled), in creation order
        self.model: Dict[str, Tuple[str, str, int, bool]] = {}

    def teardown(self) -> None:
        self.mock.stop()

    def _code(self, call: Any, **kwargs: Any) -> Optional[str]:
        try:
            call(**kwargs)
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return None

    @rule(target=uuids, source=st.sampled_from(SOURCES), function=st.sampled_from(FUNCTIONS),
          enabled=st.booleans())
    def create(self, source: str, function: str, enabled: bool) -> str:
        taken = any(v[:2] == (source, function) for v in self.model.values())
        try:
            created = self.client.create_event_source_mapping(
                EventSourceArn=source, FunctionName=function, Enabled=enabled)
        except ClientError as error:
            assert taken and error.response["Error"]["Code"] == "ResourceConflictException"
            return "00000000-0000-0000-0000-000000000000"  # 36 long, as botocore 1.44+ wants
        assert not taken
        self.model[created["UUID"]] = (source, function, 10, enabled)
        return str(created["UUID"])

    @rule(uuid=uuids, size=st.integers(1, 10), enabled=st.none() | st.booleans())
    def update(self, uuid: str, size: int, enabled: Optional[bool]) -> None:
        kwargs: Dict[str, Any] = {"UUID": uuid, "BatchSize": size}
        if enabled is not None:
            kwargs["Enabled"] = enabled
        code = self._code(self.client.update_event_source_mapping, **kwargs)
        if uuid not in self.model:
            assert code == "ResourceNotFoundException"
            return
        assert code is None
        source, function, _, was = self.model[uuid]
        self.model[uuid] = (source, function, size, was if enabled is None else enabled)

    @rule(uuid=uuids)
    def delete(self, uuid: str) -> None:
        code = self._code(self.client.delete_event_source_mapping, UUID=uuid)
        assert code == (None if uuid in self.model else "ResourceNotFoundException")
        self.model.pop(uuid, None)

    @rule(uuid=uuids)
    def get(self, uuid: str) -> None:
        try:
            got = self.client.get_event_source_mapping(UUID=uuid)
        except ClientError as error:
            assert uuid not in self.model
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            return
        source, function, size, enabled = self.model[uuid]
        assert (got["EventSourceArn"], got["FunctionArn"], got["BatchSize"], got["State"]) == (
            source, FUNCTION_ARN.format(function), size, "Enabled" if enabled else "Disabled")

    @rule(source=st.none() | st.sampled_from(SOURCES),
          function=st.none() | st.sampled_from(FUNCTIONS), page=st.integers(1, 4))
    def list_all_pages(self, source: Optional[str], function: Optional[str], page: int) -> None:
        filters: Dict[str, Any] = {"MaxItems": page}
        if source:
            filters["EventSourceArn"] = source
        if function:
            filters["FunctionName"] = function
        listed: List[str] = []
        while True:
            answer = self.client.list_event_source_mappings(**filters)
            assert len(answer["EventSourceMappings"]) <= page
            listed += [m["UUID"] for m in answer["EventSourceMappings"]]
            if "NextMarker" not in answer:
                break
            filters["Marker"] = answer["NextMarker"]
        expected = [u for u, (s, f, _, _) in self.model.items()
                    if source in (None, s) and function in (None, f)]
        assert listed == expected  # creation order, every page, nothing twice

    @invariant()
    def inspection_agrees(self) -> None:
        assert [m["UUID"] for m in self.esm.mappings()] == list(self.model)


# Bounds: 15 call sequences of up to 20 steps (~300 boto3 calls plus snapshots, ~1-2 s).
Lifecycle.TestCase.settings = settings(max_examples=15, stateful_step_count=20, deadline=None,
                                       database=None,
                                       suppress_health_check=[HealthCheck.too_slow])
TestLifecycle = Lifecycle.TestCase
