"""Misusing the library is a Python exception whose text says what was wrong and what to do.

Checked word for word: users read these messages instead of the source, so a change in wording
is a change in the product.  (Stop without start, an unknown option and a bad account_id are
checked in test_ways_in.py; the marker's messages in test_pytest_plugin.py.)
"""

from __future__ import annotations

import pytest

from mock_esm import mock_esm
from mock_esm.service.runtime import RUNTIME

SECONDS_RULE = ("must be a finite number of seconds >= 0 (0 settles every transition on the "
                "next read)")


@pytest.mark.parametrize("bad", [-1, -0.5, float("nan"), float("inf"), "soon", True, None, [1]])
def test_bad_transition_seconds_is_a_value_error_naming_the_rule_and_value(bad):
    with pytest.raises(ValueError) as raised:
        mock_esm(transition_seconds=bad)
    assert str(raised.value) == f"mock_esm(transition_seconds=...) {SECONDS_RULE}; got {bad!r}"


@pytest.mark.parametrize("bad", ["soon", "-1", "nan", ""])
def test_bad_transition_seconds_in_the_environment_names_the_variable(bad, monkeypatch):
    monkeypatch.setenv("MOCK_ESM_TRANSITION_SECONDS", bad)
    with pytest.raises(ValueError) as raised:
        mock_esm()
    assert str(raised.value) == f"$MOCK_ESM_TRANSITION_SECONDS {SECONDS_RULE}; got {bad!r}"


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_intercept_requests_must_be_a_bool(bad):
    with pytest.raises(ValueError) as raised:
        mock_esm(intercept_requests=bad)
    assert str(raised.value) == (f"mock_esm(intercept_requests=...) must be True or False; "
                                 f"got {bad!r}")


def test_a_refused_option_leaves_nothing_active():
    with pytest.raises(ValueError), mock_esm(transition_seconds=-1):
        raise AssertionError("unreachable: the options are checked before entering")
    assert RUNTIME.active is False

