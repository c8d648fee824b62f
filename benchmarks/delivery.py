#!/usr/bin/env python3
"""What ``esm.poll()`` costs per delivered record as the backlog grows, per in-mock source.

For each source, ``put_records`` fills a backlog of 1,000, 10,000 and 100,000 records, then one
``esm.poll()`` delivers all of it to a handler that does nothing; only the ``poll()`` is timed.
Reported: records per second, microseconds per record, and the per-record cost at each size
over the cost at the smallest (the target is at most 1.3 at 100,000), each in wall time and in
this process's CPU time (steadier when other processes share the machine); and the tracemalloc
peak during the largest ``poll()`` beside the size of the ``PollReport`` it returned (what the
report documents it holds: every invocation with its event and records, as the bytes they are
decoded from when first read; nothing here reads them).

Through moto (``--moto``, needs moto): a moto SQS queue and a moto Kinesis stream of 1,000
records written with boto3 and delivered by ``esm.poll()``, beside what moto alone takes for the
same calls made directly with boto3 (receive + delete of every message in batches of 10;
get_records over the stream in batches of 100), so the share that is mock_esm's is visible.

    python benchmarks/delivery.py                      # in-mock sources at 1k, 10k, 100k
    python benchmarks/delivery.py --sizes 1000,10000 --sources sqs,kinesis
    python benchmarks/delivery.py --moto --json
    python benchmarks/delivery.py --no-gc              # the collector's share of the growth

Not collected by pytest (benchmarks/ holds no test_*.py); no timing is asserted in the suite.
Machines are noisy: run it when the machine is idle (``uptime``) and compare ratios of one run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Optional

for _name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
    os.environ.setdefault(_name, "testing")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import boto3  # noqa: E402

from mock_esm import mock_esm  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"
FUNCTION = "noop"


def _noop(event: Dict[str, Any], context: Any) -> None:
    return None


def _records_sqs(count: int) -> List[Any]:
    return [f"message {n}" for n in range(count)]


def _records_fifo(count: int) -> List[Any]:
    return [{"MessageBody": f"message {n}", "MessageGroupId": f"group-{n % 100}",
             "MessageDeduplicationId": str(n)} for n in range(count)]


def _records_kinesis(count: int) -> List[Any]:
    return [{"Data": b'{"n": 1}', "PartitionKey": f"key-{n % 7}"} for n in range(count)]


def _records_dynamodb(count: int) -> List[Any]:
    return [{"Keys": {"id": {"S": f"item-{n % 50}"}}, "NewImage": {"id": {"S": f"item-{n % 50}"},
             "n": {"N": str(n)}}} for n in range(count)]


def _records_kafka(count: int) -> List[Any]:
    return [{"value": b'{"n": 1}', "partition": n % 3} for n in range(count)]


def _records_mq(count: int) -> List[Any]:
    return [b"message" for _ in range(count)]


# source name -> (event source ARN, mapping settings, records maker)
SOURCES: Dict[str, Any] = {
    "sqs": (f"arn:aws:sqs:{REGION}:{ACCOUNT}:bench", {"BatchSize": 10}, _records_sqs),
    "sqs-fifo": (f"arn:aws:sqs:{REGION}:{ACCOUNT}:bench.fifo", {"BatchSize": 10},
                 _records_fifo),
    "kinesis": (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/bench",
                {"BatchSize": 100, "StartingPosition": "TRIM_HORIZON"}, _records_kinesis),
    "kinesis-lanes": (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/lanes",
                      {"BatchSize": 100, "StartingPosition": "TRIM_HORIZON",
                       "ParallelizationFactor": 4}, _records_kinesis),
    "dynamodb": (f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/bench/stream/"
                 f"2026-01-01T00:00:00.000",
                 {"BatchSize": 100, "StartingPosition": "TRIM_HORIZON",
                  "ParallelizationFactor": 3}, _records_dynamodb),
    "msk": (f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/bench/"
            f"abcd1234-0123-4567-89ab-0123456789ab-1",
            {"BatchSize": 100, "StartingPosition": "TRIM_HORIZON", "Topics": ["orders"]},
            _records_kafka),
    "kafka": (None, {"BatchSize": 100, "StartingPosition": "TRIM_HORIZON", "Topics": ["orders"],
                     "SelfManagedEventSource": {"Endpoints": {
                         "KAFKA_BOOTSTRAP_SERVERS": ["kafka.example.com:9092"]}},
                     "SourceAccessConfigurations": [{
                         "Type": "BASIC_AUTH",
                         "URI": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:kafka-AbCdEf"}]},
              _records_kafka),
    "activemq": (f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:bench:"
                 f"b-0123abcd-4567-89ef-0123-456789abcdef",
                 {"BatchSize": 100, "Queues": ["orders"],
                  "SourceAccessConfigurations": [{
                      "Type": "BASIC_AUTH",
                      "URI": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mq-AbCdEf"}]},
                 _records_mq),
    "rabbitmq": (f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:rabbit:"
                 f"b-1123abcd-4567-89ef-0123-456789abcdef",
                 {"BatchSize": 100, "Queues": ["orders"],
                  "SourceAccessConfigurations": [
                      {"Type": "BASIC_AUTH",
                       "URI": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:mq-AbCdEf"},
                      {"Type": "VIRTUAL_HOST", "URI": "/"}]},
                 _records_mq),
}


def _lambda() -> Any:
    return boto3.session.Session().client("lambda", region_name=REGION)


def _deliver(esm: Any, name: str, count: int, measure_memory: bool,
             collect: bool = True) -> Dict[str, Any]:
    """Fill one fresh source with ``count`` records and time the poll() that delivers them."""
    esm.reset()
    esm.register_function(FUNCTION, _noop)
    arn, settings, make = SOURCES[name]
    request = dict(settings, FunctionName=FUNCTION)
    if arn is not None:
        request["EventSourceArn"] = arn
    mapping = _lambda().create_event_source_mapping(**request)
    esm.put_records(arn or mapping["UUID"], make(count))
    gc.collect()
    peak = report_bytes = None
    if measure_memory:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        report = esm.poll()
        after, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak, report_bytes = top - before, after - before
        seconds = cpu = None
    else:
        if not collect:
            gc.disable()
        started, started_cpu = time.perf_counter(), time.process_time()
        report = esm.poll()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - started_cpu
        gc.enable()
    delivered = sum(item.batch_size for item in report)
    if delivered != count or not all(item.succeeded for item in report):
        raise SystemExit(f"{name}: delivered {delivered} of {count} records")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_bytes": peak, "held_bytes": report_bytes,
            "invocations": len(report)}


def in_mock(sources: List[str], sizes: List[int], rounds: int,
            collect: bool = True) -> List[Dict[str, Any]]:
    rows: List[Dict[str, Any]] = []
    with mock_esm(transition_seconds=0) as esm:
        for name in sources:
            best: Dict[int, float] = {}
            best_cpu: Dict[int, float] = {}
            for _ in range(rounds):
                for size in sizes:
                    timing = _deliver(esm, name, size, False, collect)
                    best[size] = min(best.get(size, timing["seconds"]), timing["seconds"])
                    best_cpu[size] = min(best_cpu.get(size, timing["cpu_seconds"]),
                                         timing["cpu_seconds"])
            memory = _deliver(esm, name, max(sizes), True)
            base, base_cpu = best[sizes[0]] / sizes[0], best_cpu[sizes[0]] / sizes[0]
            for size in sizes:
                per_record, per_record_cpu = best[size] / size, best_cpu[size] / size
                rows.append({"source": name, "records": size,
                             "records_per_s": round(size / best[size]),
                             "us_per_record": round(per_record * 1e6, 2),
                             "cost_over_smallest": round(per_record / base, 2),
                             "cpu_us_per_record": round(per_record_cpu * 1e6, 2),
                             "cpu_cost_over_smallest": round(per_record_cpu / base_cpu, 2)})
            rows[-1]["peak_mib"] = round(memory["peak_bytes"] / 2**20, 1)
            rows[-1]["report_mib"] = round(memory["held_bytes"] / 2**20, 1)
    return rows


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _attempt(figures: Dict[str, Any], name: str, action: Callable[[], Any]) -> None:
    """Time ``action`` into ``figures[name]``, or record why it failed (the moto path depends
    on the moto release installed)."""
    try:
        figures[name] = _timed(action)
    except Exception as exc:  # reported beside the figures, never hidden
        figures[name] = f"failed: {type(exc).__name__}: {exc}"


def through_moto(count: int) -> Dict[str, Any]:
    """Seconds for ``count`` records: esm.poll() over moto's SQS and Kinesis, and moto alone."""
    from moto import mock_aws

    figures: Dict[str, Any] = {}
    with mock_aws(), mock_esm(transition_seconds=0) as esm:
        session = boto3.session.Session(region_name=REGION)
        sqs, kinesis, lam = (session.client(name) for name in ("sqs", "kinesis", "lambda"))
        iam = session.client("iam")
        role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam.create_function(FunctionName=FUNCTION, Runtime="python3.12", Role=role,
                            Handler="index.handler", Code={"ZipFile": b"bench"})
        esm.register_function(FUNCTION, _noop)

        def fill_queue(name: str) -> str:
            url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
            for first in range(0, count, 10):
                sqs.send_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(n), "MessageBody": f"message {n}"}
                    for n in range(first, min(first + 10, count))])
            return url

        url = fill_queue("moto-direct")

        def drain() -> None:
            while True:
                messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                    "Messages", [])
                if not messages:
                    return
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(messages)])

        _attempt(figures, "sqs_moto_direct", drain)
        url = fill_queue("moto-esm")
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=FUNCTION, BatchSize=10)
        _attempt(figures, "sqs_esm_poll", esm.poll)

        def fill_stream(name: str) -> str:
            kinesis.create_stream(StreamName=name, ShardCount=1)
            for first in range(0, count, 500):
                kinesis.put_records(StreamName=name, Records=[
                    {"Data": b'{"n": 1}', "PartitionKey": f"key-{n % 7}"}
                    for n in range(first, min(first + 500, count))])
            return str(kinesis.describe_stream(StreamName=name)["StreamDescription"][
                "StreamARN"])

        fill_stream("moto-direct")

        def read_stream() -> None:
            shard = kinesis.list_shards(StreamName="moto-direct")["Shards"][0]["ShardId"]
            iterator: Optional[str] = kinesis.get_shard_iterator(
                StreamName="moto-direct", ShardId=shard,
                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while iterator:
                page = kinesis.get_records(ShardIterator=iterator, Limit=100)
                if not page["Records"]:
                    return
                iterator = page.get("NextShardIterator")

        _attempt(figures, "kinesis_moto_direct", read_stream)
        stream = fill_stream("moto-esm")
        lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=FUNCTION,
                                        BatchSize=100, StartingPosition="TRIM_HORIZON")
        _attempt(figures, "kinesis_esm_poll", esm.poll)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--sources", default=",".join(SOURCES))
    parser.add_argument("--rounds", type=int, default=1,
                        help="timed polls per size; the fastest is kept")
    parser.add_argument("--no-gc", action="store_true",
                        help="timed polls run with the garbage collector off: what is left of "
                             "the growth is mock_esm's, the rest is the collector walking what "
                             "the process holds")
    parser.add_argument("--moto", action="store_true", help="also the 1,000-record moto run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    sources = args.sources.split(",")
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        parser.error(f"unknown sources {unknown}; known: {', '.join(SOURCES)}")
    result: Dict[str, Any] = {"load": os.getloadavg()[0],
                              "in_mock": in_mock(sources, sizes, args.rounds, not args.no_gc)}
    if args.moto:
        result["moto"] = through_moto(1000)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"load average at the end: {result['load']:.2f}")
    print(f"{'source':<14}{'records':>9}{'records/s':>11}{'us/record':>11}{'x smallest':>12}"
          f"{'cpu us/rec':>12}{'cpu x sm.':>11}{'peak MiB':>10}{'report MiB':>12}")
    for row in result["in_mock"]:
        print(f"{row['source']:<14}{row['records']:>9,}{row['records_per_s']:>11,}"
              f"{row['us_per_record']:>11.2f}{row['cost_over_smallest']:>12.2f}"
              f"{row['cpu_us_per_record']:>12.2f}{row['cpu_cost_over_smallest']:>11.2f}"
              f"{row.get('peak_mib', ''):>10}{row.get('report_mib', ''):>12}")
    if args.moto:
        moto = result["moto"]
        for family in ("sqs", "kinesis"):
            ours, alone = moto[f"{family}_esm_poll"], moto[f"{family}_moto_direct"]
            if isinstance(ours, str) or isinstance(alone, str):
                print(f"moto {family}: esm.poll() {ours}; moto alone {alone}")
                continue
            print(f"moto {family}, 1,000 records: esm.poll() {ours * 1e3:.1f} ms, the same "
                  f"calls straight to moto {alone * 1e3:.1f} ms, mock_esm's share "
                  f"{max(ours - alone, 0.0) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
