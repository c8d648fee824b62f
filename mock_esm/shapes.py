"""JSON request bodies checked against botocore's input shapes, for clients that are not botocore.

boto3 validates parameters before it sends anything, so the in-process mock never sees a
nested member of the wrong type.  The server's clients (the AWS CLI v2, SDKs in other
languages, curl) are not all that careful, and the backend only checks top-level types (it must
not import botocore).  Lambda's deserializer refuses such a body as a whole, so this module does
the same from the model itself: every nested structure, list, map and scalar is checked, and a
wrong type becomes InvalidRequestContentException, never a Python error inside the mock.
"""

from __future__ import annotations

import math
import re
from typing import Any, Dict, Iterable, List, Optional, Pattern, Tuple

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from .errors import InvalidRequestContentException

# Operations whose JSON bodies the mock reads (tag operations included for when they are served).
BODY_OPERATIONS = ("CreateEventSourceMapping", "UpdateEventSourceMapping", "TagResource")

_INT_RANGES = {"integer": (-(2 ** 31), 2 ** 31 - 1), "long": (-(2 ** 63), 2 ** 63 - 1)}
_SCALARS = {"string": (str,), "boolean": (bool,)}
_LABEL = re.compile(r"\{([^}+]+)(\+?)\}")


def _refuse(path: str, shape: Shape, value: Any) -> InvalidRequestContentException:
    # The same sentence validation.check_types uses for top-level members.
    return InvalidRequestContentException(
        f"Could not parse request body into json: Could not deserialize {path}: expected a "
        f"JSON {shape.type_name}, got {type(value).__name__}")


def _number_fits(shape: Shape, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if shape.type_name in _INT_RANGES:
        low, high = _INT_RANGES[shape.type_name]
        return isinstance(value, int) and low <= value <= high
    # timestamp (epoch seconds), double, float; blobs never occur in these bodies.
    return isinstance(value, (int, float)) and math.isfinite(value)


def check_value(shape: Shape, value: Any, path: str, nullable: bool = True) -> None:
    """Refuse ``value`` unless its JSON type (and integer width) is what ``shape`` declares.

    A null member reads as absent, as Lambda treats it; a null list item or map value has no
    such reading, so it is refused.
    """
    if value is None:
        if nullable:
            return
        raise _refuse(path, shape, value)
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise _refuse(path, shape, value)
        for name, member in shape.members.items():
            if name in value and not member.serialization.get("location"):
                check_value(member, value[name], f"{path}.{name}" if path else name)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise _refuse(path, shape, value)
        for position, item in enumerate(value):
            check_value(shape.member, item, f"{path}[{position}]", nullable=False)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise _refuse(path, shape, value)
        for key, item in value.items():
            check_value(shape.value, item, f"{path}.{key}", nullable=False)
    elif kind in _SCALARS:
        if not isinstance(value, _SCALARS[kind]):
            raise _refuse(path, shape, value)
    elif not _number_fits(shape, value):
        raise _refuse(path, shape, value)


class BodyChecker:
    """Finds the operation a method and path name, and checks its JSON body's types."""

    def __init__(self, service: ServiceModel, operations: Iterable[str] = BODY_OPERATIONS) -> None:
        self._routes: List[Tuple[str, Pattern[str], OperationModel]] = []
        for name in operations:
            model = service.operation_model(name)
            self._routes.append((model.http["method"], _uri_pattern(model.http["requestUri"]),
                                 model))

    def operation(self, method: str, path: str) -> Optional[OperationModel]:
        for route_method, pattern, model in self._routes:
            if route_method == method and pattern.match(path):
                return model
        return None

    def check(self, method: str, path: str, body: Dict[str, Any]) -> None:
        model = self.operation(method, path)
        if model is not None and model.input_shape is not None:
            check_value(model.input_shape, body, "")


def _uri_pattern(request_uri: str) -> Pattern[str]:
    """The model's ``requestUri`` template as an anchored regex (an optional trailing slash)."""
    template = request_uri.split("?", 1)[0].rstrip("/")
    parts: List[str] = []
    position = 0
    for label in _LABEL.finditer(template):
        parts.append(re.escape(template[position:label.start()]))
        parts.append(".+" if label.group(2) else "[^/]+")
        position = label.end()
    parts.append(re.escape(template[position:]))
    return re.compile("^" + "".join(parts) + "/?$")
