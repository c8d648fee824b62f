"""mock_esm(intercept_requests=True): Lambda's REST API called with ``requests``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any, Optional

import pytest

requests = pytest.importorskip("requests")
responses = pytest.importorskip("responses")

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

from mock_esm import mock_esm  # noqa: E402

ENDPOINT = "https://lambda.eu-west-1.amazonaws.com"
MAPPINGS = ENDPOINT + "/2015-03-31/event-source-mappings"
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:jobs"


def signed(method: str, url: str, body: Optional[dict] = None,
           region: str = "eu-west-1") -> Any:
    """A SigV4-signed request, as code that talks to Lambda without boto3 sends it."""
    data = None if body is None else json.dumps(body)
    request = AWSRequest(method=method, url=url, data=data,
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "lambda", region).add_auth(request)
    return requests.request(method, url, data=data, headers=dict(request.headers))


def test_rest_calls_are_served_in_the_region_of_the_credential_scope(no_network):
    with mock_esm(intercept_requests=True, transition_seconds=0) as esm:
        created = signed("POST", MAPPINGS, {"EventSourceArn": QUEUE, "FunctionName": "f"})
        assert created.status_code == 202
        mapping = created.json()
        assert mapping["FunctionArn"] == "arn:aws:lambda:eu-west-1:123456789012:function:f"
        assert [m["UUID"] for m in esm.mappings(region="eu-west-1")] == [mapping["UUID"]]
        item = f"{MAPPINGS}/{mapping['UUID']}"
        assert signed("GET", item).json()["State"] == "Enabled"
        assert signed("PUT", item, {"BatchSize": 5}).json()["BatchSize"] == 5
        listed = signed("GET", MAPPINGS + "?MaxItems=1&FunctionName=f")
        assert [m["UUID"] for m in listed.json()["EventSourceMappings"]] == [mapping["UUID"]]
        tags = f"{ENDPOINT}/2017-03-31/tags/{mapping['EventSourceMappingArn']}"
        assert signed("POST", tags, {"Tags": {"team": "a"}}).status_code == 204
        assert signed("GET", tags).json() == {"Tags": {"team": "a"}}
        assert signed("DELETE", item).json()["State"] == "Deleting"
        missing = signed("GET", item)
        assert missing.status_code == 404
        assert missing.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"


def test_other_urls_pass_through_to_whatever_was_there_before(no_network):
    with responses.RequestsMock() as outer:
        outer.get(ENDPOINT + "/2015-03-31/functions/", json={"Functions": []})
        outer.get("https://example.com/", body="plain")
        with mock_esm(intercept_requests=True):
            assert signed("GET", ENDPOINT + "/2015-03-31/functions/").json() == {"Functions": []}
            assert requests.get("https://example.com/").text == "plain"
            assert signed("GET", MAPPINGS).json() == {"EventSourceMappings": []}
        # Stopped: the URL is no longer ours.
        outer.get(MAPPINGS, json={"from": "outer"})
        assert requests.get(MAPPINGS).json() == {"from": "outer"}


def test_without_the_option_requests_are_not_intercepted(no_network):
    with responses.RequestsMock() as outer:
        outer.get(MAPPINGS, json={"from": "outer"})
        with mock_esm():
            assert requests.get(MAPPINGS).json() == {"from": "outer"}


@pytest.mark.parametrize("esm_first", [True, False], ids=["esm-first", "moto-first"])
def test_beside_moto_each_mock_keeps_its_urls(esm_first, no_network):
    moto = pytest.importorskip("moto")
    import boto3

    first, second = ((mock_esm(intercept_requests=True), moto.mock_aws()) if esm_first
                     else (moto.mock_aws(), mock_esm(intercept_requests=True)))
    with first, second:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bucket-1")
        s3.put_object(Bucket="bucket-1", Key="k", Body=b"from moto")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "bucket-1", "Key": "k"})
        assert requests.get(url).content == b"from moto"
        assert signed("GET", ENDPOINT + "/2015-03-31/functions/").json() == {"Functions": []}
        # Ours, checked against moto's account: the function does not exist there.
        refused = signed("POST", MAPPINGS, {"EventSourceArn": QUEUE, "FunctionName": "f"})
        assert refused.json()["message"] == "Function does not exist"
        # Empty for mock_esm and for moto (mock_esm would list a mapping moto held).
        assert signed("GET", MAPPINGS).json() == {"EventSourceMappings": []}


def test_responses_and_moto_are_imported_only_when_used():
    script = textwrap.dedent("""
        import sys
        import boto3
        from mock_esm import mock_esm
        with mock_esm():
            client = boto3.client("lambda", region_name="us-east-1")
            client.list_event_source_mappings()
        loaded = [m for m in ("responses", "moto") if m in sys.modules]
        assert loaded == [], loaded
        with mock_esm(intercept_requests=True):
            pass
        assert "responses" in sys.modules
        assert "moto" not in sys.modules
    """)
    subprocess.run([sys.executable, "-c", script], check=True)


def test_missing_responses_is_a_clear_error_and_leaves_nothing_active(monkeypatch):
    from mock_esm.service.runtime import RUNTIME

    monkeypatch.setitem(sys.modules, "responses", None)
    with pytest.raises(ImportError, match="pip install requests responses"):
        mock_esm(intercept_requests=True).start()
    assert RUNTIME.active is False
