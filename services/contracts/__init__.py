"""The only code shared between services: event contracts, remote error codes, money.

No service imports another service's package; everything they agree on lives here.
"""
