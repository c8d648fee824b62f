"""ARNs: partitions, function-name normalisation and mapping ARNs.

AWS accepts a function as a bare name, ``name:qualifier``, a partial ARN
(``123456789012:function:name``) or a full ARN, and answers with the full ARN, keeping the
qualifier.  All of that lives here so list filters and duplicate checks compare the same form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, NamedTuple, Optional, Pattern, Tuple

if TYPE_CHECKING:
    from .rules.model import Constraints


def _constraints() -> Constraints:
    # Imported here: the rules load with the first request, not with the package.
    from .rules.model import constraints

    return constraints()


_PARTITION_OF: Dict[str, str] = {}  # every create asks twice; regions are few


def partition_for(region: str) -> str:
    """The ARN partition a region belongs to, from botocore's partition data; ``aws`` for a
    region no partition claims (tests make regions up)."""
    partition = _PARTITION_OF.get(region)
    if partition is None:
        partition = _constraints().partition_of(region) or "aws"
        if len(_PARTITION_OF) < 1024:
            _PARTITION_OF[region] = partition
    return partition


_function_name: Optional[Pattern[str]] = None


def _function_name_grammar() -> Pattern[str]:
    """The model's function-name pattern with its pieces named, compiled once."""
    global _function_name
    if _function_name is None:
        _function_name = re.compile(_constraints().function_name_parts, re.DOTALL)
    return _function_name


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
    from .rules.model import check_value

    spec = _constraints().function_name
    match = None
    if spec.max is None or len(value) <= spec.max:
        match = _function_name_grammar().fullmatch(value)
    if match is None:
        check_value(spec, value, field)
        raise AssertionError("the model's pattern admits what its named form refuses")
    name = match.group("name")
    # The named pieces keep the model's separators: "region:", "account:", ":qualifier".
    qualifier = (match.group("qualifier") or "")[1:] or None
    fn_region = (match.group("region") or "")[:-1] or region
    fn_account = (match.group("account") or "")[:-1] or account_id
    partition = partition_for(fn_region)
    arn = f"arn:{partition}:lambda:{fn_region}:{fn_account}:function:{name}"
    if qualifier:
        arn += f":{qualifier}"
    return FunctionRef(arn, name, qualifier)


def mapping_arn(account_id: str, region: str, uuid: str) -> str:
    return f"arn:{partition_for(region)}:lambda:{region}:{account_id}:event-source-mapping:{uuid}"
