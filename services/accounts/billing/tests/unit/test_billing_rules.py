"""The subscription state machine (billing/rules.py), without I/O."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.accounts.billing.rules import (ACTIVE, CANCELED, PAST_DUE, Observation, SubscriptionState, can_download,
                                             decide, from_unix, normalize_status, to_unix)

DAY = 86_400
START = 1_790_000_000
END = START + 30 * DAY


def seen(created: int, **fields) -> Observation:
    values = {"subscription_id": "sub_1", "subscription_created": START, "status": ACTIVE, "plan": "plus",
              "cancel_at_period_end": False, "period_start": START, "period_end": END, **fields}
    return Observation(created=created, **values)


def subscribed(plan: str = "plus", created: int = START) -> SubscriptionState:
    state = decide(SubscriptionState(), seen(created, plan=plan))
    assert state is not None
    return state


def test_a_first_subscription_puts_the_user_on_its_plan():
    state = subscribed("plus")
    assert (state.plan, state.status, state.subscription_id, state.pending_plan) == ("plus", ACTIVE, "sub_1", None)
    assert (state.period_start, state.period_end, state.state_at) == (START, END, START)


def test_an_upgrade_applies_at_once():
    state = decide(subscribed("plus"), seen(START + 10, plan="pro"))
    assert (state.plan, state.pending_plan, state.subscribed_plan) == ("pro", None, "pro")


def test_a_downgrade_waits_for_the_renewal():
    pro = subscribed("pro")
    waiting = decide(pro, seen(START + 10, plan="classic"))
    assert (waiting.plan, waiting.pending_plan, waiting.subscribed_plan) == ("pro", "classic", "classic")
    renewed = decide(waiting, seen(START + 20, plan="classic", period_start=END, period_end=END + 30 * DAY))
    assert (renewed.plan, renewed.pending_plan, renewed.period_start) == ("classic", None, END)


def test_going_back_to_the_plan_in_force_cancels_the_pending_downgrade():
    waiting = decide(subscribed("pro"), seen(START + 10, plan="classic"))
    back = decide(waiting, seen(START + 20, plan="pro"))
    assert (back.plan, back.pending_plan) == ("pro", None)


def test_an_invoice_of_the_next_period_also_applies_the_downgrade():
    waiting = decide(subscribed("pro"), seen(START + 10, plan="classic"))
    paid = decide(waiting, Observation("sub_1", START + 20, status=ACTIVE, plan="classic", period_start=END,
                                       period_end=END + 30 * DAY))
    assert (paid.plan, paid.pending_plan, paid.cancel_at_period_end) == ("classic", None, False)


def test_cancel_at_period_end_keeps_the_plan_until_stripe_ends_it():
    cancelling = decide(subscribed("plus"), seen(START + 10, cancel_at_period_end=True))
    assert (cancelling.plan, cancelling.status, cancelling.cancel_at_period_end) == ("plus", ACTIVE, True)
    ended = decide(cancelling, seen(START + 20, status=CANCELED, cancel_at_period_end=True))
    assert (ended.plan, ended.status, ended.pending_plan) == ("explorer", CANCELED, None)


def test_past_due_keeps_the_plan_and_a_paid_retry_makes_it_active():
    late = decide(subscribed("plus"), Observation("sub_1", START + 10, status=PAST_DUE))
    assert (late.plan, late.status) == ("plus", PAST_DUE)
    back = decide(late, Observation("sub_1", START + 20, status=ACTIVE, plan="plus"))
    assert (back.plan, back.status) == ("plus", ACTIVE)


def test_an_older_event_arriving_late_changes_nothing():
    newer = decide(subscribed("plus"), seen(START + 20, plan="pro", cancel_at_period_end=True))
    assert decide(newer, seen(START + 10, plan="plus")) is None
    assert decide(newer, Observation("sub_1", START + 15, status=PAST_DUE)) is None


def test_the_same_second_is_ordered_by_the_period_end():
    renewed = decide(subscribed("plus"), seen(START + 10, period_start=END, period_end=END + 30 * DAY))
    assert decide(renewed, seen(START + 10, period_start=START, period_end=END)) is None
    assert decide(renewed, seen(START + 10, period_start=END, period_end=END + 30 * DAY)) is not None


def test_a_canceled_subscription_is_final():
    ended = decide(subscribed("plus"), seen(START + 10, status=CANCELED))
    assert decide(ended, seen(START + 20, status=ACTIVE)) is None


def test_a_newer_subscription_replaces_an_ended_one_and_an_older_one_cannot():
    ended = decide(subscribed("plus"), seen(START + 10, status=CANCELED))
    again = decide(ended, seen(START + 40, subscription_id="sub_2", subscription_created=START + 30, plan="classic"))
    assert (again.plan, again.subscription_id, again.status, again.cancel_at_period_end) == (
        "classic", "sub_2", ACTIVE, False)
    assert decide(again, seen(START + 50, subscription_id="sub_1", status=CANCELED)) is None


def test_an_invoice_of_an_unknown_subscription_takes_over_only_from_an_ended_one():
    live = subscribed("plus")
    assert decide(live, Observation("sub_other", START + 50, status=ACTIVE, plan="pro")) is None
    ended = decide(live, seen(START + 10, status=CANCELED))
    taken = decide(ended, Observation("sub_other", START + 50, status=ACTIVE, plan="pro"))
    assert (taken.plan, taken.subscription_id) == ("pro", "sub_other")


def test_an_invoice_first_then_its_older_subscription_created_event():
    """Out of order: invoice.paid before customer.subscription.created; the end state is the same."""
    from_invoice = decide(SubscriptionState(), Observation("sub_1", START + 3, status=ACTIVE, plan="plus",
                                                           period_start=START, period_end=END))
    assert (from_invoice.plan, from_invoice.status) == ("plus", ACTIVE)
    assert decide(from_invoice, seen(START + 2)) is None


def test_public_fields_change_only_with_a_visible_change():
    state = subscribed("plus")
    assert decide(state, seen(START + 5)).public() == state.public()
    assert decide(state, seen(START + 5, cancel_at_period_end=True)).public() != state.public()


@pytest.mark.parametrize(("stripe_status", "ours"), [
    ("active", ACTIVE), ("trialing", ACTIVE), ("past_due", PAST_DUE), ("unpaid", PAST_DUE),
    ("incomplete", PAST_DUE), ("canceled", CANCELED), ("incomplete_expired", CANCELED), ("something_new", PAST_DUE)])
def test_stripe_statuses_map_to_ours(stripe_status, ours):
    assert normalize_status(stripe_status) == ours


NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)


@pytest.mark.parametrize(("plan", "status", "cancel", "end", "allowed"), [
    ("plus", ACTIVE, False, None, True),
    ("classic", ACTIVE, False, NOW - timedelta(days=1), True),  # a late renewal webhook does not block
    ("pro", PAST_DUE, False, NOW + timedelta(days=3), False),
    ("plus", ACTIVE, True, NOW + timedelta(days=3), True),  # grace
    ("plus", ACTIVE, True, NOW - timedelta(seconds=1), False),  # grace is over
    ("explorer", CANCELED, False, None, False),
    ("explorer", None, False, None, False),
])
def test_can_download(plan, status, cancel, end, allowed):
    assert can_download(plan, status, cancel, end, NOW) is allowed


def test_unix_round_trip_and_naive_datetimes_are_utc():
    assert to_unix(from_unix(START)) == START
    assert to_unix(datetime(2026, 1, 1)) == to_unix(datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert from_unix(None) is None and to_unix(None) is None
