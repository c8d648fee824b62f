"""The package's folders are its layers, and imports only run down them.

    ways in (mock_esm, mock, pytest_plugin, __main__)
        -> wire, delivery, families
            -> aws
                -> service

The service is pure: it imports only itself and the standard library, so it never pulls botocore,
moto or werkzeug in, whatever a user's program imports first.  Every import statement counts,
including those inside functions, which is where a lazy upward import would hide.
"""

from __future__ import annotations

import ast
import pkgutil
import sys
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

import pytest

import mock_esm

PACKAGE = Path(mock_esm.__file__).parent
MODULES: Set[str] = {info.name for info in pkgutil.walk_packages([str(PACKAGE)], "mock_esm.")}
MODULES.add("mock_esm")

WAYS_IN = "ways in"
# What each layer may import of mock_esm; the ways in may import everything.
ALLOWED: Dict[str, FrozenSet[str]] = {
    "service": frozenset({"service"}),
    "aws": frozenset({"service", "aws"}),
    "delivery": frozenset({"service", "aws", "delivery"}),
    "wire": frozenset({"service", "aws", "wire"}),
    "families": frozenset({"service", "aws", "delivery", "families"}),
}
NEVER_IN_SERVICE = frozenset({"botocore", "boto3", "moto", "werkzeug", "aiobotocore", "aioboto3",
                              "requests", "responses", "pytest"})


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ALLOWED:
        return parts[1]
    return WAYS_IN


def _path_of(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    package = PACKAGE / relative / "__init__.py"
    return package if package.exists() else (PACKAGE / relative).with_suffix(".py")


def imports_of(module: str, source: str, is_package: bool) -> Iterator[Tuple[int, str]]:
    """(line, imported module) for every import statement of ``source``, wherever it stands.
    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[:len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield node.lineno, candidate if candidate in MODULES else base


def violations(module: str, source: str, is_package: bool = False) -> List[str]:
    """The imports of ``module`` that point up (or sideways) across the layers."""
    layer = layer_of(module)
    found = []
    for line, target in imports_of(module, source, is_package):
        top = target.split(".")[0]
        where = f"{module}:{line} imports {target}"
        if top == "mock_esm":
            if layer != WAYS_IN and layer_of(target) not in ALLOWED[layer]:
                found.append(f"{where} ({layer} -> {layer_of(target)})")
        elif layer == "service":
            if top in NEVER_IN_SERVICE:
                found.append(f"{where} (the service stays free of {top})")
            elif _stdlib() is not None and top not in _stdlib() and top != "__future__":
                found.append(f"{where} (the service imports only itself and the stdlib)")
    return found


def _stdlib() -> Optional[FrozenSet[str]]:
    names = getattr(sys, "stdlib_module_names", None)  # Python >= 3.10
    return None if names is None else frozenset(names)


def test_every_module_has_a_layer_and_the_layers_exist():
    layers = {layer_of(module) for module in MODULES}
    assert layers == {WAYS_IN, *ALLOWED}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_layers(module):
    path = _path_of(module)
    assert violations(module, path.read_text(encoding="utf-8"), path.name == "__init__.py") == []


@pytest.mark.parametrize(("module", "planted"), [
    ("mock_esm.service.backend", "def f():\n    from ..wire import model_constraints\n"),
    ("mock_esm.service.rules.model", "from ...delivery import poller\n"),
    ("mock_esm.service.sources", "import botocore.session\n"),
    ("mock_esm.service.routing", "def f():\n    import werkzeug\n"),
    ("mock_esm.aws.existence", "from ..delivery import DELIVERY\n"),
    ("mock_esm.aws.moto_api", "def f():\n    from ..wire import interceptor\n"),
    ("mock_esm.delivery.poller", "from .. import mock\n"),
    ("mock_esm.delivery.sqs", "from ..wire import answers\n"),
    ("mock_esm.wire.server", "from ..delivery import poller\n"),
    ("mock_esm.families", "from . import mock\n"),
])
def test_a_planted_upward_import_is_caught(module, planted):
    path = _path_of(module)
    source = path.read_text(encoding="utf-8") + "\n" + planted
    assert violations(module, source, path.name == "__init__.py") != []
