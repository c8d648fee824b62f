"""mock_esm: a faithful in-process mock of AWS Lambda event source mappings for boto3 tests.

The public names load on first use (PEP 562), so that pytest, which imports
``mock_esm.pytest_plugin`` in every session where mock_esm is installed, does not pay for
botocore in sessions that never use the mock.  The botocore handlers are still registered
before the first botocore session exists, so clients made before ``mock_esm`` is first used
are mocked too (see ``botocore_hook``).
"""

import typing as _typing

from .wire import botocore_hook as _botocore_hook

__version__ = "0.1.0"

__all__ = ["EsmMock", "__version__", "mock_esm"]

if _typing.TYPE_CHECKING:
    from .mock import EsmMock, mock_esm


def __getattr__(name: str) -> _typing.Any:
    if name in ("EsmMock", "mock_esm"):
        from . import mock

        value = getattr(mock, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mock_esm' has no attribute {name!r}")


def __dir__() -> _typing.List[str]:
    return sorted(set(globals()) | set(__all__))


_botocore_hook.ensure_registered()
