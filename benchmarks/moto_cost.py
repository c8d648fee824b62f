#!/usr/bin/env python3
"""What living beside moto costs: Create with moto active, and delivery polled from moto.

create   one CreateEventSourceMapping while ``mock_aws`` is active (function and queue exist in
         moto, so the existence checks run), per call.
sqs      ``esm.poll()`` delivering 1,000 messages sent to a moto queue (BatchSize 10).
kinesis  ``esm.poll()`` delivering 1,000 records put to a one-shard moto stream (BatchSize 100).

Each figure is the minimum over rounds (shared machines are noisy); compare runs made on one
machine only.  Not collected by pytest (run it by hand):

    python benchmarks/moto_cost.py            # 5 rounds
    python benchmarks/moto_cost.py --rounds 2
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import zipfile
from typing import Any, Callable, Dict, List

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("MOTO_ACCOUNT_ID", None)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import boto3
import moto

from mock_esm import mock_esm

REGION = "us-east-1"
CREATES = 50
MESSAGES = int(os.environ.get("MOTO_COST_MESSAGES", "1000"))


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def _functions(count: int) -> List[str]:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = boto3.client("lambda", region_name=REGION)
    return [lam.create_function(FunctionName=f"f{n}", Runtime="python3.12", Role=role,
                                Handler="handler.handler", Code={"ZipFile": _zip()})[
                                    "FunctionArn"] for n in range(count)]


def _queue_arn(sqs: Any, name: str) -> Dict[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return {"url": url, "arn": arn["Attributes"]["QueueArn"]}


def create_per_call() -> float:
    with moto.mock_aws(), mock_esm(transition_seconds=0):
        functions = _functions(CREATES)
        queue = _queue_arn(boto3.client("sqs", region_name=REGION), "jobs")
        lam = boto3.client("lambda", region_name=REGION)
        lam.list_event_source_mappings()  # the first call pays for client creation
        start = time.perf_counter()
        for function in functions:
            lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName=function)
        return (time.perf_counter() - start) / CREATES


def _timed_poll(esm: Any) -> float:
    """Seconds one ``poll()`` takes to deliver every record to a handler that counts them."""
    got: List[int] = []
    esm.register_function("f0", lambda event, context: got.append(len(event["Records"])))
    began = time.perf_counter()
    esm.poll()
    elapsed = time.perf_counter() - began
    assert sum(got) == MESSAGES, sum(got)
    return elapsed


def sqs_poll() -> float:
    with moto.mock_aws(), mock_esm(transition_seconds=0) as esm:
        _functions(1)
        sqs = boto3.client("sqs", region_name=REGION)
        queue = _queue_arn(sqs, "jobs")
        for start in range(0, MESSAGES, 10):
            sqs.send_message_batch(QueueUrl=queue["url"], Entries=[
                {"Id": str(n), "MessageBody": f"m{start + n}"} for n in range(10)])
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_event_source_mapping(EventSourceArn=queue["arn"], FunctionName="f0",
                                        BatchSize=10)
        return _timed_poll(esm)


def kinesis_poll() -> float:
    with moto.mock_aws(), mock_esm(transition_seconds=0) as esm:
        _functions(1)
        kinesis = boto3.client("kinesis", region_name=REGION)
        kinesis.create_stream(StreamName="orders", ShardCount=1)
        arn = kinesis.describe_stream(StreamName="orders")["StreamDescription"]["StreamARN"]
        for start in range(0, MESSAGES, 500):
            kinesis.put_records(StreamName="orders", Records=[
                {"Data": f"r{start + n}".encode(), "PartitionKey": "p"} for n in range(500)])
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="f0", BatchSize=100,
                                        StartingPosition="TRIM_HORIZON")
        return _timed_poll(esm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    cases: Dict[str, Callable[[], float]] = {
        "create (ms per call)": create_per_call, "sqs 1k poll (ms)": sqs_poll,
        "kinesis 1k poll (ms)": kinesis_poll}
    print(f"moto {moto.__version__}")
    for name, case in cases.items():
        try:
            best = min(case() for _ in range(rounds))
        except Exception as error:  # an older mock_esm may fail on this moto: say so
            print(f"{name:24} failed: {type(error).__name__}: {error}")
            continue
        print(f"{name:24} {best * 1000:9.2f}")


if __name__ == "__main__":
    main()
