"""Mapping UUIDs look like AWS's (random version-4 UUIDs) and never repeat, whatever a test does
to Python's global random generator or however its processes fork."""

from __future__ import annotations

import multiprocessing
import random
import re
import uuid as uuidlib
import warnings

import boto3
import pytest

from mock_esm import mock_esm

from .conftest import QUEUE_ARN

CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _create(client, i: int) -> str:
    return client.create_event_source_mapping(EventSourceArn=f"{QUEUE_ARN}-{i}",
                                              FunctionName="f")["UUID"]


def test_uuids_are_canonical_version_4_and_distinct():
    with mock_esm():
        client = boto3.client("lambda", region_name="us-east-1")
        uuids = [_create(client, i) for i in range(500)]
    assert len(set(uuids)) == 500
    for value in uuids:
        assert CANONICAL.fullmatch(value), value
        parsed = uuidlib.UUID(value)
        assert parsed.version == 4 and parsed.variant == uuidlib.RFC_4122


def test_seeding_pythons_random_does_not_make_uuids_repeat():
    client = boto3.client("lambda", region_name="us-east-1")
    runs = []
    for _ in range(2):
        random.seed(1234)  # as tests that want reproducible data do
        with mock_esm():
            runs.append([_create(client, i) for i in range(3)])
    assert not set(runs[0]) & set(runs[1])


def _child_uuid(queue) -> None:
    with mock_esm():
        queue.put(_create(boto3.client("lambda", region_name="us-east-1"), 0))


def test_a_forked_process_does_not_repeat_its_parents_uuids():
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_uuid, args=(queue,))
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process that has threads (xdist workers do); the
        # child here only makes one mocked call.
        warnings.simplefilter("ignore", DeprecationWarning)
        child.start()
    from_child = queue.get(timeout=30)
    child.join(timeout=30)
    with mock_esm():
        from_parent = _create(boto3.client("lambda", region_name="us-east-1"), 0)
    assert from_child != from_parent
