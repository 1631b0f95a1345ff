"""Licensing's rules without I/O: the order in which a download is refused, the buyer's fee (half up, in
integers), when an exclusive can be bought, and the masked email a licence carries."""
from __future__ import annotations

import uuid

import pytest

from services.contracts.errors import Conflict, NotFound
from services.contracts.rpc.licensing import DOWNLOAD_REFUSALS
from services.licensing import rules
from services.licensing.terms import mask_email

PRODUCER, COLLABORATOR, LISTENER = (str(uuid.uuid4()) for _ in range(3))


def facts(**overrides) -> dict:
    base = {"track_id": str(uuid.uuid4()), "status": "published", "withdrawn": False,
            "owner_user_ids": [PRODUCER, COLLABORATOR], "licensing_model": "standard_exclusive",
            "exclusive": {"price_cents": 50_000, "currency": "USD", "status": "available"}}
    return {**base, **overrides}


def decide(track: dict, actor: str = LISTENER, sale_granted: bool = False, **user) -> rules.Decision:
    found = rules.track_decision(track, actor, sale_granted)
    return found if found is not None else rules.plan_decision({"can_download": False, "subscription_status": None,
                                                                **user})


# --- eligibility ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("owner", [PRODUCER, COLLABORATOR])
def test_an_owner_always_downloads_a_published_track_whatever_its_licensing(owner):
    sold_exclusive_only = facts(licensing_model="exclusive_only", exclusive={"status": "sold"})
    assert decide(sold_exclusive_only, owner, sale_granted=True) == rules.Decision(True, "own_track")


def test_an_owner_cannot_download_a_track_that_is_not_published():
    assert decide(facts(status="processing"), PRODUCER) == rules.Decision(False, "not_published")


@pytest.mark.parametrize("status", ["processing", "rejected"])
def test_someone_elses_unpublished_track_is_not_revealed(status):
    with pytest.raises(NotFound):
        decide(facts(status=status), can_download=True)


def test_the_refusals_come_in_their_documented_order():
    """Each case breaks one more rule than the next: the first broken one is the reason."""
    everything_wrong = facts(withdrawn=True, licensing_model="exclusive_only", exclusive={"status": "sold"})
    assert decide(everything_wrong).reason == "not_published"
    assert decide({**everything_wrong, "withdrawn": False}).reason == "exclusive_sold"
    assert decide(facts(licensing_model="exclusive_only")).reason == "exclusive_only"
    assert decide(facts(), subscription_status="past_due").reason == "payment_overdue"
    assert decide(facts()).reason == "free_plan"
    assert decide(facts(), can_download=True) == rules.Decision(True, "subscriber")
    assert {"not_published", "exclusive_sold", "exclusive_only", "payment_overdue", "free_plan"} == \
        set(DOWNLOAD_REFUSALS)


def test_a_sale_licensing_holds_counts_as_sold_before_catalog_knows():
    assert decide(facts(), sale_granted=True, can_download=True).reason == "exclusive_sold"


def test_a_cancelled_plan_still_in_its_paid_period_downloads():
    assert decide(facts(), can_download=True, subscription_status="canceled").allowed


def test_the_free_plan_message_names_the_plans_that_download():
    message = decide(facts()).message
    assert "Classic, Plus and Pro" in message
    assert "billing portal" in decide(facts(), subscription_status="past_due").message


# --- the buyer's fee ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("price", "fee"), [
    (50_000, 6_300),  # 12 % of 500.00 is 60.00, + 3.00
    (0, 300),
    (1, 300),  # 0.12 cent rounds down
    (4, 300),  # 0.48 rounds down
    (5, 301),  # 0.60 rounds up
    (1_234, 448),  # 148.08 → 148
    (1_246, 450),  # 149.52 → 150
    (12_345, 1_781),  # 1,481.4 → 1,481
    (12_375, 1_785),  # 1,485.0 exactly
    (1_100_000_001, 132_000_300),  # 132,000,000.12 → 132,000,000: large prices stay exact
])
def test_the_fee_is_twelve_percent_rounded_half_up_plus_three(price, fee):
    assert rules.buyer_fee_cents(price) == fee


def test_the_integer_formula_is_decimal_half_up_for_every_price_up_to_a_thousand():
    """12 % of a whole number of cents is never exactly half a cent (it would need 6 · price odd), so rounding
    half up is rounding to the nearest cent; every price up to 1,000.00 agrees with Decimal's ROUND_HALF_UP."""
    from decimal import ROUND_HALF_UP, Decimal

    for price in range(0, 100_001):
        expected = int((Decimal(price) * Decimal("0.12")).quantize(Decimal(1), rounding=ROUND_HALF_UP)) + 300
        assert rules.buyer_fee_cents(price) == expected, price


# --- buying an exclusive ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("track", "actor", "granted", "reason"), [
    (facts(), PRODUCER, False, "own_track"),
    (facts(), COLLABORATOR, False, "own_track"),
    (facts(withdrawn=True), LISTENER, False, "not_published"),
    (facts(licensing_model="standard", exclusive=None), LISTENER, False, "standard_only"),
    (facts(exclusive={"price_cents": 100, "currency": "USD", "status": "sold"}), LISTENER, False, "sold"),
    (facts(), LISTENER, True, "sold"),
    (facts(exclusive={"price_cents": 100, "currency": "USD", "status": "private"}), LISTENER, False, "private"),
])
def test_an_exclusive_that_cannot_be_bought_is_a_conflict_saying_why(track, actor, granted, reason):
    with pytest.raises(Conflict) as refused:
        rules.check_exclusive_available(track, actor, granted)
    assert refused.value.details == {"reason": reason}


def test_an_available_exclusive_gives_its_terms_and_a_hidden_track_is_not_found():
    assert rules.check_exclusive_available(facts(), LISTENER, False)["price_cents"] == 50_000
    with pytest.raises(NotFound):
        rules.check_exclusive_available(facts(status="processing"), LISTENER, False)


def test_at_payment_a_sold_status_is_left_to_licensing_but_a_private_one_is_not_available():
    assert rules.exclusive_still_available(facts(exclusive={"status": "sold"}), LISTENER)
    assert not rules.exclusive_still_available(facts(exclusive={"status": "private"}), LISTENER)
    assert not rules.exclusive_still_available(facts(withdrawn=True), LISTENER)
    assert not rules.exclusive_still_available(facts(), PRODUCER)


# --- the masked email ----------------------------------------------------------------------------------------

def test_a_licence_shows_the_first_letter_and_the_domain_of_the_email():
    assert mask_email("jane@example.com") == "j***@example.com"
