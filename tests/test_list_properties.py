"""Property: however creates, deletes and page requests interleave, paging through
ListEventSourceMappings returns every survivor exactly once and nothing that was already gone."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_esm import mock_esm

from .clock_drivers import reused_client

FUNCTIONS = ("alpha", "beta")

# Bounds: at most 12 mappings to start with and 30 interleaved actions, pages of 1-5 items,
# so one example stays around a hundred mocked calls; 60 examples keep the test near a second.
ACTION = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(FUNCTIONS)),
    st.tuples(st.just("delete"), st.integers(min_value=0, max_value=1000)),
    st.tuples(st.just("page"), st.integers(min_value=1, max_value=5)),
)


class Run:
    """The mock under test beside a model of which mappings exist."""

    def __init__(self, client: Any, function_filter: Optional[str]) -> None:
        self.client = client
        self.filters: Dict[str, str] = (
            {"FunctionName": function_filter} if function_filter else {})
        self.function_filter = function_filter
        self.alive: Dict[str, str] = {}  # uuid -> function, in creation order
        self.deleted: Set[str] = set()
        self.returned: List[str] = []
        self.marker: Optional[str] = None
        self.finished = False
        self.survivors: List[str] = []  # what matched when the last page was served
        self.counter = 0

    def create(self, function: str) -> None:
        self.counter += 1
        uuid = self.client.create_event_source_mapping(
            EventSourceArn=f"arn:aws:sqs:us-east-1:123456789012:q{self.counter}",
            FunctionName=function)["UUID"]
        self.alive[uuid] = function

    def delete(self, pick: int) -> None:
        if not self.alive:
            return
        uuid = list(self.alive)[pick % len(self.alive)]
        self.client.delete_event_source_mapping(UUID=uuid)
        del self.alive[uuid]
        self.deleted.add(uuid)

    def matching(self) -> List[str]:
        return [uuid for uuid, function in self.alive.items()
                if self.function_filter in (None, function)]

    def page(self, size: int) -> None:
        if self.finished:
            return
        kwargs: Dict[str, Any] = dict(self.filters, MaxItems=size)
        if self.marker is not None:
            kwargs["Marker"] = self.marker
        response = self.client.list_event_source_mappings(**kwargs)
        items = [m["UUID"] for m in response["EventSourceMappings"]]
        assert len(items) <= size
        living = set(self.matching())
        assert set(items) <= living, "a page returned a deleted or unmatched mapping"
        self.returned += items
        self.marker = response.get("NextMarker")
        self.finished = self.marker is None
        self.survivors = self.matching()
        if not self.finished:
            assert len(items) == size, "a page short of MaxItems must be the last"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=st.integers(min_value=0, max_value=12),
       actions=st.lists(ACTION, max_size=30),
       function_filter=st.sampled_from([None, "alpha"]))
def test_any_interleaving_of_creates_deletes_and_pages_returns_each_survivor_once(
        initial: int, actions: List[Tuple[str, Any]], function_filter: Optional[str]) -> None:
    with mock_esm(transition_seconds=0):
        run = Run(reused_client(), function_filter)
        for number in range(initial):
            run.create(FUNCTIONS[number % 2])
        for action, argument in actions:
            getattr(run, action)(argument)
        while not run.finished:
            run.page(5)
        assert len(run.returned) == len(set(run.returned)), "a mapping was returned twice"
        # Every mapping alive when the last page was served came back, in creation order;
        # the rest of what came back was deleted after its page.
        assert [u for u in run.returned if u in run.survivors] == run.survivors
        assert set(run.returned) - set(run.survivors) <= run.deleted
