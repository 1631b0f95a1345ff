"""Payout rules without I/O: periods, the pool's refund caps, Connect statuses, finance cards."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.contracts.errors import InvalidField
from services.payouts.periods import parse_period, period_of
from services.payouts.rules import RefundFact, card, connect_status, counted_refunds, currencies_of, pool_cents
from services.payouts.stripe_connect import transfer_key


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_a_period_is_a_utc_month_that_ends_at_the_first_instant_of_the_next():
    december = parse_period("2026-12")
    assert (december.start, december.end) == (utc(2026, 12, 1), utc(2027, 1, 1))
    assert not december.has_ended(utc(2026, 12, 31, 23, 59, 59))
    assert december.has_ended(utc(2027, 1, 1))
    assert december.contains(utc(2026, 12, 31, 23, 59)) and not december.contains(utc(2027, 1, 1))
    assert str(period_of(utc(2026, 2, 28, 23))) == "2026-02"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-01", "2026-1", " 2026-01", 202601, None, "1999-12"])
def test_malformed_periods_are_refused_naming_the_field(text):
    with pytest.raises(InvalidField) as refused:
        parse_period(text)
    assert list(refused.value.details) == ["period"]


def fact(key, invoice, amount, day):
    return RefundFact(key, invoice, amount, utc(2026, 9, day))


def test_refunds_are_capped_at_what_is_left_of_their_invoice():
    refunds = [fact("a", "in_1", 600, 1), fact("b", "in_1", 600, 2), fact("c", "in_1", 600, 3)]
    assert counted_refunds({"in_1": 1_000}, refunds, {"a", "b", "c"}) == 1_000
    assert counted_refunds({"in_1": 1_000}, refunds, {"b"}) == 400  # what a earlier took is not left
    assert counted_refunds({"in_1": 1_000}, refunds, {"c"}) == 0


def test_a_refund_of_an_unknown_invoice_counts_in_full_and_the_pool_never_goes_negative():
    assert counted_refunds({}, [fact("a", None, 70, 1), fact("b", "in_x", 30, 1)], {"a", "b"}) == 100
    assert pool_cents(1_000, 250) == 750 and pool_cents(100, 250) == 0


def test_the_connect_status_needs_all_three_flags():
    assert connect_status(False, False, False, False) == "not_connected"
    assert connect_status(True, False, False, False) == "onboarding"
    assert connect_status(True, True, True, False) == "restricted"
    assert connect_status(True, True, True, True) == "payout_ready"


def test_cards_are_one_amount_per_currency_and_zero_cad_when_empty():
    assert card({}) == [{"amount_cents": 0, "currency": "CAD"}]
    assert card({"USD": 5, "CAD": -2}) == [{"amount_cents": -2, "currency": "CAD"},
                                          {"amount_cents": 5, "currency": "USD"}]
    assert currencies_of(card({}), card({"USD": 5})) == {"USD"}


def test_the_transfer_key_derives_from_the_run_the_payee_and_the_currency():
    assert transfer_key("r", "u", "CAD") == "payout-r-u-CAD"
