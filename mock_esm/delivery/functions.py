"""Which Python callable plays which Lambda function.

A bare name or partial ARN (``worker``, ``worker:live``, ``123456789012:function:worker``)
registers the function in every account and region; a full ARN only in its own.  A qualified
registration serves only mappings with that qualifier; an unqualified one serves the function
under any qualifier that has no registration of its own, as a function's aliases and versions
all run that function's code.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from ..service.arns import resolve_function
from ..service.errors import AwsError

Handler = Callable[[Dict[str, Any], Any], Any]

DEFAULT_TIMEOUT = 3.0
DEFAULT_MEMORY_SIZE = 128
# Placeholders that only fill the ARN of a name registered everywhere; never shown to users.
_ANY_ACCOUNT = "000000000000"
_ANY_REGION = "us-east-1"


@dataclass(frozen=True)
class RegisteredFunction:
    handler: Handler
    timeout: float
    memory_size: int


@dataclass(frozen=True)
class FunctionTarget:
    """A mapping's function, resolved to the callable that plays it."""

    function: RegisteredFunction
    arn: str
    name: str
    qualifier: Optional[str]


def split_function_arn(arn: str) -> Tuple[str, str, Optional[str]]:
    """(unqualified ARN, name, qualifier) of a full function ARN."""
    parts = arn.split(":")
    qualifier = parts[7] if len(parts) > 7 else None
    return ":".join(parts[:7]), parts[6], qualifier


class FunctionRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: Dict[Tuple[str, str, Optional[str]], RegisteredFunction] = {}

    def register(self, function: str, handler: Handler, *, timeout: float = DEFAULT_TIMEOUT,
                 memory_size: int = DEFAULT_MEMORY_SIZE) -> None:
        if not isinstance(function, str):
            raise TypeError(f"register_function() takes the function's name or ARN as a string; "
                            f"got {function!r}")
        if not callable(handler):
            raise TypeError(f"register_function({function!r}, handler): the handler must be a "
                            f"callable taking (event, context); got {handler!r}")
        if (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                or not 0 < timeout <= 900):
            raise ValueError(f"register_function(timeout=...) is the function's timeout in "
                             f"seconds, more than 0 and at most 900 as on Lambda; got {timeout!r}")
        if isinstance(memory_size, bool) or not isinstance(memory_size, int) or not (
                128 <= memory_size <= 10240):
            raise ValueError(f"register_function(memory_size=...) is in MB, from 128 to 10240 as "
                             f"on Lambda; got {memory_size!r}")
        try:
            ref = resolve_function(function, _ANY_ACCOUNT, _ANY_REGION)
        except AwsError:
            raise ValueError(
                f"register_function() takes a function name, name:qualifier, partial ARN "
                f"(123456789012:function:name) or full ARN; got {function!r}") from None
        if function.startswith("arn:"):
            key = ("arn", split_function_arn(ref.arn)[0], ref.qualifier)
        else:
            key = ("name", ref.name, ref.qualifier)
        with self._lock:
            self._by_key[key] = RegisteredFunction(handler, float(timeout), memory_size)

    def known(self, function_arn: str) -> bool:
        """Whether a handler is registered for this FunctionArn."""
        return self.lookup(function_arn) is not None

    def lookup(self, function_arn: str) -> Optional[FunctionTarget]:
        """The callable for a mapping's FunctionArn; the most specific registration wins."""
        unqualified, name, qualifier = split_function_arn(function_arn)
        candidates = [("arn", unqualified, qualifier), ("name", name, qualifier)]
        if qualifier is not None:
            candidates += [("arn", unqualified, None), ("name", name, None)]
        with self._lock:
            for key in candidates:
                found = self._by_key.get(key)
                if found is not None:
                    return FunctionTarget(found, function_arn, name, qualifier)
        return None

    def reset(self) -> None:
        with self._lock:
            self._by_key.clear()
