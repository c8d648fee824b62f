"""The botocore side: answer Lambda's event-source-mapping calls before they are signed or sent.

botocore emits ``before-call.lambda.<Operation>`` with ``emit_until_response``: the first handler
that returns ``(http_response, parsed)`` ends the call, so nothing after us (moto's
``before-send`` handler included) ever sees it.  We render real JSON bytes and let botocore's own
``rest-json`` parser turn them into the dict users get, so they get exactly what a real response
would give them (see :mod:`mock_esm.wire.answers`).

A second handler on ``before-send.lambda`` stops Lambda calls that nobody answered from leaving
the process while a mock is active.  botocore runs it before moto's general ``before-send``
handler, so it keeps quiet whenever moto's mock is on.
"""

from __future__ import annotations

import inspect
import io
import sys
import weakref
from typing import Any, Dict, Iterator, Optional, Tuple

from botocore.awsrequest import AWSResponse
from botocore.handlers import BUILTIN_HANDLERS, REGISTER_FIRST
from botocore.model import OperationModel

from ..aws import moto_api
from ..service import faults, routing, tagging
from ..service.runtime import RUNTIME
from . import answers, landing
from .answers import operation_model

ESM_OPERATIONS = frozenset({
    "CreateEventSourceMapping", "GetEventSourceMapping", "UpdateEventSourceMapping",
    "DeleteEventSourceMapping", "ListEventSourceMappings",
})
# Served only when the resource is an event source mapping ARN; function tags stay moto's.
TAG_OPERATIONS = frozenset({"TagResource", "UntagResource", "ListTags"})


class UnmockedLambdaCallError(RuntimeError):
    """A Lambda call that no active mock answers; raised instead of reaching the network."""


class _Body(io.BytesIO):
    """The raw stream AWSResponse reads ``content`` from."""

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data


def to_botocore(response: routing.Response, model: OperationModel,
                url: str) -> Tuple[AWSResponse, Dict[str, Any]]:
    """The (http, parsed) pair botocore expects from a ``before-call`` handler."""
    http = AWSResponse(url, response.status, response.headers, _Body(response.body))
    return http, answers.parse(response, model.name)


def _region(context: Optional[Dict[str, Any]], request_signer: Any) -> str:
    region = (context or {}).get("client_region")
    if not region and request_signer is not None:
        region = getattr(request_signer, "region_name", None)
    return region or "us-east-1"


def _access_key(request_signer: Any) -> Optional[str]:
    """The key the client would sign with; read only while moto is active (the before-call path
    does not sign, and resolving credentials otherwise could start botocore's provider chain).

    The signer's public ``get_auth_instance`` hands out the frozen credentials it would sign
    with.  aiobotocore's signer answers with a coroutine instead; it is closed unawaited and the
    call lands in the default account."""
    if request_signer is None:
        return None
    auth = request_signer.get_auth_instance(request_signer.signing_name,
                                            request_signer.region_name, "v4")
    if inspect.iscoroutine(auth):
        auth.close()
        return None
    key = getattr(getattr(auth, "credentials", None), "access_key", None)
    return key if isinstance(key, str) else None


def before_call(model: OperationModel, params: Dict[str, Any], request_signer: Any = None,
                context: Optional[Dict[str, Any]] = None,
                **kwargs: Any) -> Optional[Tuple[AWSResponse, Dict[str, Any]]]:
    """Serve the five ESM operations while a mock is active; pass everything else on."""
    if not RUNTIME.active:
        return None
    operation = model.name
    served = operation in ESM_OPERATIONS
    if not served and not (
            operation in TAG_OPERATIONS and tagging.names_mapping(params["url_path"])):
        return None
    answers.adopt_model(model.service_model)
    call = landing.call_for(lambda: _access_key(request_signer),
                            _region(context, request_signer))
    if served:
        response = routing.handle_operation(call, operation, params["method"],
                                            params["url_path"], params["query_string"],
                                            params["body"])
    else:
        response = routing.handle(call, params["method"], params["url_path"],
                                  params["query_string"], params["body"])
    if type(request_signer).__module__.startswith("aiobotocore."):
        # aiobotocore sessions inherit BUILTIN_HANDLERS, so this same handler answers their
        # calls; they need an awaitable response, built in a module imported only then.
        from . import aio

        return aio.to_aiobotocore(response, model, params.get("url", ""))
    return to_botocore(response, model, params.get("url", ""))


def before_send(request: Any = None, event_name: str = "", **kwargs: Any) -> None:
    """Refuse, instead of sending, a Lambda call that reached the wire while we are active."""
    if not RUNTIME.active or moto_api.moto_active():
        return None
    operation = event_name.rsplit(".", 1)[-1] or "unknown"
    raise UnmockedLambdaCallError(
        f"mock_esm is active and answers only the event source mapping operations; the Lambda "
        f"call {operation} was not answered by any mock and was not sent to AWS. Activate "
        f"moto's mock_aws as well to serve it (see the mock_esm manual, 'Beside moto').")


def register(emitter: Any) -> None:
    """Put both handlers on an existing session's emitter (idempotent)."""
    emitter.unregister("before-call.lambda", before_call)
    emitter.register_first("before-call.lambda", before_call)
    emitter.unregister("before-send.lambda", before_send)
    emitter.register("before-send.lambda", before_send)


def attach_to_default_session() -> None:
    """Cover boto3's and aioboto3's default sessions when created before mock_esm was imported."""
    for module in ("boto3", "aioboto3"):
        session = getattr(sys.modules.get(module), "DEFAULT_SESSION", None)
        # boto3's public ``Session.events`` is the emitter of the botocore session beneath it.
        emitter = getattr(session, "events", None)
        if emitter is None or emitter in _attached:
            continue
        register(emitter)
        _attached.add(emitter)


def declared_errors(operation: str) -> Dict[str, faults.Injection]:
    """The errors an ESM operation's model declares, ready to inject (default messages)."""
    declared: Dict[str, faults.Injection] = {}
    for shape in operation_model(operation).error_shapes:
        error = shape.metadata.get("error", {})
        code = error.get("code", shape.name)
        key = "Message" if "Message" in shape.members else "message"
        message = faults.DEFAULT_MESSAGES.get(code) or faults.first_sentence(
            shape.documentation or code)
        declared[code] = faults.Injection(code, int(error.get("httpStatusCode", 400)), key,
                                          message)
    return declared


_attached: weakref.WeakSet[Any] = weakref.WeakSet()
BUILTIN_HANDLERS.append(("before-call.lambda", before_call, REGISTER_FIRST))
BUILTIN_HANDLERS.append(("before-send.lambda", before_send))
moto_api.exclude_hook("before-call.lambda", before_call)
moto_api.exclude_hook("before-send.lambda", before_send)
