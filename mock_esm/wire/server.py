"""Server mode: the same routing and backend as the in-process mock, over HTTP, for any client.

Teams testing Node, Go or Java code, or shell scripts with the AWS CLI, point their SDK's
endpoint at this server.  werkzeug does all HTTP work (parsing, keep-alive, chunked bodies,
threads); this module only turns a werkzeug request into the (method, path, query, body) that
:func:`mock_esm.service.routing.handle` takes, adds the control endpoints tests in other languages
need (``/_mock_esm/settle``, ``/_mock_esm/reset``, ``/_mock_esm/mappings``), and runs the process:
signal handlers first, then the port, then requests until SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import sys
import threading
from types import FrameType
from typing import IO, AbstractSet, Any, Callable, Dict, Iterable, List, Optional
from urllib.parse import quote, urlsplit

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.serving import (
    BaseWSGIServer,
    get_sockaddr,
    make_server,
    select_address_family,
)
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response as WsgiResponse
from werkzeug.wsgi import ClosingIterator

from ..service import clock, routing
from ..service.backend import BackendRegistry
from ..service.errors import (
    AwsError,
    InvalidParameterValueException,
    InvalidRequestContentException,
    ServiceException,
    UnknownOperationException,
)
from .server_guard import LOOPBACK_NAMES, allowed_hosts, check_caller, check_region
from .server_log import DEFAULT_LEVEL, QuietRequestHandler, ServerLog

CONTROL_PREFIX = "/_mock_esm/"
DEFAULT_REGION = "us-east-1"
# Lambda's own ceiling for a synchronous request body; nothing the ESM operations take is larger.
MAX_BODY_BYTES = 6 * 1024 * 1024
DRAIN_SECONDS = 5.0

# The region in a SigV4 credential scope: <key id>/<yyyymmdd>/<region>/<service>/aws4_request,
# found in the Authorization header (or X-Amz-Credential of a presigned URL).
_CREDENTIAL_SCOPE = re.compile(r"/\d{8}/([a-z]{2}[a-z0-9-]{0,30})/[a-z0-9-]+/aws4_request")

log = logging.getLogger("mock_esm.server")

Environ = Dict[str, Any]
StartResponse = Callable[..., Any]


class RequestTooLargeException(AwsError):
    """Lambda's answer to a request body over its size limit."""

    code = "RequestTooLargeException"
    status = 413
    message_key = "message"


class _Request(Request):
    # One past the limit: werkzeug stops a chunked body at this many bytes without saying so,
    # and one byte too many is how read_body tells a body at the limit from one beyond it.
    max_content_length = MAX_BODY_BYTES + 1


class _Response(WsgiResponse):
    default_mimetype = None  # routing sets content-type itself; a 204 has none


def region_of(request: Request) -> str:
    """The region the client signed for, as AWS routes it; us-east-1 for unsigned requests."""
    for source in (request.headers.get("Authorization"), request.args.get("X-Amz-Credential")):
        match = _CREDENTIAL_SCOPE.search(source or "")
        if match is not None:
            return match.group(1)
    return DEFAULT_REGION


def read_body(request: Request) -> bytes:
    """The body, refused over MAX_BODY_BYTES whether its length was declared or chunked."""
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    return body


def raw_path(request: Request) -> str:
    """The path exactly as sent (still percent-encoded), which is what botocore hands routing."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    path = urlsplit(raw).path if raw else ""
    return path or quote(request.path, safe="/:@!$&'()*+,;=-._~")


def _json(status: int, body: bytes) -> routing.Response:
    return routing.Response(status, {"content-type": "application/json",
                                     "content-length": str(len(body))}, body)


class EsmServer:
    """The WSGI application: Lambda's ESM API plus the control endpoints, over one registry."""

    def __init__(self, *, account_id: str, transition_seconds: float,
                 registry: Optional[BackendRegistry] = None,
                 hosts: Optional[AbstractSet[str]] = LOOPBACK_NAMES) -> None:
        self.account_id = account_id
        self.transition_seconds = transition_seconds
        self.registry = BackendRegistry() if registry is None else registry
        self.hosts = hosts
        self._idle = threading.Condition()
        self._in_flight = 0

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        with self._idle:
            self._in_flight += 1
        try:
            answer = self.respond(_Request(environ))
            response = _Response(answer.body, status=answer.status, headers=answer.headers)
            # Counted until werkzeug has written the body and closes the iterable.
            return ClosingIterator(response(environ, start_response), self._finished)
        except BaseException:
            self._finished()
            raise

    def _finished(self) -> None:
        with self._idle:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.notify_all()

    def drain(self, timeout: float) -> bool:
        """Wait (bounded) for requests being served to finish; False if some still are."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._in_flight, timeout)

    def respond(self, request: Request) -> routing.Response:
        """Any request to a response; an unexpected failure is logged and answered as AWS would."""
        try:
            control = request.path.startswith(CONTROL_PREFIX)
            check_caller(request, self.hosts, control=control)
            if control:
                return self._control(request)
            return self._lambda(request)
        except AwsError as error:
            return routing.error_response(error)
        except RequestEntityTooLarge:
            return routing.error_response(RequestTooLargeException(
                f"Request must be smaller than {MAX_BODY_BYTES} bytes for the "
                f"{request.method} {request.path} operation"))
        except HTTPException as error:
            # werkzeug's own refusals (a broken chunked body, say), in Lambda's terms.
            return routing.error_response(InvalidRequestContentException(
                f"Could not read the request body: {error.description}"))
        except Exception:
            log.exception("mock_esm server: unexpected error serving %s %s", request.method,
                          request.path)
            return routing.error_response(ServiceException(
                "mock_esm hit an unexpected error serving this request; the server log has the "
                "details. Please report it."))

    # -- Lambda's API ---------------------------------------------------------------------------

    def _lambda(self, request: Request) -> routing.Response:
        method = request.method
        path = raw_path(request)
        body = read_body(request)
        query = {name: request.args.getlist(name) for name in request.args}
        region = region_of(request)
        check_region(region)
        backend = self.registry.get(self.account_id, region)
        call = routing.Call(backend, self.transition_seconds)
        return routing.handle(call, method, path, query, body)

    # -- control endpoints ----------------------------------------------------------------------

    def _control(self, request: Request) -> routing.Response:
        action = (request.method, request.path[len(CONTROL_PREFIX):].rstrip("/"))
        if action == ("POST", "settle"):
            self.registry.settle()
            return routing.Response(204, {}, b"")
        if action == ("POST", "reset"):
            self.registry.reset()
            return routing.Response(204, {}, b"")
        if action == ("GET", "mappings"):
            account_id = request.args.get("account_id")
            if account_id is not None and not re.fullmatch(r"\d{12}", account_id):
                raise InvalidParameterValueException(
                    f"account_id must be 12 digits, such as 123456789012; got {account_id!r}")
            region = request.args.get("region")
            if region is not None and not re.fullmatch(r"[a-z]{2}[a-z0-9-]{0,30}", region):
                raise InvalidParameterValueException(
                    f"region must be a region name, such as us-east-1; got {region!r}")
            return _json(200, self._mappings(account_id, region))
        raise UnknownOperationException(
            f"No control operation is routed for {request.method} {request.path}; the control "
            f"endpoints are POST {CONTROL_PREFIX}settle, POST {CONTROL_PREFIX}reset and "
            f"GET {CONTROL_PREFIX}mappings")

    def _mappings(self, account_id: Optional[str], region: Optional[str]) -> bytes:
        """Every mapping as GetEventSourceMapping's JSON, like ``esm.mappings()``."""
        now = clock.now()
        parts: List[bytes] = []
        for backend in self.registry.backends():
            if account_id is not None and backend.account_id != account_id:
                continue
            if region is not None and backend.region != region:
                continue
            parts.extend(backend.rendered(now))
        return b"[" + b",".join(parts) + b"]"


# -- the process --------------------------------------------------------------------------------


class _Stopper:
    """The SIGINT/SIGTERM handler.

    ``serve_forever`` runs on the main thread, where signal handlers run too, and
    ``shutdown()`` waits for it to return: so the handler only asks, from a helper thread.  A
    signal that arrives before the server exists is remembered, and serving never starts.
    """

    def __init__(self) -> None:
        self.server: Optional[BaseWSGIServer] = None
        self.requested = False

    def __call__(self, signum: int, frame: Optional[FrameType]) -> None:
        self.requested = True
        server = self.server
        if server is not None:
            threading.Thread(target=server.shutdown, name="mock-esm-shutdown",
                             daemon=True).start()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound here so a taken port is one clear error, not werkzeug's exit."""
    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name != "nt":  # on Windows it would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(BaseWSGIServer.request_queue_size)
    except BaseException:
        sock.close()
        raise
    return sock


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def run(*, host: str, port: int, account_id: str, transition_seconds: float,
        log_level: str = DEFAULT_LEVEL, out: Optional[IO[str]] = None,
        err: Optional[IO[str]] = None) -> int:
    """Serve until SIGINT or SIGTERM (exit status 0); 1 if the address cannot be listened on."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    app = EsmServer(account_id=account_id, transition_seconds=transition_seconds,
                    hosts=allowed_hosts(host))
    stopper = _Stopper()
    previous = {signum: signal.signal(signum, stopper)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    server_log = ServerLog(log_level, err)
    try:
        try:
            sock = bind(host, port)
        except OSError as error:
            reason = error.strerror or str(error)
            print(f"mock-esm: cannot listen on {host} port {port}: {reason}", file=err)
            return 1
        with sock:
            server = make_server(host, port, app, threaded=True, fd=sock.fileno(),
                                 request_handler=QuietRequestHandler)
        stopper.server = server
        if stopper.requested:
            server.server_close()
        else:
            print(f"mock-esm: serving Lambda event source mappings on {_url(host, server.port)} "
                  f"(account {account_id}, transition_seconds {transition_seconds:g}); "
                  f"stop with Ctrl-C or SIGTERM", file=out, flush=True)
            server.serve_forever(poll_interval=0.1)
        # The port is closed now; let requests already being served finish, within reason.
        if not app.drain(DRAIN_SECONDS):
            server_log.say(f"mock-esm: requests still running after {DRAIN_SECONDS:g} s were "
                           f"cut off")
        server_log.say("mock-esm: stopped")  # queued: a full stderr pipe must not hold exit
        return 0
    finally:
        server_log.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
