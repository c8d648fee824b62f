"""The ``esm_mock`` fixture and the ``mock_esm`` marker, registered through ``pytest11``."""

from __future__ import annotations

from typing import Any, Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mock_esm(account_id=..., transition_seconds=...): options for esm_mock")


@pytest.fixture
def esm_mock(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The active EsmMock for one test; configure it with ``@pytest.mark.mock_esm(...)``."""
    from mock_esm import mock_esm

    marker = request.node.get_closest_marker("mock_esm")
    options = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise TypeError("@pytest.mark.mock_esm takes keyword arguments only, e.g. "
                        "@pytest.mark.mock_esm(account_id='111122223333')")
    esm = mock_esm(**options)
    esm.start()
    try:
        yield esm
    finally:
        esm.stop()
