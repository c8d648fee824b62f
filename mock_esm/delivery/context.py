"""The ``context`` argument, with the names and types the Lambda Python runtime gives it.

The runtime (awslambdaric ``LambdaContext``) fills most fields from environment variables, so
``memory_limit_in_mb`` is a string there, and so it is here.  The deadline is read against the
mock clock, so a handler under freezegun or time-machine sees the time it was given.
"""

from __future__ import annotations

import secrets
import time
from typing import Optional

from ..service import clock


def function_version(qualifier: Optional[str]) -> str:
    """The version a qualifier runs: a number names one; ``$LATEST`` and aliases report $LATEST.

    Which version an alias points to lives in the Lambda control plane, which mock_esm does
    not model, so an alias reports ``$LATEST``.
    """
    if qualifier is not None and qualifier.isdigit():
        return qualifier
    return "$LATEST"


class LambdaContext:
    """What a handler receives as its second argument."""

    def __init__(self, *, function_name: str, qualifier: Optional[str], invoked_function_arn: str,
                 aws_request_id: str, memory_size: int, timeout: float, started: float) -> None:
        self.function_name = function_name
        self.function_version = function_version(qualifier)
        self.invoked_function_arn = invoked_function_arn
        self.aws_request_id = aws_request_id
        self.memory_limit_in_mb = str(memory_size)
        self.log_group_name = f"/aws/lambda/{function_name}"
        day = time.strftime("%Y/%m/%d", time.gmtime(started))
        self.log_stream_name = f"{day}/[{self.function_version}]{secrets.token_hex(16)}"
        self.client_context = None
        self.identity = None
        self.timeout = timeout
        self._deadline_ms = int(started * 1000) + int(timeout * 1000)

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out, on the mock clock; never negative."""
        remaining = self._deadline_ms - int(clock.now() * 1000)
        return remaining if remaining > 0 else 0

    def __repr__(self) -> str:
        return (f"LambdaContext(function_name={self.function_name!r}, "
                f"function_version={self.function_version!r}, "
                f"aws_request_id={self.aws_request_id!r})")
