"""A local fake of the Stripe API for tests and demos (the real `stripe` SDK talks to it over HTTP)."""

from devtools.fakestripe.server import FakeStripe
from devtools.fakestripe.webhooks import signature_header

__all__ = ["FakeStripe", "signature_header"]
