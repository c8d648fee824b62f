#!/usr/bin/env python3
"""Side-by-side benchmark of mock_esm against moto and against the floor of its design.

floor      a botocore ``before-call`` handler returning canned bytes for the same operation,
           parsed by botocore's own parser: what any mock on this path must pay at least.
esm        mock_esm serving the call.
moto       moto's ``mock_aws`` serving the same call (function and queue created first).

Rounds are interleaved and the minimum per variant is kept, because shared machines are noisy;
only ratios measured in one run mean anything.  Not collected by pytest (run it by hand):

    python benchmarks/bench.py            # everything, scale figures at 100,000 mappings
    python benchmarks/bench.py --quick    # fewer rounds, scale at 10,000
    python benchmarks/bench.py --json     # one JSON object instead of the table
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from typing import Any, Callable, Dict, Iterator, List, Optional

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import boto3
from botocore import parsers
from botocore.awsrequest import AWSResponse

from mock_esm import mock_esm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGION = "us-east-1"
QUEUE = f"arn:aws:sqs:{REGION}:123456789012:bench"
OPERATIONS = ("create", "get", "update", "delete", "list10")


class _Raw(io.BytesIO):
    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data


def _client() -> Any:
    return boto3.session.Session().client("lambda", region_name=REGION)


def _timed(fn: Callable[[int], Any], calls: int) -> float:
    start = time.perf_counter()
    for i in range(calls):
        fn(i)
    return (time.perf_counter() - start) / calls


# -- the floor ---------------------------------------------------------------------------------

def _floor_client(operation: str, status: int, body: bytes) -> Any:
    """A client whose ``operation`` is answered with canned bytes parsed by botocore."""
    parser = parsers.create_parser("rest-json")
    headers = {"content-type": "application/json"}

    def answer(model: Any, params: Dict[str, Any], **kwargs: Any) -> Any:
        http = AWSResponse(params["url"], status, headers, _Raw(body))
        return http, parser.parse({"status_code": status, "headers": headers, "body": body},
                                  model.output_shape)

    client = _client()
    client.meta.events.register_first(f"before-call.lambda.{operation}", answer)
    return client


def _sample_bodies() -> Dict[str, bytes]:
    """The exact bytes mock_esm answers each operation with, so the floor parses as much."""
    captured: Dict[str, bytes] = {}

    def capture(http_response: Any, model: Any, **kwargs: Any) -> None:
        captured[model.name] = http_response.content

    with mock_esm(transition_seconds=0):
        client = _client()
        client.meta.events.register("after-call.lambda", capture)
        uuid = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f")["UUID"]
        client.get_event_source_mapping(UUID=uuid)
        client.update_event_source_mapping(UUID=uuid, BatchSize=5)
        for i in range(9):
            client.create_event_source_mapping(EventSourceArn=f"{QUEUE}{i}", FunctionName="f")
        client.list_event_source_mappings()
        client.delete_event_source_mapping(UUID=uuid)
    return captured


# -- one round per variant ---------------------------------------------------------------------

def _run_operations(client: Any, calls: int, setup_uuid: Callable[[], str],
                    fresh_uuids: Callable[[int], List[str]], source: Callable[[int], str],
                    function: str) -> Dict[str, float]:
    """Per-call seconds of each operation on ``client`` (state prepared by the callbacks)."""
    result: Dict[str, float] = {}
    result["create"] = _timed(lambda i: client.create_event_source_mapping(
        EventSourceArn=source(i), FunctionName=function), calls)
    uuid = setup_uuid()
    result["get"] = _timed(lambda i: client.get_event_source_mapping(UUID=uuid), calls)
    result["update"] = _timed(lambda i: client.update_event_source_mapping(
        UUID=uuid, BatchSize=1 + i % 9), calls)
    uuids = fresh_uuids(calls)
    result["delete"] = _timed(lambda i: client.delete_event_source_mapping(UUID=uuids[i]), calls)
    result["list10"] = _timed(lambda i: client.list_event_source_mappings(
        FunctionName=function, MaxItems=10), calls)
    return result


def floor_round(calls: int, bodies: Dict[str, bytes]) -> Dict[str, float]:
    names = {"create": ("CreateEventSourceMapping", 202), "get": ("GetEventSourceMapping", 200),
             "update": ("UpdateEventSourceMapping", 202),
             "delete": ("DeleteEventSourceMapping", 202),
             "list10": ("ListEventSourceMappings", 200)}
    clients = {op: _floor_client(name, status, bodies[name])
               for op, (name, status) in names.items()}
    uuid = "11111111-2222-3333-4444-555555555555"
    return {
        "create": _timed(lambda i: clients["create"].create_event_source_mapping(
            EventSourceArn=f"{QUEUE}-{i}", FunctionName="f"), calls),
        "get": _timed(lambda i: clients["get"].get_event_source_mapping(UUID=uuid), calls),
        "update": _timed(lambda i: clients["update"].update_event_source_mapping(
            UUID=uuid, BatchSize=1 + i % 9), calls),
        "delete": _timed(lambda i: clients["delete"].delete_event_source_mapping(UUID=uuid),
                         calls),
        "list10": _timed(lambda i: clients["list10"].list_event_source_mappings(
            FunctionName="f", MaxItems=10), calls),
    }


def esm_round(calls: int) -> Dict[str, float]:
    with mock_esm(transition_seconds=0):
        client = _client()
        made = [0]

        def fresh(n: int) -> List[str]:
            made[0] += n
            return [client.create_event_source_mapping(
                EventSourceArn=f"{QUEUE}-d{made[0]}-{i}", FunctionName="f")["UUID"]
                for i in range(n)]

        return _run_operations(client, calls, lambda: fresh(1)[0], fresh,
                               lambda i: f"{QUEUE}-{i}", "f")


def moto_round(calls: int) -> Optional[Dict[str, float]]:
    try:
        from moto import mock_aws
    except ImportError:
        return None
    with mock_aws():
        client = _client()
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        function = client.create_function(FunctionName="f", Runtime="python3.12", Role=role,
                                          Handler="h.h", Code={"ZipFile": b"x"})["FunctionArn"]
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="bench")["QueueUrl"]
        queue = sqs.get_queue_attributes(QueueUrl=queue_url,
                                         AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

        def fresh(n: int) -> List[str]:
            return [client.create_event_source_mapping(EventSourceArn=queue,
                                                       FunctionName=function)["UUID"]
                    for _ in range(n)]

        return _run_operations(client, calls, lambda: fresh(1)[0], fresh, lambda i: queue,
                               function)


# -- activation, import, a realistic test ------------------------------------------------------

def activation_seconds(repeat: int = 2000) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        with mock_esm():
            pass
    return (time.perf_counter() - start) / repeat


def moto_activation_seconds(repeat: int = 20) -> Optional[float]:
    try:
        from moto import mock_aws
    except ImportError:
        return None
    start = time.perf_counter()
    for _ in range(repeat):
        with mock_aws():
            pass
    return (time.perf_counter() - start) / repeat


def _import_seconds(first: str, then: str, env: Dict[str, str], runs: int = 7) -> float:
    """Best time of ``then`` in a fresh interpreter that has already run ``first``."""
    best = float("inf")
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c",
             f"import time; {first}; t=time.perf_counter(); {then}; "
             f"print(time.perf_counter()-t)"],
            capture_output=True, text=True, check=True, env=env)
        best = min(best, float(out.stdout.strip()))
    return best


def import_costs() -> Dict[str, float]:
    """What importing mock_esm adds to importing botocore, in milliseconds, two ways.

    ``with_bytecode``: as after ``pip install`` (bytecode cached; the caches are written to a
    temporary directory by one untimed run).  ``from_source``: every mock_esm module compiled on
    import, as in an editable install under PYTHONDONTWRITEBYTECODE (botocore keeps its cache).
    Timed inside one interpreter, after botocore is imported: subtracting two interpreter
    start-ups would bury a few milliseconds under their noise.
    """
    package = os.path.join(ROOT, "mock_esm")
    base = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    botocore_first = "import botocore.session"
    esm = "import mock_esm; mock_esm.mock_esm"
    with tempfile.TemporaryDirectory() as caches, tempfile.TemporaryDirectory() as copy:
        warm = {**base, "PYTHONPYCACHEPREFIX": caches}
        warm.pop("PYTHONDONTWRITEBYTECODE", None)
        _import_seconds(botocore_first, esm + "; import pytest; import mock_esm.pytest_plugin",
                        warm, runs=1)
        shutil.copytree(package, os.path.join(copy, "mock_esm"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        cold = {**base, "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONPATH": os.pathsep.join([copy, *sys.path])}
        return {
            "mock_esm_over_botocore": _import_seconds(botocore_first, esm, warm) * 1e3,
            "mock_esm_over_botocore_from_source": _import_seconds(botocore_first, esm,
                                                                  cold) * 1e3,
            "plugin_over_pytest": _import_seconds("import pytest", "import mock_esm.pytest_plugin",
                                                  warm) * 1e3,
        }


def realistic_test(use_moto: bool, repeat: int = 5) -> Optional[float]:
    """Activate, boto3.client() from the default session, create, get, stop."""
    if use_moto:
        try:
            from moto import mock_aws as mock
        except ImportError:
            return None
    else:
        mock = mock_esm
    start = time.perf_counter()
    for _ in range(repeat):
        with mock():
            client = boto3.client("lambda", region_name=REGION)
            if use_moto:
                iam = boto3.client("iam", region_name=REGION)
                role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
                client.create_function(FunctionName="f", Runtime="python3.12", Role=role,
                                       Handler="h.h", Code={"ZipFile": b"x"})
                boto3.client("sqs", region_name=REGION).create_queue(QueueName="bench")
            uuid = client.create_event_source_mapping(EventSourceArn=QUEUE,
                                                      FunctionName="f")["UUID"]
            client.get_event_source_mapping(UUID=uuid)
    return (time.perf_counter() - start) / repeat


# -- scale -------------------------------------------------------------------------------------

def scale_figures(total: int) -> Dict[str, float]:
    """Create rate, Get and List cost as the region fills up, memory per mapping."""
    figures: Dict[str, float] = {}
    chunk = max(total // 10, 1)
    with mock_esm(transition_seconds=0) as esm:
        client = _client()
        backend_only = []  # creation times per chunk
        uuids: List[str] = []
        checkpoints = {1000: 0.0, total: 0.0}
        for start in range(0, total, chunk):
            t = time.perf_counter()
            for i in range(start, min(start + chunk, total)):
                uuids.append(client.create_event_source_mapping(
                    EventSourceArn=f"{QUEUE}-{i}", FunctionName="f")["UUID"])
            backend_only.append((time.perf_counter() - t) / chunk)
            if start + chunk == 1000 or (start < 1000 <= start + chunk):
                checkpoints[1000] = _get_cost(client, uuids[:1000])
        checkpoints[total] = _get_cost(client, uuids)
        figures["create_first_chunk_us"] = backend_only[0] * 1e6
        figures["create_last_chunk_us"] = backend_only[-1] * 1e6
        figures["create_last_over_first"] = backend_only[-1] / backend_only[0]
        figures["get_at_1k_us"] = checkpoints[1000] * 1e6
        figures[f"get_at_{total}_us"] = checkpoints[total] * 1e6
        figures["get_full_over_1k"] = checkpoints[total] / checkpoints[1000]
        esm.reset()
    figures.update(_list_cost(1000, total))
    figures["bytes_per_mapping"] = _memory_per_mapping(min(total, 100_000))
    figures.update(_pending_reads(min(total, 10_000)))
    return figures


def _get_cost(client: Any, uuids: List[str], calls: int = 500) -> float:
    step = max(len(uuids) // calls, 1)
    sample = uuids[::step][:calls]
    return _timed(lambda i: client.get_event_source_mapping(UUID=sample[i]), len(sample))


def _list_cost(small: int, large: int) -> Dict[str, float]:
    result: Dict[str, float] = {}
    for n in (small, large):
        with mock_esm(transition_seconds=0):
            client = _client()
            for i in range(n):
                client.create_event_source_mapping(EventSourceArn=f"{QUEUE}-{i}", FunctionName="f")
            pages = client.get_paginator("list_event_source_mappings").paginate(
                PaginationConfig={"PageSize": 100})
            start = time.perf_counter()
            seen = sum(len(page["EventSourceMappings"]) for page in pages)
            result[f"list_{n}_us_per_item"] = (time.perf_counter() - start) / seen * 1e6
    result["list_large_over_small"] = (result[f"list_{large}_us_per_item"]
                                       / result[f"list_{small}_us_per_item"])
    return result


def _memory_per_mapping(n: int) -> float:
    """tracemalloc growth per SQS mapping, created straight on the backend (what the mock keeps)."""
    from mock_esm.service.backend import BackendRegistry

    registry = BackendRegistry()
    backend = registry.get("123456789012", REGION)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        backend.create({"EventSourceArn": f"{QUEUE}-{i}", "FunctionName": "f"}, 0.0)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / n


def _pending_reads(n: int) -> Dict[str, float]:
    """Reading mappings with pending transitions under freezegun, against settled ones.

    Both sides are read once untimed first (the first read of any body pays botocore's parse),
    then the best of three full listings is kept.  CPU time, because freezegun freezes
    ``perf_counter`` along with the wall clock.
    """
    try:
        from freezegun import freeze_time
    except ImportError:
        return {}

    def best_listing(pages: Any) -> float:
        for _ in pages.paginate():
            pass
        timings = []
        for _ in range(3):
            start = time.process_time()
            for _ in pages.paginate():
                pass
            timings.append(time.process_time() - start)
        return min(timings)

    with freeze_time("2024-01-01"), mock_esm(transition_seconds=5) as esm:
        client = _client()
        for i in range(n):
            client.create_event_source_mapping(EventSourceArn=f"{QUEUE}-{i}", FunctionName="f")
        pages = client.get_paginator("list_event_source_mappings")
        pending = best_listing(pages)
        esm.settle()
        settled = best_listing(pages)
    return {"pending_over_settled_reads": pending / settled}


# -- report ------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--scale", type=int, default=None)
    parser.add_argument("--no-scale", action="store_true")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    calls = 100 if args.quick else 300
    scale = args.scale or (10_000 if args.quick else 100_000)

    bodies = _sample_bodies()
    samples: Dict[str, Dict[str, List[float]]] = {
        variant: {op: [] for op in OPERATIONS} for variant in ("floor", "esm", "moto")}
    for _ in range(rounds):
        for variant, run in (("floor", lambda: floor_round(calls, bodies)),
                             ("esm", lambda: esm_round(calls)),
                             ("moto", lambda: moto_round(calls))):
            figures = run()
            if figures is None:
                continue
            for op, seconds in figures.items():
                samples[variant][op].append(seconds)
    best = {variant: {op: min(v) * 1e6 for op, v in ops.items() if v}
            for variant, ops in samples.items()}

    report: Dict[str, Any] = {"per_call_us": best, "ratios": {}}
    for op in OPERATIONS:
        ratios = {"esm_over_floor": best["esm"][op] / best["floor"][op]}
        if op in best["moto"]:
            ratios["moto_over_esm"] = best["moto"][op] / best["esm"][op]
        report["ratios"][op] = ratios

    activation = min(activation_seconds() for _ in range(rounds))
    moto_activation = moto_activation_seconds()
    report["activation_us"] = {"esm": activation * 1e6,
                               "moto": None if moto_activation is None else moto_activation * 1e6}
    report["import_ms"] = import_costs()
    esm_test = min(realistic_test(False) for _ in range(rounds))
    moto_tests = [realistic_test(True) for _ in range(max(rounds // 2, 1))]
    moto_test = None if moto_tests[0] is None else min(t for t in moto_tests if t is not None)
    report["realistic_test_us"] = {"esm": esm_test * 1e6,
                                   "moto": None if moto_test is None else moto_test * 1e6}
    if moto_test is not None:
        report["realistic_test_us"]["moto_over_esm"] = moto_test / esm_test
    if not args.no_scale:
        report["scale"] = scale_figures(scale)
    report["machine"] = {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                         "platform": sys.platform}

    if args.json:
        print(json.dumps(report, indent=2, default=float))
        return
    print(f"{'operation':<10} {'floor µs':>10} {'esm µs':>10} {'moto µs':>10} "
          f"{'esm/floor':>10} {'moto/esm':>10}")
    for op in OPERATIONS:
        moto = best["moto"].get(op)
        print(f"{op:<10} {best['floor'][op]:>10.1f} {best['esm'][op]:>10.1f} "
              f"{(moto or float('nan')):>10.1f} {report['ratios'][op]['esm_over_floor']:>10.3f} "
              f"{report['ratios'][op].get('moto_over_esm', float('nan')):>10.2f}")
    for section in ("activation_us", "import_ms", "realistic_test_us", "scale", "machine"):
        if section in report:
            print(f"\n{section}:")
            for key, value in report[section].items():
                shown = f"{value:.3f}" if isinstance(value, float) else value
                print(f"  {key}: {shown}")


if __name__ == "__main__":
    main()
