"""Stripe, as accounts uses it: the shared ``StripeClient`` (services/common/stripe_api.py), the
BeatPass prices found by lookup key (cached), and the few calls billing makes.

The same code speaks to Stripe and to the local fake (devtools/fakestripe): STRIPE_API_BASE only
moves the API's address. Without STRIPE_API_KEY billing is off and its RPCs answer
``BillingUnavailable`` (HTTP 503) saying what to set.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import stripe
from nameko.extensions import DependencyProvider

from services.accounts.plans import PLANS
from services.common import config
from services.common.config import public_url
from services.common.stripe_api import from_environment as client_from_environment
from services.contracts.errors import BillingUnavailable

log = logging.getLogger(__name__)

NOT_CONFIGURED = ("billing is not configured: set STRIPE_API_KEY for the accounts service (and STRIPE_API_BASE "
                  "to use a local fake Stripe), then run `python -m devtools.stripe_setup`")


def lookup_key(plan_code: str) -> str:
    """The Stripe price lookup key of a plan's monthly CAD price (devtools/stripe_setup.py creates them)."""
    return f"beatpass_{plan_code}_monthly"


@dataclass(frozen=True)
class BillingUrls:
    success: str
    cancel: str
    portal_return: str


def billing_urls() -> BillingUrls:
    """Where Stripe sends the browser back: under PUBLIC_URL unless a BILLING_*_URL overrides one."""
    site = public_url()
    return BillingUrls(
        success=config.env("BILLING_SUCCESS_URL", f"{site}/billing/success?session_id={{CHECKOUT_SESSION_ID}}"),
        cancel=config.env("BILLING_CANCEL_URL", f"{site}/billing/cancel"),
        portal_return=config.env("BILLING_PORTAL_RETURN_URL", f"{site}/account/billing"),
    )


class StripeBilling:
    """The Stripe calls billing needs. Prices are looked up once by lookup key and kept (they never
    change: a new price gets the lookup key transferred, and a miss looks them up again)."""

    def __init__(self, client: stripe.StripeClient):
        self.client = client
        self._lock = threading.Lock()
        self._price_ids: dict[str, str] = {}  # plan code → price id
        self._plans: dict[str, str | None] = {}  # price id → plan code (None: not a BeatPass price)

    # -- prices ---------------------------------------------------------------------------------------
    def price_id(self, plan_code: str) -> str:
        if plan_code not in self._price_ids:
            self._load_prices()
        try:
            return self._price_ids[plan_code]
        except KeyError:
            raise BillingUnavailable(f"Stripe has no active price with lookup key {lookup_key(plan_code)!r}: run "
                                     "`python -m devtools.stripe_setup` against this Stripe account",
                                     {"lookup_key": lookup_key(plan_code)}) from None

    def plan_of_price(self, price_id: str) -> str | None:
        if price_id not in self._plans:
            self._load_prices()
        if price_id not in self._plans:  # an older price of ours, or someone else's
            price = self.client.v1.prices.retrieve(price_id)
            self._plans[price_id] = plan_of_lookup_key(price.lookup_key)
        return self._plans[price_id]

    def _load_prices(self) -> None:
        with self._lock:
            keys = {lookup_key(code): code for code, plan in PLANS.items() if plan.is_paid}
            found = self.client.v1.prices.list(params={"lookup_keys": list(keys), "active": True, "limit": 100})
            for price in found.data:
                code = keys[price.lookup_key]
                self._price_ids[code] = price.id
                self._plans[price.id] = code

    # -- customers, checkout, portal ------------------------------------------------------------------
    def create_customer(self, user_id: str, email: str, name: str) -> str:
        customer = self.client.v1.customers.create(
            params={"email": email, "name": name, "metadata": {"user_id": user_id}},
            # a retried or concurrent first checkout gets the same customer, not a second one
            options={"idempotency_key": f"beatpass-customer-{user_id}"},
        )
        return customer.id

    def create_checkout_session(self, customer_id: str, user_id: str, plan_code: str,
                                urls: BillingUrls) -> tuple[str, str]:
        session = self.client.v1.checkout.sessions.create(params={
            "mode": "subscription",
            "customer": customer_id,
            "line_items": [{"price": self.price_id(plan_code), "quantity": 1}],
            "client_reference_id": user_id,
            "metadata": {"user_id": user_id, "plan": plan_code},
            "subscription_data": {"metadata": {"user_id": user_id}},
            "success_url": urls.success,
            "cancel_url": urls.cancel,
        })
        return session.url, session.id

    def create_portal_session(self, customer_id: str, return_url: str) -> str:
        session = self.client.v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url})
        return session.url

    def cancel_subscription(self, subscription_id: str) -> bool:
        """End the subscription now (no refund, as Stripe's default); False if Stripe no longer has it live."""
        subscriptions = self.client.v1.subscriptions
        try:
            subscriptions.cancel(subscription_id)
        except stripe.InvalidRequestError as exc:
            if exc.code == "resource_missing":  # gone: nothing left to stop
                return False
            if subscriptions.retrieve(subscription_id).status == "canceled":  # ended before (a retried deletion)
                return False
            raise
        return True

    def invoice_of_charge(self, charge: dict[str, Any]) -> str | None:
        """The invoice a charge paid (API versions since 2025 link them only through invoice payments)."""
        if charge.get("invoice"):
            return charge["invoice"]
        payment_intent = charge.get("payment_intent")
        if not payment_intent:
            return None
        found = self.client.v1.invoice_payments.list(
            params={"payment": {"type": "payment_intent", "payment_intent": payment_intent}, "limit": 1})
        return found.data[0].invoice if found.data else None


def plan_of_lookup_key(key: str | None) -> str | None:
    for code, plan in PLANS.items():
        if plan.is_paid and key == lookup_key(code):
            return code
    return None


def from_environment() -> StripeBilling | None:
    client = client_from_environment()
    return None if client is None else StripeBilling(client)


def require(billing: StripeBilling | None) -> StripeBilling:
    if billing is None:
        raise BillingUnavailable(NOT_CONFIGURED, {"missing": ["STRIPE_API_KEY"]})
    return billing


class Stripe(DependencyProvider):
    """Gives workers the service's one ``StripeBilling`` (None when STRIPE_API_KEY is unset)."""

    def setup(self) -> None:
        billing_urls()  # a malformed PUBLIC_URL stops the service at start, not at the first checkout
        self.billing = from_environment()
        if self.billing is None:
            log.warning("STRIPE_API_KEY is not set: billing endpoints answer 503 billing_unavailable")

    def get_dependency(self, worker_ctx) -> StripeBilling | None:
        return self.billing
