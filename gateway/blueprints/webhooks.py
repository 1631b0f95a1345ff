"""Stripe webhooks: the signature is verified on the raw body, then the event goes to the service
that owns its type (gateway/stripe_routes.py). Two endpoints, one way of handling: the platform account's
events (STRIPE_WEBHOOK_SECRET, ROUTES) and the connected accounts' (STRIPE_CONNECT_WEBHOOK_SECRET,
CONNECT_ROUTES) — Stripe signs each endpoint with its own secret."""
from __future__ import annotations

import json
import time
from typing import Any

import stripe
from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from gateway.billing_schemas import WebhookAck
from gateway.errors import row_for
from gateway.openapi import doc
from gateway.rpc import RemoteFailure, remote
from gateway.stripe_routes import CONNECT_ROUTES, ROUTES, Route, route_for
from services.contracts.errors import BadRequest, BillingUnavailable, ServiceError

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks")

#: seconds a signature's timestamp may differ from our clock (Stripe's default tolerance), either way: older
#: deliveries are refused as replays, future-dated ones as forged or pre-made for a later replay
TOLERANCE_S = 300


class InvalidWebhook(BadRequest):
    code = "invalid_webhook"


def signed_at(signature: str | None) -> int | None:
    """The ``t=`` of a Stripe-Signature header (None when absent or not a number: the SDK then refuses it)."""
    for item in (signature or "").split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return None


def check_timestamp(signature: str | None, now: float) -> None:
    """Refuse a signature dated more than TOLERANCE_S from ``now``; Stripe's SDK refuses only old ones."""
    timestamp = signed_at(signature)
    if timestamp is None:
        return
    skew = round(timestamp - now)
    if abs(skew) > TOLERANCE_S:
        when = f"{skew} s in the future" if skew > 0 else f"{-skew} s old"
        raise InvalidWebhook(f"invalid Stripe-Signature: its timestamp is {when}, outside ±{TOLERANCE_S} s of this "
                             "server's clock; a stale or forged delivery, or a wrong clock on one side",
                             {"timestamp": timestamp, "skew_s": skew, "tolerance_s": TOLERANCE_S})


def verified_event(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The event, if ``signature`` is Stripe's signature of exactly these bytes, made within ±TOLERANCE_S."""
    check_timestamp(signature, time.time())
    try:
        stripe.Webhook.construct_event(payload, signature, secret, tolerance=TOLERANCE_S)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(f"invalid Stripe-Signature: {exc.user_message or exc}") from None
    except (ValueError, TypeError, AttributeError, KeyError):  # signed, but not a JSON object
        raise InvalidWebhook("the body is not a JSON Stripe event") from None
    event = json.loads(payload)
    if not isinstance(event, dict) or not isinstance(event.get("type"), str) or not isinstance(event.get("id"), str):
        raise InvalidWebhook("the body is not a Stripe event (no id or type)")
    return event


def handle(secret_setting: str, routes: dict[str, tuple[Route, ...]]) -> ResponseReturnValue:
    """Verify the request with the secret of ``secret_setting`` and hand the event to its route in ``routes``."""
    secret = current_app.config[secret_setting]
    if not secret:
        raise BillingUnavailable(f"Stripe webhooks are not configured: set {secret_setting} for the gateway")
    event = verified_event(request.get_data(), request.headers.get("Stripe-Signature"), secret)
    route = route_for(event, routes)
    if route is None:
        return WebhookAck().dump({"received": True, "handled": False, "status": "ignored"})
    try:
        result = getattr(remote(route.service), route.method)(event=event)
    except ServiceError as exc:
        if row_for(exc).status < 500:  # the event is signed and well-formed: a refusal is our failure
            raise RemoteFailure(f"the {route.service} service could not handle {event['type']}: {exc.message}",
                                {"service": route.service}) from None
        raise
    return WebhookAck().dump({"received": True, "handled": True, "status": result["status"]})


@bp.post("/stripe")
@doc("Stripe webhook endpoint (platform account)", ok=(200, WebhookAck), errors=(400,),
     description="Verifies `Stripe-Signature` on the raw body with STRIPE_WEBHOOK_SECRET: a missing or wrong "
                 "signature, or one dated more than 300 s before or after the server's clock → 400 `invalid_webhook`. "
                 "Routed by event type, and by `data.object` where two services share a type: a payment-mode "
                 "`checkout.session.completed` and an exclusive's `charge.refunded` go to licensing, "
                 "`transfer.created` / `transfer.reversed` to payouts, the rest to accounts (docs/billing.md "
                 "\"Webhook routing\"); types not routed → 200 with `handled: false`. A service failure → 5xx so "
                 "Stripe retries.")
def stripe_webhook() -> ResponseReturnValue:
    return handle("STRIPE_WEBHOOK_SECRET", ROUTES)


@bp.post("/stripe/connect")
@doc("Stripe webhook endpoint (Connect: events of producers' Express accounts)", ok=(200, WebhookAck), errors=(400,),
     description="Verified like POST /webhooks/stripe, with STRIPE_CONNECT_WEBHOOK_SECRET (a Connect endpoint has "
                 "its own signing secret): a bad signature → 400 `invalid_webhook`. `account.updated`, "
                 "`payout.paid` and `payout.failed` go to payouts, which dedupes by event id; other types → 200 "
                 "with `handled: false`. A service failure → 5xx so Stripe retries.")
def stripe_connect_webhook() -> ResponseReturnValue:
    return handle("STRIPE_CONNECT_WEBHOOK_SECRET", CONNECT_ROUTES)
