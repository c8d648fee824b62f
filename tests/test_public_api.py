import types

import mock_esm as package
from mock_esm import EsmMock, mock_esm


def test_package_exports_exactly_the_public_names():
    public = {name for name, value in vars(package).items()
              if name[0].isalpha() and not isinstance(value, types.ModuleType)}
    assert public == {"mock_esm", "EsmMock"}
    assert set(package.__all__) == {"mock_esm", "EsmMock", "__version__"}
    assert isinstance(package.__version__, str) and package.__version__
    namespace: dict = {}
    exec("from mock_esm import *", namespace)
    assert set(namespace) - {"__builtins__"} == {"mock_esm", "EsmMock", "__version__"}


def test_mock_esm_call_returns_the_controller_the_with_block_yields():
    controller = mock_esm()
    assert isinstance(controller, EsmMock)
    with controller as esm:
        assert esm is controller
