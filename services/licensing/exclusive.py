"""Exclusive sales: the checkout (a Stripe Checkout Session in ``payment`` mode for the price plus the buyer's
fee) and what Stripe's webhooks then tell licensing — a completed payment grants the exclusive, or refunds a
buyer who came second; a refund of a granted sale revokes it (docs/licensing.md "Exclusive sales")."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.persistence import parse_id
from services.contracts.errors import NotFound, Unauthorized
from services.contracts.events import EXCLUSIVE_PURCHASE_REFUNDED, EXCLUSIVE_REFUNDED, EXCLUSIVE_SOLD
from services.licensing import deliverables, rules
from services.licensing.downloads import issue, sale_granted
from services.licensing.library import forget_certificate
from services.licensing.models import EXCLUSIVE, GRANTED, REFUNDED_LOST, REVOKED, SALE_REVOKED, ExclusiveSale
from services.licensing.neighbours import Neighbours
from services.contracts.vocabularies import STRIPE_PURPOSE_KEY
from services.licensing.payments import PURPOSE, SaleOrder, StripePayments, require
from services.licensing.terms import exclusive_terms
from services.licensing.views import View

log = logging.getLogger(__name__)

Obj = dict[str, Any]
ALREADY_SOLD, NOT_AVAILABLE = "already_sold", "not_available"


def start_exclusive_checkout(uow: UnitOfWork, neighbours: Neighbours, payments: StripePayments | None,
                             actor_id: str, track_id: str) -> View:
    canonical = parse_id(track_id)
    if canonical is None:
        raise NotFound(rules.TRACK_NOT_FOUND)
    facts = neighbours.facts(canonical)
    exclusive = rules.check_exclusive_available(facts, actor_id, sale_granted(uow, canonical))
    buyer = neighbours.user(actor_id)
    price = int(exclusive["price_cents"])
    order = SaleOrder(track_id=canonical, track_title=facts["name"], buyer_user_id=actor_id,
                      buyer_email=buyer.get("email"), price_cents=price, fee_cents=rules.buyer_fee_cents(price),
                      currency=exclusive["currency"].upper())
    url, session_id = require(payments).create_checkout_session(order)
    return {"url": url, "session_id": session_id, "price_cents": order.price_cents, "fee_cents": order.fee_cents,
            "total_cents": order.price_cents + order.fee_cents, "currency": order.currency}


# --- a completed payment ------------------------------------------------------------------------------------

def checkout_completed(uow: UnitOfWork, neighbours: Neighbours, payments: StripePayments | None, session: Obj,
                       now: datetime) -> str | None:
    """Grant the exclusive to the first completed payment licensing commits; refund any other. None when
    handled, else why it was ignored."""
    metadata = session.get("metadata") or {}
    if session.get("mode") != "payment" or metadata.get(STRIPE_PURPOSE_KEY) != PURPOSE:
        return "not an exclusive sale's checkout"
    if session.get("payment_status") not in (None, "paid"):
        return f"payment status {session.get('payment_status')!r}"
    if _sale_of_session(uow, session["id"]) is not None:
        return "this checkout session was handled before"
    sale = _new_sale(session, metadata, now)
    if require(payments).refunded_in_full(sale.payment_intent_id):
        _record_refunded_before_completion(uow, sale)
        return None
    facts = _facts_or_none(neighbours, sale.track_id)
    buyer = _user_or_none(neighbours, sale.buyer_user_id)
    if facts is None or buyer is None or not rules.exclusive_still_available(facts, sale.buyer_user_id):
        _refund_loser(uow, payments, sale, session, NOT_AVAILABLE)
    elif not _claim_exclusive(uow, sale):
        _refund_loser(uow, payments, _new_sale(session, metadata, now), session, ALREADY_SOLD)
    else:
        _grant(uow, sale, facts, buyer["email"], now)
    return None


def _new_sale(session: Obj, metadata: Obj, now: datetime) -> ExclusiveSale:
    buyer = metadata.get("buyer_user_id") or session.get("client_reference_id")
    return ExclusiveSale(
        checkout_session_id=session["id"], payment_intent_id=_id_of(session.get("payment_intent")),
        track_id=metadata["track_id"], buyer_user_id=buyer,
        price_cents=int(metadata["price_cents"]), fee_cents=int(metadata["fee_cents"]),
        currency=str(session.get("currency", "")).upper(), status=GRANTED, completed_at=now)


def _claim_exclusive(uow: UnitOfWork, sale: ExclusiveSale) -> bool:
    """Insert the granted sale; False when another granted sale of the track exists. The unique index decides a
    race: a concurrent twin's insert waits for this transaction and then fails (or this one does)."""
    if sale_granted(uow, sale.track_id):
        return False
    try:
        with uow.session.begin_nested():  # a failed insert rolls back to here, not the whole event
            uow.session.add(sale)
    except IntegrityError:
        return False
    return True


def _grant(uow: UnitOfWork, sale: ExclusiveSale, facts: Obj, email: str, now: datetime) -> None:
    licence = issue(uow, facts, EXCLUSIVE, exclusive_terms(facts["artist_name"]), sale.buyer_user_id, email, now)
    sale.license_id = licence.id
    uow.session.flush()
    uow.emit(EXCLUSIVE_SOLD, {
        "license_id": licence.id, "track_id": sale.track_id, "artist_id": licence.artist_id,
        "producer_user_id": facts["producer_user_id"], "buyer_user_id": sale.buyer_user_id,
        "price_cents": sale.price_cents, "fee_cents": sale.fee_cents, "currency": sale.currency,
        "stripe_payment_intent_id": sale.payment_intent_id, "sold_at": now.isoformat()})


def _refund_loser(uow: UnitOfWork, payments: StripePayments | None, sale: ExclusiveSale, session: Obj,
                  reason: str) -> None:
    """Give the whole payment back (Stripe's Refunds API, keyed by the session so a redelivery refunds once)
    and tell the buyer through catalog's notification."""
    sale.refund_id = require(payments).refund(sale.payment_intent_id, sale.checkout_session_id, reason)
    sale.status = REFUNDED_LOST
    uow.session.add(sale)
    uow.session.flush()
    amount = int(session.get("amount_total") or sale.price_cents + sale.fee_cents)
    log.info("exclusive of track %s: refunded session %s (%s)", sale.track_id, sale.checkout_session_id, reason)
    uow.emit(EXCLUSIVE_PURCHASE_REFUNDED, {
        "buyer_user_id": sale.buyer_user_id, "track_id": sale.track_id, "amount_cents": amount,
        "currency": sale.currency, "reason": reason})


def _record_refunded_before_completion(uow: UnitOfWork, sale: ExclusiveSale) -> None:
    """The payment was refunded (from Stripe's dashboard, say) before its completion reached us: no licence, no
    second refund, nothing sold; the sale is kept, so a late redelivery finds it handled."""
    sale.status = REFUNDED_LOST
    uow.session.add(sale)
    uow.session.flush()
    log.info("exclusive of track %s: session %s was refunded before its completion arrived; nothing granted",
             sale.track_id, sale.checkout_session_id)


# --- a refunded charge --------------------------------------------------------------------------------------

def charge_refunded(uow: UnitOfWork, media: MediaStore, charge: Obj, now: datetime) -> str | None:
    """A fully refunded charge of a granted sale revokes its exclusive licence (the track is Available again);
    the refund of a buyer who came second changes nothing more. None when handled, else why ignored."""
    if not charge.get("refunded"):
        return "partly refunded: the exclusive stands"
    sale = uow.session.scalars(select(ExclusiveSale).where(
        ExclusiveSale.payment_intent_id == _id_of(charge.get("payment_intent"))).with_for_update()).first()
    if sale is None:
        return "no exclusive sale was paid by this charge"
    if sale.status != GRANTED:
        return f"the sale is {sale.status}: nothing to revoke"
    sale.status, sale.revoked_at = SALE_REVOKED, now
    licence = sale.license
    licence.status, licence.revoked_at = REVOKED, now
    forget_certificate(uow, media, licence)  # the next certificate says revoked
    deliverables.forget(uow, media, licence)
    uow.emit(EXCLUSIVE_REFUNDED, {
        "license_id": licence.id, "track_id": sale.track_id, "artist_id": licence.artist_id,
        "price_cents": sale.price_cents, "currency": sale.currency, "refunded_at": now.isoformat()})
    return None


# --- helpers --------------------------------------------------------------------------------------------------

def _sale_of_session(uow: UnitOfWork, session_id: str) -> ExclusiveSale | None:
    return uow.session.scalars(select(ExclusiveSale).where(ExclusiveSale.checkout_session_id == session_id)).first()


def _facts_or_none(neighbours: Neighbours, track_id: str) -> Obj | None:
    try:
        return neighbours.facts(track_id)
    except NotFound:  # deleted since the checkout began
        return None


def _user_or_none(neighbours: Neighbours, user_id: str | None) -> Obj | None:
    if not user_id:
        return None
    try:
        return neighbours.user(user_id)
    except Unauthorized:  # the buyer deleted their account meanwhile
        return None


def _id_of(value: Any) -> str:
    """A Stripe reference, expanded (an object) or not (its id)."""
    return value.get("id", "") if isinstance(value, dict) else str(value or "")
