"""Every module of the package imports on its own, and no two modules import each other.

A cycle works or breaks depending on which of its modules a program happens to import first,
so it is checked two ways: each module imported first, in a fresh interpreter, and the graph of
module-level imports searched for a loop (a cycle of ``from . import x`` lines can import fine
today and break the day one of them reads an attribute at import time).
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

import mock_esm

PACKAGE = Path(mock_esm.__file__).parent
MODULES = sorted(info.name for info in pkgutil.walk_packages([str(PACKAGE)], "mock_esm."))

# Imports each module first, in turn: every mock_esm module is dropped before the next one, so
# no module finds another already loaded.  A module whose optional dependency is not installed
# (aiobotocore, werkzeug) is reported as such, not as a failure.
_IMPORT_EACH = """
import importlib, sys
failures = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "mock_esm" or m.startswith("mock_esm.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as error:
        if (error.name or "").split(".")[0] != "mock_esm" and "mock_esm" not in str(error):
            continue
        failures.append(f"{name}: {type(error).__name__}: {error}")
    except Exception as error:
        failures.append(f"{name}: {type(error).__name__}: {error}")
print("\\n".join(failures))
"""


def test_every_module_imports_when_imported_first():
    result = subprocess.run([sys.executable, "-c", _IMPORT_EACH, *MODULES],
                            capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == ""


def _runtime_imports(module: str) -> Set[str]:
    """The mock_esm modules ``module`` imports at module level (not under TYPE_CHECKING)."""
    path = PACKAGE.joinpath(*module.split(".")[1:])
    is_package = path.is_dir()
    source = path / "__init__.py" if is_package else path.with_suffix(".py")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    package = module if is_package else module.rpartition(".")[0]
    found: Set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level else (
                node.module or "")
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in MODULES else target)
    return {name for name in found if name in MODULES and name != module}


def test_no_module_level_import_cycle():
    graph: Dict[str, Set[str]] = {module: _runtime_imports(module) for module in MODULES}
    # A package imports its parent packages on the way in; those edges are not cycles.
    cycles: List[List[str]] = []
    state: Dict[str, int] = {}  # 1 while on the current path, 2 when done

    def visit(module: str, path: List[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if module.startswith(imported + "."):
                continue
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported):], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in MODULES:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_import_reading_sees_each_form_of_relative_import():
    # The cycle search is only as good as the import reading it rests on.
    assert "mock_esm.service.backend" in _runtime_imports("mock_esm.service.routing")
    assert "mock_esm.wire.answers" in _runtime_imports("mock_esm.wire.aio")
    assert "mock_esm.service.rules" in _runtime_imports("mock_esm.service.validation")
    assert "mock_esm.service.rules.model" in _runtime_imports("mock_esm.service.validation")
    assert "mock_esm.service.backend" in _runtime_imports("mock_esm.delivery.poller")
