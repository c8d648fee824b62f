"""The Lambda event source mapping service itself: plain data in, plain data out.

Nothing in this package imports botocore, moto, werkzeug or any other layer of mock_esm; what it
needs from the botocore model (the constraint table) is handed in by the wire layer, and the
checks against the rest of the account are passed to the backend by whoever calls it.
"""
