"""Stripe, as licensing uses it: a Checkout Session in ``payment`` mode for an exclusive, and the refund of a
buyer whose payment completed after someone else's. The client is the shared one (services/common/stripe_api.py):
STRIPE_API_KEY, and STRIPE_API_BASE for the local fake. Without a key, checkouts answer ``BillingUnavailable``."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import stripe
from nameko.extensions import DependencyProvider

from services.common import stripe_api
from services.common.config import public_url
from services.contracts.errors import BillingUnavailable
from services.contracts.vocabularies import EXCLUSIVE_SALE_PURPOSE, STRIPE_PURPOSE_KEY

log = logging.getLogger(__name__)

PURPOSE = EXCLUSIVE_SALE_PURPOSE
NOT_CONFIGURED = ("exclusive sales are not configured: set STRIPE_API_KEY for the licensing service (and "
                  "STRIPE_API_BASE to use a local fake Stripe)")


@dataclass(frozen=True)
class SaleOrder:
    track_id: str
    track_title: str
    buyer_user_id: str
    buyer_email: str | None
    price_cents: int
    fee_cents: int
    currency: str

    def metadata(self) -> dict[str, str]:
        return {STRIPE_PURPOSE_KEY: PURPOSE, "track_id": self.track_id, "buyer_user_id": self.buyer_user_id,
                "price_cents": str(self.price_cents), "fee_cents": str(self.fee_cents)}


def exclusive_urls() -> tuple[str, str]:
    """Where Stripe sends the buyer back (pages of the gateway, under PUBLIC_URL)."""
    site = public_url()
    return f"{site}/exclusive/success?session_id={{CHECKOUT_SESSION_ID}}", f"{site}/exclusive/cancel"


class StripePayments:
    def __init__(self, client: stripe.StripeClient):
        self.client = client

    def create_checkout_session(self, order: SaleOrder) -> tuple[str, str]:
        """(url, session id) of a hosted checkout showing two lines: the exclusive's price and the buyer's fee."""
        success, cancel = exclusive_urls()
        currency = order.currency.lower()
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [_line(f"Exclusive licence — {order.track_title}", order.price_cents, currency),
                           _line("Buyer's fee", order.fee_cents, currency)],
            "client_reference_id": order.buyer_user_id,
            "metadata": order.metadata(),
            "payment_intent_data": {"metadata": order.metadata()},
            "success_url": success,
            "cancel_url": cancel,
        }
        if order.buyer_email:
            params["customer_email"] = order.buyer_email
        session = self.client.v1.checkout.sessions.create(params=params)
        return session.url, session.id

    def refunded_in_full(self, payment_intent_id: str) -> bool:
        """Whether the payment's charge was already refunded in full (Stripe sends webhooks in no set order: a
        refund's ``charge.refunded`` may reach us before the payment's ``checkout.session.completed``)."""
        intent = self.client.v1.payment_intents.retrieve(payment_intent_id, params={"expand": ["latest_charge"]})
        charge = intent.latest_charge
        return bool(charge is not None and not isinstance(charge, str) and charge.refunded)

    def refund(self, payment_intent_id: str, session_id: str, reason: str) -> str:
        """Refund a whole payment; the key makes a retried delivery of the same completion refund it once."""
        refund = self.client.v1.refunds.create(
            params={"payment_intent": payment_intent_id,
                    "metadata": {STRIPE_PURPOSE_KEY: PURPOSE, "reason": reason}},
            options={"idempotency_key": f"exclusive-refund-{session_id}"})
        return refund.id


def _line(name: str, amount_cents: int, currency: str) -> dict[str, Any]:
    return {"price_data": {"currency": currency, "unit_amount": amount_cents, "product_data": {"name": name}},
            "quantity": 1}


def require(payments: StripePayments | None) -> StripePayments:
    if payments is None:
        raise BillingUnavailable(NOT_CONFIGURED, {"missing": ["STRIPE_API_KEY"]})
    return payments


class Payments(DependencyProvider):
    """Gives workers the service's one ``StripePayments`` (None when STRIPE_API_KEY is unset)."""

    def setup(self) -> None:
        exclusive_urls()  # a malformed PUBLIC_URL stops the service at start, not at the first checkout
        client = stripe_api.from_environment()
        self.payments = None if client is None else StripePayments(client)
        if self.payments is None:
            log.warning("STRIPE_API_KEY is not set: exclusive checkouts answer 503 billing_unavailable")

    def get_dependency(self, worker_ctx) -> StripePayments | None:
        return self.payments
