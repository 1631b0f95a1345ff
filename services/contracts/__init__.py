"""The only code shared between services: event contracts, remote error codes, money, the password policy.

No service imports another service's package; everything they agree on lives here.
"""
