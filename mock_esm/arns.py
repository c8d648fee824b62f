"""ARNs: partitions, function-name normalisation and mapping ARNs.

AWS accepts a function as a bare name, ``name:qualifier``, a partial ARN
(``123456789012:function:name``) or a full ARN, and answers with the full ARN, keeping the
qualifier.  All of that lives here so list filters and duplicate checks compare the same form.
"""

from __future__ import annotations

import re
from typing import Dict, NamedTuple, Optional, Tuple

from .errors import validation_error

# The botocore model's NamespacedFunctionName pattern, anchored.
_FUNCTION_NAME = re.compile(
    r"^(arn:(aws[a-zA-Z-]*)?:lambda:)?"
    r"((?P<region>[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):)?"
    r"((?P<account>\d{12}):)?(function:)?(?P<name>[a-zA-Z0-9-_\.]+)"
    r"(:(?P<qualifier>\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$"
)
_FUNCTION_NAME_SOURCE = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)


# Region prefix -> partition; "us-isob-" and "us-isof-" do not start with "us-iso-".
_PARTITIONS = (
    ("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"), ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f"),
)


_PARTITION_OF: Dict[str, str] = {}  # every create asks twice; regions are few


def partition_for(region: str) -> str:
    """The ARN partition a region belongs to."""
    partition = _PARTITION_OF.get(region)
    if partition is None:
        partition = next((name for prefix, name in _PARTITIONS if region.startswith(prefix)),
                         "aws")
        if len(_PARTITION_OF) < 1024:
            _PARTITION_OF[region] = partition
    return partition


class FunctionRef(NamedTuple):
    """A function as AWS resolves it: the ARN it answers with and the bare name it quotes."""

    arn: str
    name: str
    qualifier: Optional[str]


# Suites name the same few functions over and over; each resolution is a regex match and three
# formats, so answers are kept (bounded: cleared when full).
_RESOLVED: Dict[Tuple[str, str, str], FunctionRef] = {}
_RESOLVED_LIMIT = 4096


def resolve_function(value: str, account_id: str, region: str,
                     field: str = "functionName") -> FunctionRef:
    """Normalise any accepted function form to the ARN AWS echoes back."""
    key = (value, account_id, region)
    known = _RESOLVED.get(key)
    if known is not None:
        return known
    resolved = _resolve(value, account_id, region, field)
    if len(_RESOLVED) >= _RESOLVED_LIMIT:
        _RESOLVED.clear()
    _RESOLVED[key] = resolved
    return resolved


def _resolve(value: str, account_id: str, region: str, field: str) -> FunctionRef:
    match = _FUNCTION_NAME.match(value) if len(value) <= 256 else None
    if match is None:
        if len(value) > 256:
            raise validation_error(field, value,
                                   "Member must have length less than or equal to 256")
        raise validation_error(field, value, "Member must satisfy regular expression pattern: "
                               + _FUNCTION_NAME_SOURCE)
    name = match.group("name")
    qualifier = match.group("qualifier")
    fn_region = match.group("region") or region
    fn_account = match.group("account") or account_id
    partition = partition_for(fn_region)
    arn = f"arn:{partition}:lambda:{fn_region}:{fn_account}:function:{name}"
    if qualifier:
        arn += f":{qualifier}"
    return FunctionRef(arn, name, qualifier)


def mapping_arn(account_id: str, region: str, uuid: str) -> str:
    return f"arn:{partition_for(region)}:lambda:{region}:{account_id}:event-source-mapping:{uuid}"
