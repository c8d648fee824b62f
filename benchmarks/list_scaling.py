#!/usr/bin/env python3
"""What ListEventSourceMappings costs as a region fills up: paging through every mapping 100 a
page, through boto3 under mock_esm, at 1,000, 10,000 and 100,000 mappings.

The target is a per-item cost at 10k no more than 1.3x the cost at 1k, and at 100k no
more than 1.3x the cost at 10k: a page must cost O(page), never a scan of the region.  Each size
lives in its own region of one activation, so rounds interleave across sizes and the minimum of
each is kept (machines are noisy; only ratios measured side by side count).

Also measured, per call: a page filtered by FunctionName (every mapping on one function, so the
same walk through an index), a lookup with both EventSourceArn and FunctionName (at most one
match), and a page filtered by EventSourceArn that matches nothing.

    python benchmarks/list_scaling.py                    # 1k, 10k, 100k; 5 rounds
    python benchmarks/list_scaling.py --sizes 1000,10000 --rounds 3 --json

Not collected by pytest (benchmarks/ holds no test_*.py); no timing is asserted in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, List

for _name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
    os.environ.setdefault(_name, "testing")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import boto3  # noqa: E402

from mock_esm import mock_esm  # noqa: E402

REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1")
ACCOUNT = "123456789012"
LOOKUPS = 200


def _client(region: str) -> Any:
    return boto3.session.Session().client("lambda", region_name=region)


def _populate(client: Any, region: str, count: int, through_boto3: bool) -> None:
    """Create ``count`` SQS mappings on function ``f``.

    Only the listing is measured; by default the mappings are made by the backend's own create
    (the operation boto3's call ends in), which fills 100,000 in seconds instead of minutes.
    """
    if through_boto3:
        for i in range(count):
            client.create_event_source_mapping(
                EventSourceArn=f"arn:aws:sqs:{region}:{ACCOUNT}:q{i}", FunctionName="f")
        return
    from mock_esm.service.runtime import RUNTIME

    backend = RUNTIME.registry.get(ACCOUNT, region)
    for i in range(count):
        backend.create({"EventSourceArn": f"arn:aws:sqs:{region}:{ACCOUNT}:q{i}",
                        "FunctionName": "f"}, 0.0)


def _walk(client: Any, **filters: Any) -> float:
    """Seconds per item to page through everything matching, 100 a page, with the paginator."""
    paginator = client.get_paginator("list_event_source_mappings")
    start = time.perf_counter()
    seen = sum(len(page["EventSourceMappings"])
               for page in paginator.paginate(PaginationConfig={"PageSize": 100}, **filters))
    return (time.perf_counter() - start) / max(seen, 1)


def _per_call(client: Any, **filters: Any) -> float:
    start = time.perf_counter()
    for _ in range(LOOKUPS):
        client.list_event_source_mappings(**filters)
    return (time.perf_counter() - start) / LOOKUPS


def measure(sizes: List[int], rounds: int, through_boto3: bool = False) -> Dict[str, Any]:
    if len(sizes) > len(REGIONS):
        raise SystemExit(f"at most {len(REGIONS)} sizes")
    best: Dict[str, float] = {}
    with mock_esm(account_id=ACCOUNT, transition_seconds=0) as esm:
        clients = {}
        for size, region in zip(sizes, REGIONS):
            clients[size] = _client(region)
            started = time.perf_counter()
            _populate(clients[size], region, size, through_boto3)
            print(f"# created {size} mappings in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
        esm.settle()
        for _ in range(rounds):
            for size, region in zip(sizes, REGIONS):
                client = clients[size]
                middle = f"arn:aws:sqs:{region}:{ACCOUNT}:q{size // 2}"
                samples = {
                    f"list_{size}_us_per_item": _walk(client),
                    f"list_fn_{size}_us_per_item": _walk(client, FunctionName="f"),
                    f"both_filters_{size}_us_per_call": _per_call(
                        client, EventSourceArn=middle, FunctionName="f"),
                    f"no_match_{size}_us_per_call": _per_call(
                        client, EventSourceArn=middle + "-missing"),
                }
                for key, seconds in samples.items():
                    best[key] = min(best.get(key, seconds), seconds)
    result: Dict[str, Any] = {key: round(value * 1e6, 2) for key, value in best.items()}
    for small, large in zip(sizes, sizes[1:]):
        for kind in ("list", "list_fn"):
            result[f"{kind}_per_item_{large}_over_{small}"] = round(
                best[f"{kind}_{large}_us_per_item"] / best[f"{kind}_{small}_us_per_item"], 3)
        result[f"both_filters_{large}_over_{small}"] = round(
            best[f"both_filters_{large}_us_per_call"] / best[f"both_filters_{small}_us_per_call"],
            3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated mapping counts, ascending (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; min is kept")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--create-through-boto3", action="store_true",
                        help="create the mappings through boto3 too (minutes at 100,000)")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    result = measure(sizes, args.rounds, args.create_through_boto3)
    if args.json:
        print(json.dumps(result))
        return
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
