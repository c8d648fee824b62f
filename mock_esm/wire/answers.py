"""What users get from our answers: botocore's own ``rest-json`` parser run on their bytes.

The in-process paths (botocore's and aiobotocore's ``before-call``, and ``esm.mappings()``)
hand users the dict this parser makes of the exact status, headers and body the WSGI server
would send, so an answer parses the same whichever way it arrived and whichever botocore is
installed.  Both the botocore and the aiobotocore interceptor import it; neither imports the
other for it.  It also keeps the one Lambda model every answer is parsed with.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional

from botocore import parsers
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, ServiceModel

from ..service.routing import Response

_PARSER = parsers.create_parser("rest-json")

# The one Lambda model mock_esm reads: answers are parsed with it and the constraint table is
# built from it.  It is the model the first served client carried (every client of an install
# loads the same one, and loading it again is slow).  Each client's own copy resolves its
# shapes anew, so parsing with the shared one spares every fresh client that work.
_service_model: Optional[ServiceModel] = None
_operations: Dict[str, OperationModel] = {}
_lock = threading.Lock()


def adopt_model(service: ServiceModel) -> None:
    """Share the Lambda model a served client carried, unless one is shared already."""
    global _service_model
    if _service_model is None:
        with _lock:
            if _service_model is None:
                _service_model = service


def operation_model(name: str) -> OperationModel:
    """An operation of the shared Lambda model (loaded once if no served call brought one)."""
    model = _operations.get(name)
    if model is None:
        if _service_model is None:
            import botocore.session

            adopt_model(botocore.session.get_session().get_service_model("lambda"))
        assert _service_model is not None
        model = _operations[name] = _service_model.operation_model(name)
    return model


def parse(response: Response, operation: str) -> Dict[str, Any]:
    """The dict botocore's parser makes of this response, as a real one would give."""
    model = operation_model(operation)
    response_dict = {"status_code": response.status, "headers": response.headers,
                     "body": response.body}
    parsed: Dict[str, Any] = _PARSER.parse(response_dict, model.output_shape)
    if response.status >= 300:
        # The before-call path skips botocore's _add_modeled_error_fields; do its work here so
        # users find Type/message at the top level exactly as with a real response.
        code = parsed.get("Error", {}).get("Code")
        error_shape = model.service_model.shape_for_error_code(code) if code else None
        if error_shape is not None:
            # Header members (TooManyRequestsException's Retry-After) are looked up by their
            # model spelling: parse with the case-insensitive headers a real response carries.
            parsed.update(_PARSER.parse(dict(response_dict, headers=HeadersDict(response.headers)),
                                        error_shape))
    return parsed
