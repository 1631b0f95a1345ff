"""Create the BeatPass products and monthly CAD prices on a Stripe account, idempotently.

    STRIPE_API_KEY=sk_test_… python -m devtools.stripe_setup            # real Stripe (test mode)
    STRIPE_API_KEY=sk_test_x STRIPE_API_BASE=http://127.0.0.1:12111 python -m devtools.stripe_setup

Each paid plan gets a product and a recurring monthly price in CAD with the lookup key
``beatpass_<plan>_monthly`` — the key accounts finds the price by. A price that already carries the
key with the right amount is kept; one with a stale amount is replaced by a new price that takes
the key over (``transfer_lookup_key``), as Stripe prices cannot change their amount.
"""
from __future__ import annotations

import sys

import stripe

from services.accounts.billing.stripe_client import lookup_key
from services.accounts.plans import PLANS, Plan
from services.common import config
from services.common.stripe_api import make_client


def _matches(price: stripe.Price, plan: Plan) -> bool:
    recurring = price.recurring
    return (price.unit_amount == plan.monthly_price.cents and price.currency == plan.monthly_price.currency.lower()
            and recurring is not None and recurring.interval == "month" and recurring.interval_count == 1)


def ensure_prices(client: stripe.StripeClient) -> dict[str, str]:
    """plan code → price id, creating what is missing."""
    paid = [plan for plan in PLANS.values() if plan.is_paid]
    found = client.v1.prices.list(params={"lookup_keys": [lookup_key(p.code) for p in paid], "active": True,
                                          "limit": 100})
    existing = {price.lookup_key: price for price in found.data}
    ids = {}
    for plan in paid:
        price = existing.get(lookup_key(plan.code))
        if price is None or not _matches(price, plan):
            price = _create_price(client, plan, product=price.product if price is not None else None)
        ids[plan.code] = price.id
    return ids


def _create_price(client: stripe.StripeClient, plan: Plan, product: object = None) -> stripe.Price:
    params = {
        "lookup_key": lookup_key(plan.code), "transfer_lookup_key": True,
        "unit_amount": plan.monthly_price.cents, "currency": plan.monthly_price.currency.lower(),
        "recurring": {"interval": "month", "interval_count": 1}, "nickname": f"BeatPass {plan.name} monthly",
        "metadata": {"plan": plan.code},
    }
    if product is not None:
        params["product"] = product if isinstance(product, str) else product.id  # type: ignore[attr-defined]
    else:
        params["product_data"] = {"name": f"BeatPass {plan.name}", "metadata": {"plan": plan.code}}
    return client.v1.prices.create(params=params)


def main() -> int:
    api_key = config.env("STRIPE_API_KEY", "")
    if not api_key:
        print("set STRIPE_API_KEY (and STRIPE_API_BASE for a local fake Stripe)", file=sys.stderr)
        return 2
    ids = ensure_prices(make_client(api_key, config.env("STRIPE_API_BASE", "") or None))
    for code, price_id in ids.items():
        print(f"{lookup_key(code)}\t{price_id}")
    return 0


# -- a local fake Stripe for make run, make demo and the end-to-end tests ----------------------------------------

FAKE_API_KEY = "sk_test_beatpass_local"


def start_local_fake(webhook_url: str, webhook_secret: str | None = None, connect_webhook_url: str | None = None,
                     connect_webhook_secret: str | None = None):
    """A running ``devtools.fakestripe.FakeStripe`` that sends the platform's webhooks to ``webhook_url`` and
    those about connected accounts (Connect) to ``connect_webhook_url`` (by default ``<webhook_url>/connect``,
    the gateway's /api/v1/webhooks/stripe/connect), with the BeatPass prices set up; returns it and the
    environment the platform needs to use it. Each secret not given is generated."""
    import secrets

    from devtools.fakestripe import FakeStripe

    secret = webhook_secret or f"whsec_{secrets.token_hex(16)}"
    connect_secret = connect_webhook_secret or f"whsec_{secrets.token_hex(16)}"
    fake = FakeStripe(webhook_url=webhook_url, webhook_secret=secret,
                      connect_webhook_url=connect_webhook_url or f"{webhook_url.rstrip('/')}/connect",
                      connect_webhook_secret=connect_secret)
    base = fake.start()
    ensure_prices(make_client(FAKE_API_KEY, base))
    return fake, {"STRIPE_API_KEY": FAKE_API_KEY, "STRIPE_API_BASE": base, "STRIPE_WEBHOOK_SECRET": secret,
                  "STRIPE_CONNECT_WEBHOOK_SECRET": connect_secret}


def complete_local_checkout(checkout_url: str, timeout: float = 30) -> bool:
    """Pay a Checkout Session of the local fake Stripe, as a customer would on Stripe's page (the fake's
    page at /checkout/<id> only shows the session). False for a real Stripe URL: a person pays those."""
    import urllib.parse

    import requests

    parts = urllib.parse.urlsplit(checkout_url)
    if parts.hostname not in ("127.0.0.1", "localhost") or not parts.path.startswith("/checkout/"):
        return False
    session_id = parts.path.rsplit("/", 1)[-1]
    response = requests.post(f"{parts.scheme}://{parts.netloc}/_fake/checkout/{session_id}/complete", timeout=timeout)
    response.raise_for_status()
    return True


if __name__ == "__main__":
    sys.exit(main())
