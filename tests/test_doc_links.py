"""README and CONTRIBUTING link into the repository; MkDocs checks docs/, this checks them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", ["README.md", "CONTRIBUTING.md"])
def test_relative_links_name_files_in_the_repository(page):
    targets = [target for target in LINK.findall((ROOT / page).read_text(encoding="utf-8"))
               if "://" not in target]
    assert targets or page == "CONTRIBUTING.md"
    for target in targets:
        resolved = (ROOT / target).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{page} links to {target}"
