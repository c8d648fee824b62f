"""moto as its AWS API: mock_esm's own botocore clients, answered by moto's active mock.

Everything mock_esm asks or tells moto goes through a client made here, so it depends on the
API moto promises to serve and on nothing inside moto.  Three details make that work:

* The clients come from a botocore session of our own, with mock_esm's hooks taken off it:
  their Lambda calls (GetFunction, and ListEventSourceMappings to adopt the mappings moto
  holds) reach moto instead of being answered by mock_esm, and nothing re-enters our hook.
* Each client carries the account it works in as moto's ``x-moto-account-id`` request header,
  added at ``before-sign``, the last point before moto's ``before-send`` handler reads it.
* Making a client is slow next to a call, so each (service, region, account) gets one per
  activation; :func:`forget` drops them when mock_esm stops or resets.

Nothing here imports moto or makes a client unless :func:`moto_active` says moto's mock is on.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

ACCOUNT_HEADER = "x-moto-account-id"
# Not a real key: the header decides the account, and moto does not check signatures.
_FAKE_KEY = "MOCKESMINNERCALLS"


_OWN_HOOKS: List[Tuple[str, Callable[..., Any]]] = []


def exclude_hook(event: str, handler: Callable[..., Any]) -> None:
    """Keep one of mock_esm's botocore hooks off the clients made here.  The interceptor names
    its hooks when it registers them, and it registers them as botocore loads, so they are known
    before the first client is made."""
    _OWN_HOOKS.append((event, handler))


def moto_active() -> bool:
    """Whether moto's ``mock_aws`` answers botocore calls now (never imports moto).

    The one place mock_esm looks inside moto: moto has no public "am I active" call, and its
    botocore stubber's ``enabled`` flag is what ``mock_aws`` turns on and off.
    """
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


class _Clients:
    """The session, clients, key -> account answers and adopted mappings of one activation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.session: Any = None
        self.clients: Dict[Tuple[str, str, str], Any] = {}
        self.accounts: Dict[str, str] = {}
        self.seen_mappings: Set[str] = set()
        self.scratch: Dict[str, Dict[Any, Any]] = {}

    def session_for_calls(self) -> Any:
        if self.session is None:
            import botocore.session

            session = botocore.session.Session()
            # The built-in handlers put mock_esm's hooks on every session; not on this one.
            for event, handler in _OWN_HOOKS:
                session.unregister(event, handler)
            self.session = session
        return self.session

    def client(self, service: str, region: str, account: str) -> Any:
        key = (service, region, account)
        with self.lock:
            made = self.clients.get(key)
            if made is None:
                made = self.session_for_calls().create_client(
                    service, region_name=region, aws_access_key_id=_FAKE_KEY,
                    aws_secret_access_key=_FAKE_KEY, config=_config())
                made.meta.events.register("before-sign", _account_header(account))
                self.clients[key] = made
            return made


def _config() -> Any:
    """One attempt per call (moto answers at once or not at all), and the service's regional
    endpoint: newer botocore sends a call naming an ARN (DynamoDB Streams' DescribeStream) to
    an account-specific host that moto before 5.2 does not serve."""
    from botocore.config import Config

    options: Dict[str, Any] = {"retries": {"total_max_attempts": 1}}
    if "account_id_endpoint_mode" in Config.OPTION_DEFAULTS:
        options["account_id_endpoint_mode"] = "disabled"
    return Config(**options)


def _account_header(account: str) -> Any:
    def add_header(request: Any, **kwargs: Any) -> None:
        request.headers[ACCOUNT_HEADER] = account

    return add_header


_CLIENTS = _Clients()


def client(service: str, region: str, account: str) -> Any:
    """A botocore client moto answers as ``account``; call only while moto is active."""
    return _CLIENTS.client(service, region, account)


def account_for_key(access_key: str, region: str) -> str:
    """The account moto files this access key under (STS GetCallerIdentity, once per key).

    moto answers its default account (``MOTO_ACCOUNT_ID`` or 123456789012) for a key it never
    issued, as it does when it serves that key's other calls.
    """
    known = _CLIENTS.accounts.get(access_key)
    if known is not None:
        return known
    with _CLIENTS.lock:
        session = _CLIENTS.session_for_calls()
    # A client of the key's own (not cached): the header would decide for it otherwise.
    sts = session.create_client("sts", region_name=region, aws_access_key_id=access_key,
                                aws_secret_access_key=_FAKE_KEY, config=_config())
    account = str(sts.get_caller_identity()["Account"])
    _CLIENTS.accounts[access_key] = account
    return account


def first_sight(key: str) -> bool:
    """True the first time this activation meets one of moto's mappings, False after."""
    with _CLIENTS.lock:
        if key in _CLIENTS.seen_mappings:
            return False
        _CLIENTS.seen_mappings.add(key)
        return True


def activation_cache(name: str) -> Dict[Any, Any]:
    """A dict of this activation's, for what a reader of moto remembers between calls (what
    it has read of a stream); dropped with the clients."""
    with _CLIENTS.lock:
        return _CLIENTS.scratch.setdefault(name, {})


def error_code(error: Exception) -> Optional[str]:
    """The AWS error code of a botocore ClientError, else None."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return None if code is None else str(code)


def forget() -> None:
    """Drop the clients and key answers: the next activation starts with none."""
    global _CLIENTS
    _CLIENTS = _Clients()
