"""mock_esm: a faithful in-process mock of AWS Lambda event source mappings for boto3 tests."""

from .mock import EsmMock, mock_esm

__version__ = "0.1.0"

__all__ = ["EsmMock", "__version__", "mock_esm"]
