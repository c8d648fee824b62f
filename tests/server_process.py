"""Start ``python -m mock_esm serve`` in a subprocess on a free port, as a user's test would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
STARTUP_LIMIT_SECONDS = 30.0  # generous for a loaded CI machine; normally ~1 s


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it; another worker gets another)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(**extra: str) -> Dict[str, str]:
    """The environment with this checkout first on the path and no inherited mock settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MOTO_ACCOUNT_ID", "MOCK_ESM_TRANSITION_SECONDS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


class ServerProcess:
    """One server subprocess; its output goes to files so a full pipe can never stall it."""

    def __init__(self, directory: Path, *args: str, env: Optional[Dict[str, str]] = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout_path = directory / f"server-{self.port}.out"
        self.stderr_path = directory / f"server-{self.port}.err"
        command: List[str] = [sys.executable, "-m", "mock_esm", "serve", "--port",
                              str(self.port), *args]
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err,
                                            stdin=subprocess.DEVNULL, env=env or server_env())

    def wait_until_listening(self) -> None:
        """Poll with short connection attempts, bounded; fail early if the server died."""
        try:
            self.wait_for_port(self.process, self.port)
        except AssertionError as error:
            self.stop()
            raise AssertionError(f"{error}: {self.stderr()}") from None

    @staticmethod
    def wait_for_port(process: subprocess.Popen, port: int) -> None:
        """Until ``process`` listens on ``port``; AssertionError if it exits or takes too long."""
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"server exited with {process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"server did not listen within {STARTUP_LIMIT_SECONDS} s")

    @classmethod
    def started(cls, directory: Path, *args: str) -> ServerProcess:
        """A listening server; a port taken between choosing and binding it is chosen again."""
        for _ in range(3):
            server = cls(directory, *args)
            try:
                server.wait_until_listening()
                return server
            except AssertionError:
                if "cannot listen" not in server.stderr():
                    raise
        raise AssertionError("three free ports in a row were taken before the server bound one")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stdout(self) -> str:
        return self.stdout_path.read_text()

    def stderr(self) -> str:
        return self.stderr_path.read_text()
