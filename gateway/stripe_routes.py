"""THE routing table of Stripe webhook events: event type → the service (and RPC method) that owns
what the event changes. The gateway verifies the signature, then forwards the whole event to that
RPC; the service dedupes by the event's id. Types not listed are acknowledged (200) and ignored, so
enabling more types on the Stripe endpoint never makes Stripe retry. README "Plans and billing"
shows this table; Connect events (``/webhooks/stripe/connect``) will get a table of their own.
"""
from __future__ import annotations

from typing import NamedTuple


class Route(NamedTuple):
    service: str
    method: str


ACCOUNTS_BILLING = Route("accounts", "handle_stripe_event")

ROUTES: dict[str, Route] = {
    "checkout.session.completed": ACCOUNTS_BILLING,
    "customer.subscription.created": ACCOUNTS_BILLING,
    "customer.subscription.updated": ACCOUNTS_BILLING,
    "customer.subscription.deleted": ACCOUNTS_BILLING,
    "invoice.paid": ACCOUNTS_BILLING,
    "invoice.payment_failed": ACCOUNTS_BILLING,
    "charge.refunded": ACCOUNTS_BILLING,
}


def route_for(event_type: str) -> Route | None:
    return ROUTES.get(event_type)
