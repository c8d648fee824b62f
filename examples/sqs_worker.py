"""A Lambda handler for an SQS queue, as it would be deployed: it reports bad orders."""

import json


def handle_orders(event, context):
    failures = []
    for record in event["Records"]:
        order = json.loads(record["body"])
        if order["total"] < 0:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
