"""The rest of the AWS account, asked through the public AWS APIs moto serves while it is active.

These modules sit between the ways in and delivery above and the service below: they may use
the service's types, never the wire adapters or delivery.
"""
