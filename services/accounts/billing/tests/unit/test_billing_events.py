"""Reading Stripe's event payloads (stripe_events), without I/O: both API shapes, prorations, plans."""
from __future__ import annotations

import pytest

from services.accounts.billing.rules import ACTIVE, CANCELED, PAST_DUE
from services.accounts.billing.stripe_client import lookup_key, plan_of_lookup_key
from services.accounts.billing.stripe_events import (base_line, invoice_subscription, line_price,
                                                     subscription_observation)
from services.contracts.errors import BillingUnavailable


def subscription(**changes) -> dict:
    return {"id": "sub_1", "object": "subscription", "created": 100, "status": "active", "customer": "cus_1",
            "cancel_at_period_end": False, "metadata": {"user_id": "u1"},
            "items": {"data": [{"price": {"id": "price_plus", "lookup_key": "beatpass_plus_monthly"},
                                "current_period_start": 1000, "current_period_end": 2000}]}, **changes}


def event(type_: str, obj: dict, created: int = 150) -> dict:
    return {"id": "evt_1", "type": type_, "created": created, "data": {"object": obj}}


def test_a_subscription_event_becomes_an_observation():
    seen = subscription_observation(event("customer.subscription.updated", subscription(status="past_due")), None)
    assert (seen.subscription_id, seen.created, seen.subscription_created) == ("sub_1", 150, 100)
    assert (seen.status, seen.plan, seen.cancel_at_period_end) == (PAST_DUE, "plus", False)
    assert (seen.period_start, seen.period_end) == (1000, 2000)


def test_deleted_means_canceled_whatever_the_status_says():
    seen = subscription_observation(event("customer.subscription.deleted", subscription()), None)
    assert seen.status == CANCELED


def test_the_period_on_the_subscription_itself_in_older_api_versions():
    old = subscription(current_period_start=10, current_period_end=20,
                       items={"data": [{"price": {"id": "p", "lookup_key": "beatpass_pro_monthly"}}]})
    seen = subscription_observation(event("customer.subscription.created", old), None)
    assert (seen.period_start, seen.period_end, seen.plan, seen.status) == (10, 20, "pro", ACTIVE)


class Prices:
    """Stands in for StripeBilling's price look-up."""

    def plan_of_price(self, price_id: str) -> str | None:
        return {"price_old_pro": "pro"}.get(price_id)


def test_a_price_without_our_lookup_key_is_asked_of_stripe():
    older = subscription(items={"data": [{"price": {"id": "price_old_pro", "lookup_key": None}}]})
    assert subscription_observation(event("customer.subscription.updated", older), Prices()).plan == "pro"
    foreign = subscription(items={"data": [{"price": {"id": "p", "lookup_key": "someone_else"}}]})
    assert subscription_observation(event("customer.subscription.updated", foreign), Prices()).plan is None


def test_without_stripe_a_price_that_needs_asking_is_refused_not_guessed():
    foreign = subscription(items={"data": [{"price": {"id": "p", "lookup_key": "someone_else"}}]})
    with pytest.raises(BillingUnavailable):
        subscription_observation(event("customer.subscription.updated", foreign), None)


def test_invoice_subscription_in_both_api_shapes():
    new = {"parent": {"subscription_details": {"subscription": "sub_1", "metadata": {"user_id": "u1"}}}}
    old = {"subscription": "sub_2", "subscription_details": {"metadata": {"user_id": "u2"}}}
    assert invoice_subscription(new) == ("sub_1", {"user_id": "u1"})
    assert invoice_subscription(old) == ("sub_2", {"user_id": "u2"})
    assert invoice_subscription({"subscription": {"id": "sub_3"}}) == ("sub_3", {})
    assert invoice_subscription({"parent": None}) == (None, {})


def test_the_base_line_skips_prorations_in_both_api_shapes():
    proration = {"parent": {"subscription_item_details": {"proration": True}},
                 "pricing": {"price_details": {"price": "price_pro"}}}
    base = {"parent": {"subscription_item_details": {"proration": False}},
            "pricing": {"price_details": {"price": "price_plus"}}, "period": {"start": 1, "end": 2}}
    old_base = {"proration": False, "price": {"id": "price_old"}}
    assert base_line({"lines": {"data": [proration, base]}}) is base
    assert base_line({"lines": {"data": [proration]}}) is None
    assert line_price(base) == "price_plus" and line_price(old_base) == "price_old"
    assert base_line({"lines": {"data": [{"proration": True, "price": {"id": "x"}}, old_base]}}) is old_base


def test_lookup_keys_name_the_paid_plans_only():
    assert [lookup_key(code) for code in ("classic", "plus", "pro")] == [
        "beatpass_classic_monthly", "beatpass_plus_monthly", "beatpass_pro_monthly"]
    assert plan_of_lookup_key("beatpass_pro_monthly") == "pro"
    assert plan_of_lookup_key("beatpass_explorer_monthly") is None and plan_of_lookup_key(None) is None
