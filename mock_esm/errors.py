"""AWS errors as data: one class per error code, rendered the way Lambda renders them.

The backend raises these; the routing layer turns them into a status, headers and a JSON body.
Which key carries the text (``message`` or ``Message``) follows the botocore model's error
shape, because botocore copies that key to the top level of ``e.response`` and user code reads it.
"""

from __future__ import annotations

import json
from typing import ClassVar, Dict, Optional


class AwsError(Exception):
    """Base of every error the mock answers with instead of a result."""

    code: ClassVar[str] = "ServiceException"
    status: ClassVar[int] = 500
    message_key: ClassVar[str] = "Message"
    error_type: ClassVar[Optional[str]] = "User"

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


class InvalidParameterValueException(AwsError):
    code = "InvalidParameterValueException"
    status = 400
    message_key = "message"


class ResourceConflictException(AwsError):
    code = "ResourceConflictException"
    status = 409
    message_key = "message"


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"
    status = 404


class ResourceInUseException(AwsError):
    code = "ResourceInUseException"
    status = 400


class TooManyRequestsException(AwsError):
    code = "TooManyRequestsException"
    status = 429
    message_key = "message"


class ServiceException(AwsError):
    code = "ServiceException"
    status = 500
    error_type = "Service"


class InvalidRequestContentException(AwsError):
    """Lambda's answer to a body that is not a JSON object."""

    code = "InvalidRequestContentException"
    status = 400
    message_key = "message"


class ValidationException(AwsError):
    """Lambda's framework-level constraint error; not modelled, so it carries no ``Type``."""

    code = "ValidationException"
    status = 400
    message_key = "message"
    error_type = None


class UnknownOperationException(AwsError):
    """What Lambda's front end answers for a path and method it does not route."""

    code = "UnknownOperationException"
    status = 404
    message_key = "message"
    error_type = None


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
