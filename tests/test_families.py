"""Each source kind Lambda recognises belongs to exactly one registered family."""

from __future__ import annotations

from collections import Counter

import pytest

from mock_esm.families import FAMILIES, Family
from mock_esm.service.sources import KINDS, SQS


def test_every_kind_is_registered_in_exactly_one_family():
    registered = Counter(kind for family in FAMILIES for kind in family.kinds)
    assert set(registered) == set(KINDS)
    assert [kind for kind, count in registered.items() if count > 1] == []


def test_a_family_refuses_a_kind_of_another_family():
    with pytest.raises(ValueError, match="another family"):
        Family("stream", (SQS,))
