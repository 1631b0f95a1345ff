"""Stripe webhook events, as the gateway forwards them (signature already verified there).

Each event is handled once: its id goes into ``processed_stripe_events`` in the same transaction as
its effect, and a concurrent duplicate fails on that primary key. Subscription state is applied
through ``billing.apply`` (ordered by Stripe's ``created``); payments and refunds are facts and
emit their event once per Stripe object (``stripe_effects``), whichever event ids carry them.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from sqlalchemy.exc import IntegrityError

from services.accounts import repository
from services.accounts.billing import billing, schemas as billing_schemas, rules
from services.accounts.billing.models import ProcessedStripeEvent, StripeEffect
from services.accounts.billing.rules import Observation
from services.accounts.billing.stripe_client import StripeBilling, plan_of_lookup_key, require
from services.accounts.models import User
from services.accounts.plans import PLANS
from services.common.db import UnitOfWork
from services.contracts.events import SUBSCRIPTION_PAID, SUBSCRIPTION_REFUNDED

log = logging.getLogger(__name__)

Obj = dict[str, Any]
PROCESSED, DUPLICATE, IGNORED = "processed", "duplicate", "ignored"


def handle(uow: UnitOfWork, stripe_billing: StripeBilling | None, raw_event: Any) -> dict:
    """Apply one Stripe event; ``{"status": processed | duplicate | ignored}``."""
    event = billing_schemas.load_stripe_event(raw_event)
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return _result(event, IGNORED)
    if not _claim(uow, event):
        return _result(event, DUPLICATE)
    handler(uow, stripe_billing, event)
    return _result(event, PROCESSED)


def _result(event: Obj, status: str) -> dict:
    return {"status": status, "event_id": event["id"], "type": event["type"]}


def _claim(uow: UnitOfWork, event: Obj) -> bool:
    """Record the event id; False if it was handled before (or is being handled right now)."""
    session = uow.session
    if session.get(ProcessedStripeEvent, event["id"]) is not None:
        return False
    session.add(ProcessedStripeEvent(event_id=event["id"], type=event["type"], created=event["created"]))
    try:
        session.flush()  # on PostgreSQL this waits for a concurrent twin and then fails if it committed
    except IntegrityError:
        uow.rollback()
        return False
    return True


def _first_effect(uow: UnitOfWork, event: Obj, kind: str, object_key: str) -> bool:
    """Record that ``kind`` happened for this Stripe object; False if an earlier event, under any id, already
    had that effect (Stripe may send one fact as a new event). A concurrent twin about the same object fails
    on the primary key, here or at commit: the delivery errors and Stripe's retry then finds the row."""
    session = uow.session
    if session.get(StripeEffect, (kind, object_key)) is not None:
        log.info("Stripe event %s (%s): %s for %s already emitted", event["id"], event["type"], kind, object_key)
        return False
    session.add(StripeEffect(kind=kind, object_key=object_key, event_id=event["id"]))
    session.flush()
    return True


# -- who an event is about ------------------------------------------------------------------------------------

def _user_from(uow: UnitOfWork, user_id: Any, customer_id: Any) -> User | None:
    """The user named in our metadata, else the one owning the Stripe customer; locked."""
    session = uow.session
    user = repository.find_locked_user(session, user_id)
    if user is not None:
        return user
    account = billing.find_account_by_customer(session, customer_id if isinstance(customer_id, str) else None)
    return repository.lock_user(session, account.user_id) if account else None


def _link_customer(uow: UnitOfWork, user: User, customer_id: Any) -> billing.BillingAccount:
    account = billing.account_of(uow.session, user)
    if account.stripe_customer_id is None and isinstance(customer_id, str) and \
            billing.find_account_by_customer(uow.session, customer_id) is None:
        account.stripe_customer_id = customer_id
    return account


def _ignore(event: Obj, why: str) -> None:
    log.warning("Stripe event %s (%s) ignored: %s", event["id"], event["type"], why)


# -- subscriptions ------------------------------------------------------------------------------------------------

def _subscription_event(uow: UnitOfWork, stripe_billing: StripeBilling | None, event: Obj) -> None:
    sub = event["data"]["object"]
    user = _user_from(uow, (sub.get("metadata") or {}).get("user_id"), sub.get("customer"))
    if user is None:
        return _ignore(event, "no BeatPass user for this subscription")
    account = _link_customer(uow, user, sub.get("customer"))
    billing.apply(uow, user, account, subscription_observation(event, stripe_billing))


def subscription_observation(event: Obj, stripe_billing: StripeBilling | None) -> Observation:
    sub = event["data"]["object"]
    item = _first_item(sub)
    price = item.get("price") or {}
    plan = plan_of_lookup_key(price.get("lookup_key")) or _plan_of_price(stripe_billing, price.get("id"))
    deleted = event["type"] == "customer.subscription.deleted"
    return Observation(
        subscription_id=sub["id"], created=event["created"], subscription_created=sub.get("created"),
        status=rules.CANCELED if deleted else rules.normalize_status(sub.get("status", "")),
        plan=plan, cancel_at_period_end=bool(sub.get("cancel_at_period_end")),
        # the period moved from the subscription onto its items in API version 2025-03-31
        period_start=item.get("current_period_start", sub.get("current_period_start")),
        period_end=item.get("current_period_end", sub.get("current_period_end")),
    )


def _first_item(sub: Obj) -> Obj:
    items = (sub.get("items") or {}).get("data") or []
    return items[0] if items else {}


def _plan_of_price(stripe_billing: StripeBilling | None, price_id: Any) -> str | None:
    """Without STRIPE_API_KEY this raises BillingUnavailable (→ 5xx, Stripe retries) rather than lose a payment."""
    if not isinstance(price_id, str):
        return None
    return require(stripe_billing).plan_of_price(price_id)


# -- invoices -----------------------------------------------------------------------------------------------------

def _invoice_paid(uow: UnitOfWork, stripe_billing: StripeBilling | None, event: Obj) -> None:
    _invoice_event(uow, stripe_billing, event, paid=True)


def _invoice_failed(uow: UnitOfWork, stripe_billing: StripeBilling | None, event: Obj) -> None:
    _invoice_event(uow, stripe_billing, event, paid=False)


def _invoice_event(uow: UnitOfWork, stripe_billing: StripeBilling | None, event: Obj, paid: bool) -> None:
    invoice = event["data"]["object"]
    subscription_id, metadata = invoice_subscription(invoice)
    if subscription_id is None:
        return _ignore(event, "not a subscription invoice")
    user = _user_from(uow, metadata.get("user_id"), invoice.get("customer"))
    if user is None:
        return _ignore(event, "no BeatPass user for this invoice")
    account = _link_customer(uow, user, invoice.get("customer"))
    line = base_line(invoice)
    plan = _plan_of_price(stripe_billing, line_price(line)) if line else None
    period = (line or {}).get("period") or {}
    billing.apply(uow, user, account, Observation(
        subscription_id=subscription_id, created=event["created"],
        status=rules.ACTIVE if paid else rules.PAST_DUE, plan=plan,
        period_start=period.get("start"), period_end=period.get("end"),
    ))
    # the pool counts base plan prices of invoices that took money (docs/business-rules.md "Earnings")
    if paid and plan is not None and invoice.get("amount_paid", 0) > 0 and period.get("start") and period.get("end") \
            and _first_effect(uow, event, SUBSCRIPTION_PAID.name, invoice["id"]):
        price = PLANS[plan].monthly_price
        uow.emit(SUBSCRIPTION_PAID, {
            "user_id": user.id, "invoice_id": invoice["id"], "stripe_subscription_id": subscription_id,
            "plan": plan, "amount_cents": price.cents, "currency": price.currency,
            "period_start": rules.from_unix(period["start"]).isoformat(),
            "period_end": rules.from_unix(period["end"]).isoformat(),
            "paid_at": _stripe_time(invoice_paid_at(invoice), event).isoformat(),
        })


def invoice_paid_at(invoice: Obj) -> Any:
    """When Stripe says the invoice was paid: the pool's period is chosen by it, not by our delivery time."""
    return (invoice.get("status_transitions") or {}).get("paid_at")


def _stripe_time(seconds: Any, event: Obj) -> datetime:
    """A Stripe unix time as an aware UTC datetime; the event's ``created`` when Stripe gave none."""
    return rules.from_unix(seconds if isinstance(seconds, int) and not isinstance(seconds, bool) else event["created"])


def invoice_subscription(invoice: Obj) -> tuple[str | None, Obj]:
    """(subscription id, its metadata): under ``parent.subscription_details`` since API 2025-03-31,
    top-level ``subscription`` / ``subscription_details`` before."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or invoice.get("subscription_details") or {}
    subscription = details.get("subscription") or invoice.get("subscription")
    if isinstance(subscription, dict):  # expanded
        subscription = subscription.get("id")
    return subscription, details.get("metadata") or {}


def base_line(invoice: Obj) -> Obj | None:
    """The line billing a whole period of a plan (not a proration): the one whose price is the plan's."""
    for line in ((invoice.get("lines") or {}).get("data") or []):
        details = (line.get("parent") or {}).get("subscription_item_details") or {}
        proration = details.get("proration", line.get("proration", False))
        if not proration and line_price(line):
            return line
    return None


def line_price(line: Obj) -> str | None:
    pricing = (line.get("pricing") or {}).get("price_details") or {}
    price = pricing.get("price") or line.get("price")
    return price.get("id") if isinstance(price, dict) else price


# -- checkout and refunds --------------------------------------------------------------------------------------

def _checkout_completed(uow: UnitOfWork, stripe_billing: StripeBilling | None, event: Obj) -> None:
    """Links the customer Checkout used to the user; the subscription's own events carry its state."""
    session = event["data"]["object"]
    if session.get("mode") != "subscription":
        return _ignore(event, "not a subscription checkout")
    user_id = session.get("client_reference_id") or (session.get("metadata") or {}).get("user_id")
    user = _user_from(uow, user_id, session.get("customer"))
    if user is None:
        return _ignore(event, "no BeatPass user for this checkout")
    _link_customer(uow, user, session.get("customer"))


def _charge_refunded(uow: UnitOfWork, stripe_billing: StripeBilling | None, event: Obj) -> None:
    charge = event["data"]["object"]
    previous = event["data"].get("previous_attributes") or {}
    refunded = int(charge.get("amount_refunded", 0)) - int(previous.get("amount_refunded", 0))
    user = _user_from(uow, (charge.get("metadata") or {}).get("user_id"), charge.get("customer"))
    if user is None or refunded <= 0:
        return _ignore(event, "no BeatPass user or nothing refunded")
    invoice_id = require(stripe_billing).invoice_of_charge(charge)
    if invoice_id is None:
        return _ignore(event, "the charge paid no subscription invoice")
    # each refund raises the charge's refunded total, so (charge, total) names one refund in any event carrying it
    refund_key = f"{charge['id']}:{int(charge.get('amount_refunded', 0))}"
    if not _first_effect(uow, event, SUBSCRIPTION_REFUNDED.name, refund_key):
        return
    uow.emit(SUBSCRIPTION_REFUNDED, {
        "user_id": user.id, "invoice_id": invoice_id, "charge_id": charge["id"], "amount_cents": refunded,
        "currency": str(charge.get("currency", "")).upper(),
        "refunded_at": _stripe_time(latest_refund_created(charge), event).isoformat(),
    })


def latest_refund_created(charge: Obj) -> Any:
    """The ``created`` of the charge's newest refund: the one this event reports, as each refund sends its own
    ``charge.refunded``. Stripe includes ``refunds`` on the charge only when expanded; None when absent."""
    refunds = charge.get("refunds")
    refunds = [r for r in ((refunds.get("data") if isinstance(refunds, dict) else None) or []) if isinstance(r, dict)]
    times = [r["created"] for r in refunds if isinstance(r.get("created"), int)]
    return max(times) if times else None


HANDLERS: dict[str, Callable[[UnitOfWork, StripeBilling | None, Obj], None]] = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_event,
    "customer.subscription.updated": _subscription_event,
    "customer.subscription.deleted": _subscription_event,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "charge.refunded": _charge_refunded,
}
