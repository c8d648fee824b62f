"""The ``esm_mock`` fixture and the ``mock_esm`` marker, registered through ``pytest11``.

pytest imports this module at start-up in every project that has mock_esm installed, so it
imports nothing heavy: the controller (and with it botocore) loads when a test asks for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

import pytest

if TYPE_CHECKING:
    from .mock import EsmMock

MARKER = "mock_esm"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(account_id=..., transition_seconds=..., intercept_requests=...): options "
        f"for the esm_mock fixture (see the mock_esm manual, 'Ways in')")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a marker put on a test that cannot see it, instead of silently ignoring it."""
    own = any(marker.name == MARKER for marker in getattr(item, "own_markers", ()))
    if own and "esm_mock" not in getattr(item, "fixturenames", ()):
        pytest.fail(
            f"@pytest.mark.{MARKER}(...) configures the esm_mock fixture, but {item.name} does "
            f"not use it: add esm_mock to the test's arguments, or use the @mock_esm(...) "
            f"decorator instead of the marker.", pytrace=False)


def _marker_options(request: pytest.FixtureRequest) -> Dict[str, Any]:
    from .mock import OPTIONS

    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise TypeError(f"@pytest.mark.{MARKER} takes keyword arguments only, such as "
                        f"@pytest.mark.{MARKER}(account_id='111122223333'); got "
                        f"{marker.args!r}")
    unknown = sorted(set(marker.kwargs) - set(OPTIONS))
    if unknown:
        raise TypeError(f"@pytest.mark.{MARKER} got unknown option(s) {', '.join(unknown)}; "
                        f"it takes {', '.join(OPTIONS)}")
    return dict(marker.kwargs)


@pytest.fixture
def esm_mock(request: pytest.FixtureRequest) -> Iterator[EsmMock]:
    """The active EsmMock for one test; configure it with ``@pytest.mark.mock_esm(...)``.

    Inside a test decorated with ``@mock_esm`` this is a nested activation: both share one
    backend, and the decorator's explicit options win while its test runs.
    """
    from .mock import mock_esm

    esm = mock_esm(**_marker_options(request))
    esm.start()
    try:
        yield esm
    finally:
        esm.stop()
