"""The server process is quiet by default, logs plain lines when asked, and keeps answering
(and stops on SIGTERM) while nobody reads its stderr."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys

import pytest

from .server_process import ServerProcess, free_port, server_env

PATH = "/2015-03-31/event-source-mappings"
# Far more request lines than a pipe buffer (64 KiB on Linux, ~100 bytes a line) holds.
REQUESTS = 1500


def _get(connection: http.client.HTTPConnection) -> int:
    connection.request("GET", PATH)
    response = connection.getresponse()
    response.read()
    return response.status


def test_quiet_by_default(tmp_path):
    server = ServerProcess.started(tmp_path)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        assert [_get(connection) for _ in range(3)] == [200, 200, 200]
        connection.close()
    finally:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
    assert server.stderr().splitlines() == ["mock-esm: stopped"]


def test_info_logs_each_request_as_plain_text(tmp_path):
    server = ServerProcess.started(tmp_path, "--log-level", "info")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        assert _get(connection) == 200
        connection.close()
    finally:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
    lines = server.stderr().splitlines()
    assert "\x1b" not in server.stderr()
    [request] = [line for line in lines if PATH in line]
    assert request.startswith("mock-esm: ")
    assert request.endswith(f' INFO 127.0.0.1 "GET {PATH} HTTP/1.1" 200 -')


@pytest.mark.skipif(sys.platform == "win32", reason="pipe buffer sizes differ on Windows")
def test_an_unread_stderr_pipe_never_stops_the_server():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_esm", "serve", "--port", str(port), "--log-level", "info"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        env=server_env())
    try:
        ServerProcess.wait_for_port(process, port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        statuses = {_get(connection) for _ in range(REQUESTS)}
        connection.close()
        assert statuses == {200}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
