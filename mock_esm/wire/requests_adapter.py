"""``mock_esm(intercept_requests=True)``: serve code that calls Lambda's REST API with ``requests``.

Uses the ``responses`` library (imported only when the option is used) and registers only the
event-source-mapping URLs (and tags on mapping ARNs) of the Lambda endpoints; every other URL is
passed through to whatever ``requests`` would have done without us.

Living beside moto, which patches ``requests`` with its own ``responses`` mock:

* moto started first: our mock passes everything we do not answer to the send it found in place
  (moto's), not to the real network send that ``responses`` would use by default;
* moto started after us: its mock takes every ``amazonaws.com`` URL first, but its registry
  consults ``responses``' default mock before its own and prefers plain ``CallbackResponse``
  entries there (the hook moto's API Gateway uses), so we also register our URLs there while active.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from ..service import routing
from . import landing

_HOST = r"^https://lambda\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
ESM_URL = re.compile(_HOST + r"/2015-03-31/event-source-mappings(?:/[^/?#]*)?(?:\?.*)?$")
ESM_TAGS_URL = re.compile(
    _HOST + r"/2017-03-31/tags/[^/?#]*event-source-mapping(?::|%3[aA])[0-9a-fA-F-]{36}(?:\?.*)?$")
_SCOPE = re.compile(r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[a-z0-9-]+)/")
_METHODS = ("GET", "POST", "PUT", "DELETE")


def _scope(headers: Any) -> Tuple[Optional[str], Optional[str]]:
    """(access key, region) from a SigV4 Authorization header's credential scope."""
    authorization = headers.get("Authorization") or ""
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    match = _SCOPE.search(authorization)
    return (match.group("key"), match.group("region")) if match else (None, None)


def serve(request: Any) -> Tuple[int, Dict[str, str], bytes]:
    """The ``responses`` callback: a prepared request in, (status, headers, body) out."""
    url = str(request.url)
    key, region = _scope(request.headers)
    if region is None:
        host = ESM_URL.match(url) or ESM_TAGS_URL.match(url)
        region = host.group("region") if host else "us-east-1"
    call = landing.call_for(lambda: key, region)
    parts = urlsplit(url)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    response = routing.handle(call, str(request.method), parts.path,
                              parse_qs(parts.query), body)
    return response.status, response.headers, response.body


class _Adapter:
    """One process-wide interception, counted so nested activations share it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.mock: Any = None
        self.defaults: List[Any] = []

    def acquire(self) -> None:
        with self.lock:
            if self.count == 0:
                self._start()
            self.count += 1

    def release(self) -> None:
        with self.lock:
            self.count -= 1
            if self.count == 0:
                self._stop()

    def _start(self) -> None:
        try:
            import responses
            from requests.adapters import HTTPAdapter
        except ImportError as missing:
            raise ImportError(
                f"mock_esm(intercept_requests=True) serves requests through the 'requests' and "
                f"'responses' packages, and {missing.name!r} is not installed: "
                f"python -m pip install requests responses") from missing

        # Pass on to the send in place now (moto's, if it started first), not the original.
        in_place: Any = HTTPAdapter.send
        mock = responses.RequestsMock(assert_all_requests_are_fired=False,
                                      real_adapter_send=in_place)
        self.defaults = []
        for method in _METHODS:
            for pattern in (ESM_URL, ESM_TAGS_URL):
                mock.add_callback(method, pattern, callback=serve,
                                  content_type="application/json")
                entry = responses.CallbackResponse(method, pattern, callback=serve,
                                                   content_type="application/json")
                responses.add(entry)
                self.defaults.append(entry)
        mock.add_passthru(re.compile(r".*"))
        mock.start()
        self.mock = mock

    def _stop(self) -> None:
        import responses

        if self.mock is not None:
            self.mock.stop(allow_assert=False)
            self.mock = None
        for entry in self.defaults:
            if entry in responses.registered():
                responses.remove(entry)
        self.defaults = []


ADAPTER = _Adapter()
