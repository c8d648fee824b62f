"""How requests reach the service: botocore's hooks, aiobotocore, the WSGI server, the
``responses`` adapter, and the constraint table read from the installed botocore model.

Importing this package hands the service the loader of that table, so the service can judge a
request without knowing where its constraints come from.  The loader imports botocore only when
the first request needs judging, which keeps ``import mock_esm`` free of botocore.
"""

from __future__ import annotations

from ..service.rules import model as _rules_model


def _load_constraints() -> _rules_model.Constraints:
    from .model_constraints import load

    return load()


_rules_model.set_loader(_load_constraints)
