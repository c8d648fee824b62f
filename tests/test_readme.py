"""README is the manual: every ```python block in it runs, as written, in a fresh namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
# The `aio` extra's packages, and the integrations tox env noextras runs without.
OPTIONAL_PACKAGES = frozenset({"aioboto3", "aiobotocore", "moto", "freezegun", "time_machine",
                               "responses"})
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks() -> list:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(pytest.param(match.group(1), id=f"README.md:{line}"))
    return found


def test_readme_has_python_examples():
    assert len(_blocks()) >= 2


@pytest.mark.parametrize("source", _blocks())
def test_readme_python_block_runs(source, monkeypatch):
    # Examples of optional integrations run where those packages are installed, skip elsewhere.
    for module in re.findall(r"^\s*(?:from|import) (\w+)", source, re.MULTILINE):
        if module in OPTIONAL_PACKAGES:
            pytest.importorskip(module)
    if "intercept_requests=True" in source:  # served through responses, which it imports
        pytest.importorskip("responses")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    code = compile(source, str(README), "exec")
    namespace = {"__name__": "readme_example"}
    exec(code, namespace)
    from mock_esm.runtime import RUNTIME

    assert RUNTIME.active is False, "a README example left a mock active"
