"""The manual runs: every ```python block of README.md and docs/**/*.md is executed as written.

A page's blocks run in order in one namespace, as a reader meets them, so a later block may use
what an earlier one defined. Blocks that use the ``esm_mock`` fixture are pytest test modules,
so they also run under pytest itself. Blocks fenced any other way (```pycon, ```text, ```sh) are
shown, not run; CONTRIBUTING.md states the convention.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# The `aio` extra's packages, and the integrations tox env noextras runs without.
OPTIONAL_PACKAGES = frozenset({"aioboto3", "aiobotocore", "moto", "freezegun", "time_machine",
                               "responses"})
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
IMPORTED = re.compile(r"^\s*(?:from|import) (\w+)", re.MULTILINE)
# The inner pytest runs see none of this project's settings: only the plugin under test, in the
# order written (pytest-benchmark and hypothesis would slow or break them inside xdist).
INNER = ("-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:xdist",
         "-p", "no:hypothesispytest", "-p", "no:randomly")


def python_blocks(page: Path) -> List[Tuple[int, str]]:
    """(line of the block's first code line, code) for each ```python block, in page order."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start(1)) + 1, match.group(1))
            for match in BLOCK.finditer(text)]


def missing_optional_packages(source: str) -> List[str]:
    needed = set(IMPORTED.findall(source)) & OPTIONAL_PACKAGES
    if "intercept_requests=True" in source:  # served through responses, which it imports
        needed.add("responses")
    missing = []
    for module in sorted(needed):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    return missing


def pages_with_examples() -> list:
    return [pytest.param(page, id=str(page.relative_to(ROOT)))
            for page in PAGES if python_blocks(page)]


def test_readme_and_the_manual_have_examples():
    with_examples = {str(page.relative_to(ROOT)) for page in PAGES if python_blocks(page)}
    assert "README.md" in with_examples
    assert {"docs/ways-in.md", "docs/clocks.md", "docs/paging.md", "docs/delivery.md",
            "docs/faults.md"} <= with_examples


@pytest.mark.parametrize("page", pages_with_examples())
def test_page_examples_run_in_order(page, monkeypatch):
    from mock_esm.service.runtime import RUNTIME

    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    namespace = {"__name__": "doc_example"}
    for line, source in python_blocks(page):
        missing = missing_optional_packages(source)
        if missing:
            # Later blocks may build on this one, so the rest of the page stops here too.
            pytest.skip(f"{page.name}:{line} needs {', '.join(missing)}")
        # Padding puts a traceback's line numbers on the page's own lines.
        code = compile("\n" * (line - 1) + source, str(page), "exec")
        exec(code, namespace)
        assert RUNTIME.active is False, f"the example at {page.name}:{line} left a mock active"


def fixture_examples() -> list:
    return [pytest.param(source, id=f"{page.relative_to(ROOT)}:{line}")
            for page in PAGES for line, source in python_blocks(page) if "esm_mock" in source]


def test_the_fixture_is_shown_in_readme_and_the_manual():
    assert {param.id.split(":")[0] for param in fixture_examples()} >= {"README.md",
                                                                         "docs/ways-in.md"}


@pytest.mark.parametrize("source", fixture_examples())
def test_fixture_examples_pass_under_pytest(source, pytester):
    pytester.makepyfile(source)
    # A process of its own: an in-process run would unload the modules it imported first.
    result = pytester.runpytest_subprocess(*INNER, timeout=120)
    outcomes = result.parseoutcomes()
    # Warnings are the installed libraries' business (boto3 warns on Python 3.9); the examples
    # must pass, and nothing may fail or error.
    assert outcomes.get("passed", 0) >= 1 and set(outcomes) <= {"passed", "warnings"}, (
        result.stdout.str())
