"""One-off payments: Checkout line items, the PaymentIntent and Charge a paid session leaves behind, and refunds.

Every object starts as Stripe's own fixture (like the rest of the fake); only the fields the fake understands are
overwritten. Functions take the Store and run under its lock."""

from __future__ import annotations

import copy
import random
import string
from typing import TYPE_CHECKING, Any

from devtools.fakestripe.forms import StripeError, as_int, merge_metadata
from devtools.fakestripe.objects import Obj, fixture, list_object, new_id
from devtools.fakestripe.pages import money

if TYPE_CHECKING:
    from devtools.fakestripe.resources import Store

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


# -- Checkout line items ------------------------------------------------------------------------------------

def line_item(price: Obj, quantity: int, description: str) -> Obj:
    """A Checkout Session's line item (Stripe's `item` object, listed at /v1/checkout/sessions/<id>/line_items)."""
    amount = price["unit_amount"] * quantity
    item = fixture("item")
    item.update(
        id=new_id("li"), amount_subtotal=amount, amount_total=amount, amount_discount=0, amount_tax=0,
        currency=price["currency"], description=description, price=copy.deepcopy(price), quantity=quantity,
        adjustable_quantity=None,
    )
    return item


def inline_price(store: Store, data: Any, param: str) -> Obj:
    """`line_items[i][price_data]`: a one-off price (and product) made for this session only, inactive as
    Stripe's inline prices are, so it is never offered or listed as an active price."""
    if not isinstance(data, dict):
        raise StripeError(f"Invalid object: {param}", param=param, code="parameter_invalid")
    for key in ("currency", "unit_amount"):
        if key not in data:
            raise StripeError(f"Missing required param: {param}[{key}].", param=f"{param}[{key}]",
                              code="parameter_missing")
    if as_int(data["unit_amount"], f"{param}[unit_amount]") < 0:
        raise StripeError("Invalid non-negative integer", param=f"{param}[unit_amount]", code="parameter_invalid")
    product_data = data.get("product_data")
    if "product" not in data and not (isinstance(product_data, dict) and product_data.get("name")):
        raise StripeError(f"Missing required param: {param}[product_data][name].",
                          param=f"{param}[product_data][name]", code="parameter_missing")
    fields = {k: data[k] for k in ("currency", "unit_amount", "product", "product_data", "recurring") if k in data}
    return store.create_price({**fields, "active": "false"})


# -- completing a payment-mode session -----------------------------------------------------------------------

def complete_payment(store: Store, session: Obj, metadata: dict[str, str]) -> Obj:
    """The buyer pays a `payment` session: a succeeded PaymentIntent for amount_total with its Charge, both
    carrying `payment_intent_data.metadata`, and checkout.session.completed."""
    customer = session["customer"]
    email = store.objects[customer]["email"] if customer else session["customer_email"]
    intent = payment_intent(store, session["amount_total"], session["currency"], customer, metadata, email)
    session.update(
        status="complete", payment_status="paid", payment_intent=intent["id"],
        customer_details={"address": None, "email": email, "name": None, "phone": None, "tax_exempt": "none",
                          "tax_ids": [], "business_name": None, "individual_name": None},
    )
    store.emit("checkout.session.completed", session)
    return session


def payment_intent(store: Store, amount: int, currency: str, customer: str | None, metadata: dict[str, str],
                   email: str | None) -> Obj:
    pid = new_id("pi")
    method = new_id("pm")
    paid = charge(store, amount, currency, customer, pid, metadata=metadata, receipt_email=email,
                  payment_method=method)
    intent = fixture("payment_intent")
    secret = "".join(random.choices(string.ascii_letters + string.digits, k=24))
    intent.update(
        id=pid, amount=amount, amount_capturable=0, amount_received=amount, amount_details={"tip": {}},
        automatic_payment_methods=None, canceled_at=None, cancellation_reason=None, capture_method="automatic",
        client_secret=f"{pid}_secret_{secret}", confirmation_method="automatic", created=store.now(),
        currency=currency, customer=customer, description=None, last_payment_error=None,
        latest_charge=paid["id"], livemode=False, metadata=dict(metadata), next_action=None,
        payment_method=method, payment_method_configuration_details=None, payment_method_options={},
        payment_method_types=["card"], processing=None, receipt_email=email, status="succeeded",
        shipping=None, transfer_data=None, transfer_group=None, source=None, excluded_payment_method_types=None,
        customer_account=None, managed_payments={"enabled": False},
    )
    return store.put(intent)


def charge(store: Store, amount: int, currency: str, customer: str | None, intent_id: str, *, paid: bool = True,
           metadata: dict[str, str] | None = None, description: str | None = None,
           receipt_email: str | None = None, payment_method: str | None = None) -> Obj:
    ch = fixture("charge")
    ch.update(
        id=new_id("ch"), amount=amount, amount_captured=amount if paid else 0, amount_refunded=0, captured=paid,
        paid=paid, refunded=False, status="succeeded" if paid else "failed",
        failure_code=None if paid else "card_declined", failure_message=None if paid else "Your card was declined.",
        created=store.now(), currency=currency, customer=customer, payment_intent=intent_id,
        description=description, metadata=dict(metadata or {}), livemode=False, receipt_email=receipt_email,
        balance_transaction=new_id("txn"), payment_method=payment_method or ch["payment_method"],
    )
    ch["refunds"] = list_object([], f"/v1/charges/{ch['id']}/refunds")
    return store.put(ch)


# -- refunds ----------------------------------------------------------------------------------------------

def create_refund(store: Store, p: Obj) -> Obj:
    """POST /v1/refunds: of a PaymentIntent's charge or of a charge, all that is left unless `amount`."""
    paid = _refunded_charge(store, p)
    reason = p.get("reason")
    if reason is not None and reason not in REFUND_REASONS:
        raise StripeError(f"Invalid reason: must be one of {', '.join(REFUND_REASONS)}", param="reason",
                          code="parameter_invalid")
    amount = as_int(p["amount"], "amount") if "amount" in p else None
    return refund_charge(store, paid, amount, reason, merge_metadata({}, p.get("metadata")))


def _refunded_charge(store: Store, p: Obj) -> Obj:
    intent_id, charge_id = p.get("payment_intent"), p.get("charge")
    if not intent_id and not charge_id:
        raise StripeError("One of the following params should be provided for this request: payment_intent or "
                          "charge.", code="parameter_missing")
    if intent_id:
        intent = store.get("payment_intent", intent_id, "payment_intent")
        if intent["status"] != "succeeded" or not intent["latest_charge"]:
            raise StripeError(f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                              param="payment_intent", code="charge_not_refundable")
        if charge_id and charge_id != intent["latest_charge"]:
            raise StripeError(f"Charge {charge_id} does not belong to PaymentIntent {intent_id}.", param="charge")
        charge_id = intent["latest_charge"]
    return store.get("charge", charge_id, "charge")


def refund_charge(store: Store, ch: Obj, amount: int | None, reason: str | None,
                  metadata: dict[str, str] | None = None) -> Obj:
    """Refund `amount` (all that is left by default) of a paid charge: charge.refunded with the charge."""
    if not ch["paid"]:
        raise StripeError("This charge was not paid.", code="charge_not_refundable")
    left = ch["amount"] - ch["amount_refunded"]
    if ch["refunded"] or left <= 0:
        raise StripeError(f"Charge {ch['id']} has already been refunded.", code="charge_already_refunded")
    amount = left if amount is None else amount
    if amount <= 0:
        raise StripeError("Invalid positive integer", param="amount", code="parameter_invalid_integer")
    if amount > left:
        raise StripeError(f"Refund amount ({money(amount, ch['currency'])}) is greater than unrefunded amount on "
                          f"charge ({money(left, ch['currency'])})", param="amount", code="amount_too_large")
    refund = fixture("refund")
    refund.update(
        id=new_id("re"), amount=amount, charge=ch["id"], created=store.now(), currency=ch["currency"],
        customer=ch["customer"], payment_intent=ch["payment_intent"], status="succeeded",
        metadata=dict(metadata or {}), reason=reason, balance_transaction=new_id("txn"), customer_account=None,
        payment_method=ch["payment_method"],
    )
    store.put(refund)
    previous = {"amount_refunded": ch["amount_refunded"], "refunded": ch["refunded"]}
    ch["amount_refunded"] += amount
    ch["refunded"] = ch["amount_refunded"] == ch["amount"]
    ch["refunds"]["data"].insert(0, copy.deepcopy(refund))
    store.emit("charge.refunded", ch, previous)
    return refund
