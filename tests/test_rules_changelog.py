"""Each member of the 2020-12-15 Lambda API change: which sources take it and which refuse it.

The change added self-managed Kafka (``SelfManagedEventSource``, ``Topics``, the SASL/SCRAM and
VPC ``SourceAccessConfigurations`` types), ``Queues`` for MQ, ``TumblingWindowInSeconds`` and
``FunctionResponseTypes``.  The newer botocore model wins where they disagree (Kafka now takes
``FunctionResponseTypes`` too).
"""

from __future__ import annotations

import pytest

from mock_esm import mock_esm

from .rules_support import IPV, MINIMAL, SECRET, SELF_MANAGED, outcome

BASES = MINIMAL
ALL = set(BASES)
MEMBERS = [
    ("TumblingWindowInSeconds", 60, {"kinesis", "dynamodb"}),
    ("FunctionResponseTypes", ["ReportBatchItemFailures"],
     {"sqs", "fifo", "kinesis", "dynamodb", "msk", "kafka"}),
    ("Topics", ["orders"], {"msk", "kafka"}),
    ("Queues", ["orders"], {"mq"}),
    ("SelfManagedEventSource", SELF_MANAGED["SelfManagedEventSource"], {"kafka"}),
    *((f"SourceAccessConfigurations={kind}", [{"Type": kind, "URI": SECRET}], {"msk", "kafka"})
      for kind in ("SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "VPC_SUBNET",
                   "VPC_SECURITY_GROUP")),
]
CASES = [(member, value, source, source in accepted)
         for member, value, accepted in MEMBERS for source in sorted(ALL)]


@pytest.mark.parametrize(("member", "value", "source", "accepted"), CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
@mock_esm
def test_changelog_member_is_taken_or_refused_per_source(client, member, value, source,
                                                         accepted):
    name = member.split("=")[0]
    request = {**BASES[source], name: value}
    response, error = outcome(client.create_event_source_mapping, FunctionName="worker",
                              **request)
    if accepted:
        assert error is None
        assert response is not None and response[name] == value
    else:
        assert error is not None and error[0] == IPV
        assert client.list_event_source_mappings()["EventSourceMappings"] == []
