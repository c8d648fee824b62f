"""A botocore answer turned back into the JSON it travelled as, guided by the service model.

botocore's parser hands blobs over as bytes and timestamps as datetimes; Lambda's events carry
what the source API sent on the wire (base64 text, epoch seconds).  Walking the output shape
undoes exactly those two conversions and nothing else.
"""

from __future__ import annotations

import base64
import datetime
from typing import Any


def to_wire(shape: Any, value: Any) -> Any:
    """``value`` (as botocore parsed it against ``shape``) in its JSON wire form."""
    kind = shape.type_name
    if kind == "structure":
        return {name: to_wire(shape.members[name], member) for name, member in value.items()
                if name in shape.members}
    if kind == "list":
        return [to_wire(shape.member, item) for item in value]
    if kind == "map":
        return {key: to_wire(shape.value, item) for key, item in value.items()}
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind == "timestamp" and isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    return value
