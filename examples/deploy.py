"""A small deploy helper of the kind mock_esm users test: wire a queue or stream to a function.

It is written against plain boto3, as production code would be; the tests beside it run it
under mock_esm.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional


def find_mapping(client: Any, source_arn: str, function: str) -> Optional[Dict[str, Any]]:
    """The existing mapping from ``source_arn`` to ``function``, following every page."""
    paginator = client.get_paginator("list_event_source_mappings")
    for page in paginator.paginate(EventSourceArn=source_arn, FunctionName=function):
        for mapping in page["EventSourceMappings"]:
            return dict(mapping)
    return None


def ensure_mapping(client: Any, source_arn: str, function: str, *,
                   batch_size: int = 10, enabled: bool = True) -> Dict[str, Any]:
    """Create the mapping, or bring an existing one to the wanted settings (idempotent)."""
    existing = find_mapping(client, source_arn, function)
    if existing is None:
        return dict(client.create_event_source_mapping(
            EventSourceArn=source_arn, FunctionName=function, BatchSize=batch_size,
            Enabled=enabled))
    is_enabled = existing["State"] in ("Creating", "Enabling", "Enabled")
    if existing["BatchSize"] == batch_size and is_enabled == enabled:
        return existing
    return dict(client.update_event_source_mapping(
        UUID=existing["UUID"], BatchSize=batch_size, Enabled=enabled))


async def ensure_mappings(client: Any, source_arns: List[str], function: str,
                          **settings: Any) -> List[Dict[str, Any]]:
    """Wire several sources to one function concurrently (boto3 blocks, so use threads)."""
    return list(await asyncio.gather(*(
        asyncio.to_thread(ensure_mapping, client, source_arn, function, **settings)
        for source_arn in source_arns)))


def disable_mapping(client: Any, source_arn: str, function: str) -> Optional[Dict[str, Any]]:
    """Stop the function consuming the source, keeping the mapping; None if there is none."""
    existing = find_mapping(client, source_arn, function)
    if existing is None:
        return None
    return dict(client.update_event_source_mapping(UUID=existing["UUID"], Enabled=False))
