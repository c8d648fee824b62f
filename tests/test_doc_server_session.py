"""The server page's shell session runs as written (on a free port) where its tools exist."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SERVER_PAGE = Path(__file__).resolve().parent.parent / "docs" / "server.md"


def _server_session() -> str:
    """The page's ```sh block that starts the server."""
    text = SERVER_PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    [session] = [block for block in blocks if "mock-esm serve" in block]
    return session


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_server_page_session_runs(tmp_path):
    pytest.importorskip("werkzeug")
    for tool in ("aws", "curl", "mock-esm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    port = _free_port()
    # The page uses the default port; here a free one, so parallel runs cannot collide.
    script = _server_session().replace("5005", str(port)).replace(
        "mock-esm serve", f"mock-esm serve --port {port}")
    script += "\nwait\n"  # the session ends with `kill %1`; wait for the server to exit
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                            timeout=60, cwd=tmp_path)
    # `get-event-source-mapping --uuid nope` fails on purpose and prints AWS's error.
    assert "ResourceNotFoundException" in result.stderr, result.stderr
    assert '"EventSourceMappings"' in result.stdout, result.stdout
    assert result.returncode == 0, result.stderr
