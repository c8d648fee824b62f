"""The lifecycle as a hypothesis state machine: random creates, updates, deletes, clock moves and
settles against a small model of the lifecycle AWS documents (docs/clocks.md, "States")."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mock_esm import mock_esm

from .clock_drivers import START, reused_client

time_machine = pytest.importorskip("time_machine")  # every test here drives it

TRANSITION = 1.0


class Expected:
    """What one mapping should answer: a state, and where and when a pending one lands."""

    def __init__(self, state: str, target: Optional[str], due: Optional[float]) -> None:
        self.state, self.target, self.due = state, target, due
        self.batch_size = 10

    def catch_up(self, now: float) -> bool:
        """Apply a due transition; False once a deletion has completed."""
        if self.due is not None and now >= self.due:
            if self.target is None:
                return False
            self.state, self.target, self.due = self.target, None, None
        return True

    @property
    def pending(self) -> bool:
        return self.due is not None


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.travel = time_machine.travel(START, tick=False)
        self.traveller = self.travel.start()
        self.esm = mock_esm()
        self.esm.start()
        self.client = reused_client()
        self.now = 0.0
        self.model: Dict[str, Expected] = {}
        self.sources = 0

    def teardown(self) -> None:
        self.esm.stop()
        self.travel.stop()

    def _catch_up(self) -> None:
        for uuid in [u for u, m in self.model.items() if not m.catch_up(self.now)]:
            del self.model[uuid]

    def _pick(self, index: int) -> str:
        # By creation order, not by UUID: UUIDs are random, so an order by UUID would pick
        # another mapping when hypothesis replays an example, and replays must be exact.
        return list(self.model)[index % len(self.model)]

    @rule(enabled=st.sampled_from([None, True, False]))
    def create(self, enabled: Optional[bool]) -> None:
        self.sources += 1
        kwargs: Dict[str, Any] = {} if enabled is None else {"Enabled": enabled}
        created = self.client.create_event_source_mapping(
            EventSourceArn=f"arn:aws:sqs:us-east-1:123456789012:q{self.sources}",
            FunctionName="worker", **kwargs)
        if enabled is False:
            expected = Expected("Disabled", None, None)
        else:
            expected = Expected("Creating", "Enabled", self.now + TRANSITION)
        assert created["State"] == expected.state
        self.model[created["UUID"]] = expected

    @precondition(lambda self: self.model)
    @rule(index=st.integers(min_value=0, max_value=50),
          enabled=st.sampled_from([None, True, False]),
          batch_size=st.sampled_from([None, 1, 5]))
    def update(self, index: int, enabled: Optional[bool], batch_size: Optional[int]) -> None:
        self._catch_up()
        if not self.model:
            return
        uuid = self._pick(index)
        expected = self.model[uuid]
        kwargs: Dict[str, Any] = {}
        if enabled is not None:
            kwargs["Enabled"] = enabled
        if batch_size is not None:
            kwargs["BatchSize"] = batch_size
        if expected.pending:
            with pytest.raises(self.client.exceptions.ResourceInUseException):
                self.client.update_event_source_mapping(UUID=uuid, **kwargs)
            return
        answer = self.client.update_event_source_mapping(UUID=uuid, **kwargs)
        was_enabled = expected.state == "Enabled"
        if enabled is True and not was_enabled:
            expected.state, expected.target = "Enabling", "Enabled"
        elif enabled is False and was_enabled:
            expected.state, expected.target = "Disabling", "Disabled"
        else:
            expected.state, expected.target = "Updating", expected.state
        expected.due = self.now + TRANSITION
        if batch_size is not None:
            expected.batch_size = batch_size
        assert answer["State"] == expected.state

    @precondition(lambda self: self.model)
    @rule(index=st.integers(min_value=0, max_value=50))
    def delete(self, index: int) -> None:
        self._catch_up()
        if not self.model:
            return
        uuid = self._pick(index)
        expected = self.model[uuid]
        if expected.pending:
            with pytest.raises(self.client.exceptions.ResourceInUseException):
                self.client.delete_event_source_mapping(UUID=uuid)
            return
        assert self.client.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
        expected.state, expected.target, expected.due = "Deleting", None, self.now + TRANSITION

    @rule(seconds=st.sampled_from([0.25, 0.5, 1.0, 3.0]))
    def advance(self, seconds: float) -> None:
        self.traveller.shift(seconds)
        self.now += seconds

    @rule()
    def settle(self) -> None:
        self.esm.settle()
        for expected in self.model.values():
            expected.due = min(expected.due, self.now) if expected.due is not None else None
        self._catch_up()

    @invariant()
    def get_list_and_mappings_agree_with_the_model(self) -> None:
        self._catch_up()
        expected = {uuid: (m.state, m.batch_size) for uuid, m in self.model.items()}
        listed = self.client.list_event_source_mappings()["EventSourceMappings"]
        assert {m["UUID"]: (m["State"], m["BatchSize"]) for m in listed} == expected
        seen = {m["UUID"]: (m["State"], m["BatchSize"]) for m in self.esm.mappings()}
        assert seen == expected
        for uuid, (state, _) in expected.items():
            assert self.client.get_event_source_mapping(UUID=uuid)["State"] == state


# Bounds: 60 runs of at most 20 steps, each step a few mocked calls; about a second in all.
Lifecycle.TestCase.settings = settings(
    max_examples=60, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_lifecycle = Lifecycle.TestCase
