"""How requests reach the service: botocore's hooks, aiobotocore, the WSGI server, the
``responses`` adapter, and the constraint table read from the installed botocore model.

Importing this package hands the service the loader of that table, so the service can judge a
request without knowing where its constraints come from.  The loader imports botocore only when
the first request needs judging, which keeps ``import mock_esm`` free of botocore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..service import constraint_table

if TYPE_CHECKING:
    from ..service.rules.model import Constraints


def _load_constraints() -> Constraints:
    from .model_constraints import load

    return load()


constraint_table.set_loader(_load_constraints)
