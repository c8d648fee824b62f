"""AWS errors as data: one class per error code, rendered the way Lambda renders them.

The backend raises these; the routing layer turns them into a status, headers and a JSON body.
Which key carries the text (``message`` or ``Message``) follows the botocore model's error
shape, because botocore copies that key to the top level of ``e.response`` and user code reads it.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Dict, Optional

# error_type's default in a subclass statement: keep the parent's (None is a value: no Type).
_INHERIT: Any = object()


class AwsError(Exception):
    """Base of every error the mock answers with instead of a result.

    A subclass is named after its AWS code and states only how it differs, as class keywords:
    ``class ResourceNotFoundException(AwsError, status=404)``.
    """

    code: ClassVar[str] = "ServiceException"
    status: ClassVar[int] = 500
    message_key: ClassVar[str] = "Message"
    error_type: ClassVar[Optional[str]] = "User"

    def __init_subclass__(cls, *, status: Optional[int] = None,
                          message_key: Optional[str] = None, error_type: Any = _INHERIT,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in vars(cls):
            cls.code = cls.__name__
        if status is not None:
            cls.status = status
        if message_key is not None:
            cls.message_key = message_key
        if error_type is not _INHERIT:
            cls.error_type = error_type

    def __init__(self, message: str, *, headers: Optional[Dict[str, str]] = None,
                 extra: Optional[Dict[str, str]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def body(self) -> bytes:
        payload: Dict[str, str] = {}
        if self.error_type is not None:
            payload["Type"] = self.error_type
        payload[self.message_key] = self.message
        payload.update(self.extra)
        return json.dumps(payload).encode()


class InvalidParameterValueException(AwsError, status=400, message_key="message"):
    pass


class ResourceConflictException(AwsError, status=409, message_key="message"):
    pass


class ResourceNotFoundException(AwsError, status=404):
    pass


class ResourceInUseException(AwsError, status=400):
    pass


class TooManyRequestsException(AwsError, status=429, message_key="message"):
    pass


class ServiceException(AwsError, status=500, error_type="Service"):
    pass


class InvalidRequestContentException(AwsError, status=400, message_key="message"):
    """Lambda's answer to a body that is not a JSON object."""


class ValidationException(AwsError, status=400, message_key="message", error_type=None):
    """Lambda's framework-level constraint error; not modelled, so it carries no ``Type``."""


class UnknownOperationException(AwsError, status=404, message_key="message", error_type=None):
    """What Lambda's front end answers for a path and method it does not route."""


ERRORS_BY_CODE: Dict[str, type] = {
    cls.code: cls
    for cls in (
        InvalidParameterValueException, ResourceConflictException, ResourceNotFoundException,
        ResourceInUseException, TooManyRequestsException, ServiceException,
        InvalidRequestContentException, ValidationException, UnknownOperationException,
    )
}

NOT_FOUND_MESSAGE = "The resource you requested does not exist."


def validation_error(field: str, value: object, constraint: str) -> ValidationException:
    """Lambda's ``1 validation error detected`` sentence for one member."""
    shown = "null" if value is None else f"'{value}'"
    return ValidationException(
        f"1 validation error detected: Value {shown} at '{field}' failed to satisfy "
        f"constraint: {constraint}"
    )
