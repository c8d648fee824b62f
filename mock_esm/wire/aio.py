"""The aiobotocore side: the same answers, in the awaitable shape aiobotocore clients expect.

aiobotocore sessions subclass botocore's and register botocore's ``BUILTIN_HANDLERS``, so the
interceptor's ``before-call`` handler already runs for their clients (aiobotocore's emitter
awaits a handler's result only when it is awaitable, so a plain return value is fine).  What
differs is the response object: aiobotocore's ``AioAWSResponse.content`` is a coroutine that
awaits ``raw.read()``, and ``after-call`` handlers (aiobotocore's own and users') await it.  So we
keep the parsed dict botocore's parser makes (:mod:`mock_esm.wire.answers`) and only swap the HTTP
response for an ``AioAWSResponse`` over an async raw body.

The interceptor imports this module on the first call made through an aiobotocore client, so
importing mock_esm never imports aiobotocore.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from aiobotocore.awsrequest import AioAWSResponse
from botocore.model import OperationModel

from ..service import routing
from . import answers


class _AsyncBody:
    """The part of aiohttp's ``ClientResponse`` that ``AioAWSResponse`` reads: ``await read()``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self) -> bytes:
        return self._body

    def release(self) -> None:
        """Nothing to give back: there is no connection."""

    def close(self) -> None:
        """Nothing to close: there is no connection."""


def to_aiobotocore(response: routing.Response, model: OperationModel,
                   url: str) -> Tuple[AioAWSResponse, Dict[str, Any]]:
    """The (http, parsed) pair an aiobotocore client expects from a ``before-call`` handler."""
    http: Any = AioAWSResponse(url, response.status, response.headers,
                               _AsyncBody(response.body))
    return http, answers.parse(response, model.name)
