"""THE routing table of Stripe webhook events: event type → the service (and RPC method) that owns
what the event changes. Where two services share a type, the event's object tells them apart: a
type's routes are tried in order and the first whose ``when`` accepts ``data.object`` wins (a route
without ``when`` takes the rest). The gateway verifies the signature, then forwards the whole event to
that RPC; the service dedupes by the event's id. Types not listed are acknowledged (200) and ignored,
so enabling more types on the Stripe endpoint never makes Stripe retry. docs/billing.md "Webhook
routing" shows this table. Events of connected accounts (Stripe Connect: they carry ``account``) come to
their own endpoint (``/webhooks/stripe/connect``, its own signing secret) and are routed by CONNECT_ROUTES.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

from services.contracts.vocabularies import EXCLUSIVE_SALE_PURPOSE, STRIPE_PURPOSE_KEY


class Route(NamedTuple):
    service: str
    method: str
    #: whether this route takes an event, given its ``data.object``; None: every event of the type
    when: Callable[[dict[str, Any]], bool] | None = None


def payment_mode(obj: dict[str, Any]) -> bool:
    """A one-off payment's Checkout Session (an exclusive); subscriptions are ``mode: "subscription"``."""
    return obj.get("mode") == "payment"


def exclusive_sale(obj: dict[str, Any]) -> bool:
    """A charge (or other object) made for an exclusive: licensing's metadata says so."""
    metadata = obj.get("metadata")
    return isinstance(metadata, dict) and metadata.get(STRIPE_PURPOSE_KEY) == EXCLUSIVE_SALE_PURPOSE


ACCOUNTS_BILLING = Route("accounts", "handle_stripe_event")
LICENSING_PAYMENTS = Route("licensing", "handle_stripe_event", payment_mode)
LICENSING_REFUNDS = Route("licensing", "handle_stripe_event", exclusive_sale)
PAYOUTS_TRANSFERS = Route("payouts", "handle_stripe_event")
PAYOUTS_CONNECT = Route("payouts", "handle_connect_event")

ROUTES: dict[str, tuple[Route, ...]] = {
    "checkout.session.completed": (LICENSING_PAYMENTS, ACCOUNTS_BILLING),
    "customer.subscription.created": (ACCOUNTS_BILLING,),
    "customer.subscription.updated": (ACCOUNTS_BILLING,),
    "customer.subscription.deleted": (ACCOUNTS_BILLING,),
    "invoice.paid": (ACCOUNTS_BILLING,),
    "invoice.payment_failed": (ACCOUNTS_BILLING,),
    "charge.refunded": (LICENSING_REFUNDS, ACCOUNTS_BILLING),
    "transfer.created": (PAYOUTS_TRANSFERS,),
    "transfer.reversed": (PAYOUTS_TRANSFERS,),
}

#: the Connect endpoint's table: events about producers' Express accounts and their payouts to the bank
CONNECT_ROUTES: dict[str, tuple[Route, ...]] = {
    "account.updated": (PAYOUTS_CONNECT,),
    "payout.paid": (PAYOUTS_CONNECT,),
    "payout.failed": (PAYOUTS_CONNECT,),
}


def route_for(event: dict[str, Any], routes: dict[str, tuple[Route, ...]] = ROUTES) -> Route | None:
    """The route of a verified event in ``routes`` (the platform's table by default), or None when no route
    takes it (acknowledged and ignored)."""
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    obj = obj if isinstance(obj, dict) else {}  # the service refuses a malformed event; routing does not
    for route in routes.get(event["type"], ()):
        if route.when is None or route.when(obj):
            return route
    return None
