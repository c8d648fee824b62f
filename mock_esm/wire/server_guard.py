"""Who the server answers: its own Host names, no browser pages, and regions that exist.

The server listens on loopback for tests on the same machine; a web page open in that machine's
browser can reach loopback too.  DNS rebinding (a foreign name that resolves to 127.0.0.1) is
stopped by the Host check; cross-origin requests by the ``Origin``/``Sec-Fetch-Site`` checks,
and "simple" control POSTs (which a page may send without asking first) by their content type.
SDKs and command-line tools send none of those headers, so they are unaffected.
"""

from __future__ import annotations

from typing import AbstractSet, FrozenSet, List, Optional
from urllib.parse import urlsplit

from werkzeug.wrappers import Request

from ..service.errors import AwsError

# Names that always mean "this machine"; any other Host must be the address served on.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::"})
# The content types a browser may POST cross-origin without asking first (CORS "simple").
SIMPLE_CONTENT_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded",
                                  "multipart/form-data"})
# AWS's words for a credential scope naming no region it serves.
UNKNOWN_REGION = "Credential should be scoped to a valid region. "


class AccessDeniedException(AwsError, status=403):
    """Refusal of a request from a browser page or through a foreign Host name."""


class InvalidSignatureException(AwsError, status=403, message_key="message"):
    """AWS's answer to a signature scoped to a region that does not exist."""


def host_name(authority: str) -> str:
    """The host part of a Host header or an Origin's authority, lowercase, without port."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1:].split("]", 1)[0]
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


def allowed_hosts(host: str) -> Optional[FrozenSet[str]]:
    """The Host names a server bound to ``host`` answers; None (any) for a wildcard address,
    where the user chose to be reachable by whatever name the network gives the machine."""
    if host in WILDCARD_ADDRESSES:
        return None
    return LOOPBACK_NAMES | {host_name(host)}


def check_caller(request: Request, hosts: Optional[AbstractSet[str]], *,
                 control: bool) -> None:
    """Refuse a foreign Host name, a browser's cross-origin request, and a control POST of a
    content type a page may send unasked."""
    host = request.environ.get("HTTP_HOST")
    if hosts is not None and host is not None and host_name(host) not in hosts:
        raise AccessDeniedException(
            f"mock-esm does not answer requests for host {host!r}; it answers "
            f"{', '.join(sorted(hosts))}. Start it with --host naming the address clients use.")
    origin = request.headers.get("Origin")
    site = request.headers.get("Sec-Fetch-Site")
    if ((origin is not None and urlsplit(origin).netloc.lower() != (host or "").lower())
            or site not in (None, "same-origin", "none")):
        raise AccessDeniedException(
            "mock-esm refuses cross-origin requests from browser pages; call it from your "
            "tests, an SDK or the AWS CLI.")
    if control and request.method == "POST" and request.mimetype in SIMPLE_CONTENT_TYPES:
        raise AccessDeniedException(
            f"mock-esm refuses control requests with Content-Type {request.mimetype!r}, "
            f"which browser pages may send anywhere; send no body, or application/json.")


_known_regions: List[FrozenSet[str]] = []


def known_regions() -> FrozenSet[str]:
    """Every region botocore's endpoint data lists for Lambda, in every partition."""
    if not _known_regions:
        import botocore.session

        session = botocore.session.get_session()
        _known_regions.append(frozenset(
            region for partition in session.get_available_partitions()
            for region in session.get_available_regions("lambda", partition_name=partition)))
    return _known_regions[0]


def check_region(region: str) -> None:
    """Refuse a region AWS does not have, as AWS does.

    Each region gets a backend that lives as long as the server; a made-up region in a
    signature would otherwise allocate one per name, forever.  Refusing (rather than evicting
    the least recently used backend) never loses a test's mappings; a region newer than the
    installed botocore needs a botocore upgrade.
    """
    if region not in known_regions():
        raise InvalidSignatureException(UNKNOWN_REGION)
