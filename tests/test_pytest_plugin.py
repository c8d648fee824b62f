"""The esm_mock fixture and the mock_esm marker, run through pytest itself (pytester)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# pytester forgets the modules an inner run imported when that run ends. Loading the controller
# here, in the outer process, keeps one EsmMock class for every inner run, in any order.
import mock_esm.mock  # noqa: F401

pytest_plugins = ["pytester"]

HEADER = """
import boto3
import pytest
from mock_esm import EsmMock, mock_esm

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"


def create(function="f"):
    client = boto3.client("lambda", region_name="us-east-1")
    return client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName=function)
"""


# The inner runs do not see this project's pytest settings; keep unrelated plugins out of them
# (pytest-benchmark fails to configure inside an xdist worker; hypothesis costs seconds), and
# keep pytest-randomly from shuffling them: their output is matched in the order written.
INNER = ("-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:xdist",
         "-p", "no:hypothesispytest", "-p", "no:time_machine", "-p", "no:platformdirs",
         "-p", "no:randomly")


def _run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + body)
    return pytester.runpytest_inprocess(*INNER, *args)


def test_fixture_yields_the_active_controller_and_nests_inside_the_decorator(pytester):
    result = _run(pytester, """
@pytest.mark.parametrize("run", [1, 2])
def test_fresh(esm_mock, run):
    assert isinstance(esm_mock, EsmMock)
    assert esm_mock.mappings() == []
    created = create()
    assert created["EventSourceMappingArn"].split(":")[4] == "123456789012"
    assert [m["UUID"] for m in esm_mock.mappings()] == [created["UUID"]]


@mock_esm(account_id="111122223333")
def test_decorated_with_fixture(esm_mock):
    created = create()
    # the decorator's explicit account wins while it is active; one shared backend
    assert created["EventSourceMappingArn"].split(":")[4] == "111122223333"
    assert [m["UUID"] for m in esm_mock.mappings()] == [created["UUID"]]


def test_next_test_starts_empty(esm_mock):
    assert esm_mock.mappings() == []
""")
    result.assert_outcomes(passed=4)


def test_marker_options_configure_the_fixture(pytester):
    result = _run(pytester, """
@pytest.mark.mock_esm(account_id="111122223333", transition_seconds=0)
def test_on_function(esm_mock):
    created = create()
    assert created["EventSourceMappingArn"].split(":")[4] == "111122223333"
    assert [m["State"] for m in esm_mock.mappings()] == ["Enabled"]


@pytest.mark.mock_esm(account_id="444455556666")
class TestOnClass:
    def test_inherits_the_class_marker(self, esm_mock):
        assert create()["EventSourceMappingArn"].split(":")[4] == "444455556666"

    @pytest.mark.mock_esm(account_id="777788889999")
    def test_closest_marker_wins(self, esm_mock):
        assert create()["EventSourceMappingArn"].split(":")[4] == "777788889999"

    @mock_esm
    def test_class_marker_ignored_by_a_decorated_test_without_the_fixture(self):
        assert create()["EventSourceMappingArn"].split(":")[4] == "123456789012"
""", "--strict-markers")
    result.assert_outcomes(passed=4)


def test_marker_misuse_is_refused_with_a_message_saying_what_to_do(pytester):
    result = _run(pytester, """
@pytest.mark.mock_esm("111122223333")
def test_positional(esm_mock):
    pass


@pytest.mark.mock_esm(acount_id="111122223333", region="eu-west-1")
def test_typo(esm_mock):
    pass


@pytest.mark.mock_esm(account_id="1234")
def test_bad_account(esm_mock):
    pass


@pytest.mark.mock_esm(account_id="111122223333")
def test_forgot_the_fixture():
    pass
""")
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines([
        "E*TypeError: @pytest.mark.mock_esm takes keyword arguments only, such as "
        "@pytest.mark.mock_esm(account_id='111122223333'); got ('111122223333',)",
        "E*TypeError: @pytest.mark.mock_esm got unknown option(s) acount_id, region; it "
        "takes account_id, transition_seconds, intercept_requests",
        "E*ValueError: mock_esm(account_id=...) must be a string of exactly 12 digits, such "
        "as '123456789012'; got '1234'",
        "*@pytest.mark.mock_esm(...) configures the esm_mock fixture, but "
        "test_forgot_the_fixture does not use it: add esm_mock to the test's arguments, or "
        "use the @mock_esm(...) decorator instead of the marker.",
    ])


def test_marker_is_registered_for_strict_markers(pytester):
    pytester.makepyfile("")
    result = pytester.runpytest_inprocess(*INNER, "--markers")
    result.stdout.fnmatch_lines([
        "@pytest.mark.mock_esm(account_id=..., transition_seconds=..., intercept_requests=...): "
        "options for the esm_mock fixture (see the mock_esm manual, 'Ways in')"])


def _python(code: str) -> str:
    # Credentials in the environment keep botocore from asking the instance metadata service
    # for them when a client is made outside any activation.
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=True, timeout=60, env=env)
    return completed.stdout.strip()


def test_importing_the_plugin_loads_neither_botocore_nor_the_controller():
    loaded = _python(
        "import sys, mock_esm.pytest_plugin\n"
        "print(sorted(n for n in ('boto3', 'botocore', 'mock_esm.mock', 'asyncio') "
        "if n in sys.modules))")
    assert loaded == "[]"


def test_clients_made_after_a_lazy_import_are_still_mocked():
    # botocore loads after mock_esm here, so the import hook must register the handlers
    # before the first session exists; the client predates both the controller and start().
    output = _python(
        "import socket\n"
        "def refuse(*args, **kwargs): raise AssertionError('network access attempted')\n"
        "socket.create_connection = socket.socket.connect = refuse\n"
        "import sys, mock_esm, boto3\n"
        "client = boto3.client('lambda', region_name='us-east-1')\n"
        "assert 'mock_esm.mock' not in sys.modules\n"
        "with mock_esm.mock_esm(account_id='111122223333'):\n"
        "    print(client.list_event_source_mappings()['EventSourceMappings'])\n")
    assert output == "[]"


def test_clients_of_a_default_session_made_before_mock_esm_was_imported_are_mocked():
    # boto3's default session predates mock_esm here, so its handlers were copied before ours
    # were known; starting the mock must put them on that session too.
    output = _python(
        "import socket\n"
        "def refuse(*args, **kwargs): raise AssertionError('network access attempted')\n"
        "socket.create_connection = socket.socket.connect = refuse\n"
        "import boto3\n"
        "boto3.setup_default_session(region_name='us-east-1')\n"
        "import mock_esm\n"
        "with mock_esm.mock_esm(account_id='111122223333'):\n"
        "    client = boto3.client('lambda')\n"
        "    print(client.list_event_source_mappings()['EventSourceMappings'])\n")
    assert output == "[]"
