"""Decorated functions keep their signatures for type checkers (the ParamSpec overloads)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")

ROOT = Path(__file__).resolve().parent.parent

USER_CODE = '''
import asyncio
import unittest
from typing import Tuple, Type

from mock_esm import EsmMock, mock_esm


@mock_esm
def plain(a: int, *, b: str = "x") -> Tuple[int, str]:
    return a, b


@mock_esm(account_id="111122223333")
async def coro(a: int) -> str:
    return str(a)


@mock_esm
class Case(unittest.TestCase):
    pass


kept: Tuple[int, str] = plain(1, b="y")
case: Type[Case] = Case
controller: EsmMock = mock_esm(transition_seconds=0)
awaited: str = asyncio.run(coro(1))
plain("wrong")
asyncio.run(coro(a="wrong"))
'''


def test_decorators_keep_parameter_and_return_types(tmp_path):
    (tmp_path / "user_code.py").write_text(USER_CODE)
    env = dict(os.environ, MYPYPATH=str(ROOT))
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent",
         "--cache-dir", str(tmp_path / "cache"), "--config-file", "", "user_code.py"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    errors = [line.split(": error: ", 1)[1] for line in completed.stdout.splitlines()
              if ": error: " in line]
    # exactly the two wrong calls are caught, with the original parameter types
    assert errors == [
        'Argument 1 to "plain" has incompatible type "str"; expected "int"  [arg-type]',
        'Argument "a" to "coro" has incompatible type "str"; expected "int"  [arg-type]',
    ], completed.stdout + completed.stderr
