"""Comparing parsed answers strictly: ``==`` forgives a wrong type, a wrong key order and a
datetime in another zone, none of which a user's code forgives."""

from __future__ import annotations

import datetime
from typing import Any


def identical(ours: Any, theirs: Any) -> bool:
    """Equal, and of the same types and key order all the way down."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict):
        return list(ours) == list(theirs) and all(identical(ours[key], theirs[key])
                                                  for key in ours)
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(map(identical, ours, theirs))
    if isinstance(ours, datetime.datetime):
        # Field by field: two aware datetimes in different zone objects compare unequal when
        # their wall time is ambiguous (PEP 495), even two parsed from one value.
        return (ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)
                and ours.fold == theirs.fold and ours.utcoffset() == theirs.utcoffset()
                and repr(ours.tzinfo) == repr(theirs.tzinfo))
    return bool(ours == theirs)
