"""The README's "Using with moto" examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("moto")

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks() -> list:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using with moto", 1)[1]
    section = re.split(r"^## ", section, flags=re.MULTILINE)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_section_has_examples():
    assert len(_blocks()) == 4


@pytest.mark.parametrize("number", range(4))
def test_readme_example_runs(number, no_network):
    exec(compile(_blocks()[number], f"README.md: Using with moto #{number + 1}", "exec"), {})
