"""What users get from our answers: botocore's own ``rest-json`` parser run on their bytes.

The in-process paths (botocore's and aiobotocore's ``before-call``, and ``esm.mappings()``)
hand users the dict this parser makes of the exact status, headers and body the WSGI server
would send, so an answer parses the same whichever way it arrived and whichever botocore is
installed.  Both the botocore and the aiobotocore interceptor import it; neither imports the
other for it.
"""

from __future__ import annotations

from typing import Any, Dict

from botocore import parsers
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel

from ..service.routing import Response

_PARSER = parsers.create_parser("rest-json")


def parse(response: Response, model: OperationModel) -> Dict[str, Any]:
    """The dict botocore's parser makes of this response, as a real one would give."""
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
