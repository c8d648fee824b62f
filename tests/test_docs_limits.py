"""docs/limits.md: every ```python block runs as written, in a fresh namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LIMITS = Path(__file__).resolve().parent.parent / "docs" / "limits.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks() -> list:
    text = LIMITS.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(pytest.param(match.group(1), id=f"limits.md:{line}"))
    return found


def test_limits_has_an_example():
    assert _blocks()


@pytest.mark.parametrize("source", _blocks())
def test_limits_python_block_runs(source):
    exec(compile(source, str(LIMITS), "exec"), {"__name__": "limits_example"})
