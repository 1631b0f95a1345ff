"""The Stripe SDK client every service that talks to Stripe uses (accounts' billing, licensing's exclusive sales),
configured from STRIPE_API_KEY and STRIPE_API_BASE.

The same code speaks to Stripe and to the local fake (devtools/fakestripe): STRIPE_API_BASE only moves the API's
address. Without STRIPE_API_KEY there is no client, and the calls that need one answer ``BillingUnavailable``."""
from __future__ import annotations

from typing import Any

import stripe

from services.common import config

#: seconds per Stripe request: a checkout makes at most three, within the gateway's RPC_TIMEOUT_S in the usual case
REQUEST_TIMEOUT_S = 4


def make_client(api_key: str, api_base: str | None = None) -> stripe.StripeClient:
    options: dict[str, Any] = {
        "max_network_retries": 1,  # the SDK adds an idempotency key, so a retried POST cannot act twice
        "http_client": stripe.RequestsClient(timeout=REQUEST_TIMEOUT_S),
    }
    if api_base:
        options["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(api_key, **options)


def from_environment() -> stripe.StripeClient | None:
    """A client for STRIPE_API_KEY (at STRIPE_API_BASE when set), or None when no key is set."""
    api_key = config.env("STRIPE_API_KEY", "")
    if not api_key:
        return None
    return make_client(api_key, config.env("STRIPE_API_BASE", "") or None)
