"""Payout rules without I/O: the pool's arithmetic (refunds capped at their invoice's base price), a Connect
account's status, and the finances cards (docs/payouts.md)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

#: the plans' currency: the pool is counted in it (subscription revenue in another currency is not pooled)
POOL_CURRENCY = "CAD"
NOT_CONNECTED, ONBOARDING, RESTRICTED, PAYOUT_READY = "not_connected", "onboarding", "restricted", "payout_ready"


@dataclass(frozen=True)
class RefundFact:
    key: str  # a stable tie-breaker (the refund row's id)
    invoice_id: str | None
    amount_cents: int
    refunded_at: datetime


def counted_refunds(base_by_invoice: dict[str, int], refunds: Iterable[RefundFact],
                    in_period: set[str]) -> int:
    """What the refunds whose keys are in ``in_period`` take from the pool. Each refund of an invoice counts at
    most what is left of the invoice's base price after its earlier refunds (``refunds`` holds every refund of
    those invoices, earlier periods' too); a refund of an invoice payouts never saw counts in full."""
    taken: dict[str, int] = {}
    total = 0
    for refund in sorted(refunds, key=lambda r: (r.refunded_at, r.key)):
        if refund.invoice_id is None or refund.invoice_id not in base_by_invoice:
            counted = refund.amount_cents
        else:
            left = base_by_invoice[refund.invoice_id] - taken.get(refund.invoice_id, 0)
            counted = max(0, min(refund.amount_cents, left))
            taken[refund.invoice_id] = taken.get(refund.invoice_id, 0) + counted
        if refund.key in in_period:
            total += counted
    return total


def pool_cents(revenue_cents: int, refunded_cents: int) -> int:
    """The period's pool: never below zero (refunds larger than the month's revenue take it to nothing)."""
    return max(0, revenue_cents - refunded_cents)


def connect_status(exists: bool, details_submitted: bool, charges_enabled: bool, payouts_enabled: bool) -> str:
    if not exists:
        return NOT_CONNECTED
    if details_submitted and charges_enabled and payouts_enabled:
        return PAYOUT_READY
    return RESTRICTED if details_submitted else ONBOARDING


def card(amounts: dict[str, int]) -> list[dict]:
    """A finances card: one ``{amount_cents, currency}`` per currency, sorted; ``0 CAD`` when there is none."""
    if not amounts:
        return [{"amount_cents": 0, "currency": POOL_CURRENCY}]
    return [{"amount_cents": amounts[currency], "currency": currency} for currency in sorted(amounts)]


def currencies_of(*cards: list[dict]) -> set[str]:
    """The currencies holding money on any card (several → the page warns)."""
    return {money["currency"] for entries in cards for money in entries if money["amount_cents"]}
