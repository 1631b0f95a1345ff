"""Connect onboarding against the fake Stripe: the Express account and its link, the country fixed once chosen,
and the flags set only by account.updated — replayed and out-of-order deliveries change nothing."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound
from services.payouts import stripe_events
from services.payouts.connect import account_of, refresh_connect_link, start_connect
from services.payouts.tests.integration.conftest import PUBLIC, connect_events, onboard, outbox

pytestmark = pytest.mark.integration
NOW = datetime.now(timezone.utc)


def test_a_producer_gets_an_express_account_then_fresh_links_for_the_same_country(
        units, neighbours, connect, fake_stripe):
    user_id, _ = neighbours.producer()
    first = units().run(lambda uow: start_connect(uow, neighbours, connect, user_id, "ca"))
    again = units().run(lambda uow: start_connect(uow, neighbours, connect, user_id, "CA"))
    assert first["created"] is True and again["created"] is False
    assert first["url"] != again["url"] and first["expires_at"]
    account = units().run(lambda uow: account_of(uow, user_id))
    assert account.country == "CA" and account.stripe_account_id.startswith("acct_")
    stripe_account = connect.client.v1.accounts.retrieve(account.stripe_account_id)
    assert stripe_account.type == "express" and stripe_account.metadata["beatpass_user_id"] == user_id
    assert units().run(lambda uow: refresh_connect_link(uow, neighbours, connect, user_id))["url"]


def test_the_country_cannot_change_and_non_producers_are_refused(units, neighbours, connect):
    user_id, _ = neighbours.producer()
    units().run(lambda uow: start_connect(uow, neighbours, connect, user_id, "CA"))
    with pytest.raises(Conflict) as refused:
        units().run(lambda uow: start_connect(uow, neighbours, connect, user_id, "FR"))
    assert refused.value.details == {"country": "CA"}
    listener = neighbours.admin()
    with pytest.raises(Forbidden):
        units().run(lambda uow: start_connect(uow, neighbours, connect, listener, "CA"))
    with pytest.raises(InvalidField):
        units().run(lambda uow: start_connect(uow, neighbours, connect, user_id, "ZZ"))
    other, _ = neighbours.producer()
    with pytest.raises(NotFound):
        units().run(lambda uow: refresh_connect_link(uow, neighbours, connect, other))


def test_the_onboarding_links_return_to_our_pages(units, neighbours, connect, fake_stripe):
    user_id, _ = neighbours.producer()
    units().run(lambda uow: start_connect(uow, neighbours, connect, user_id, "CA"))
    links = fake_stripe.store.connect.links.values()
    assert any(link.return_url == f"{PUBLIC}/producer/stripe/return"
               and link.refresh_url == f"{PUBLIC}/producer/stripe/refresh" for link in links)


def test_account_updated_turns_the_account_payout_ready_once_even_when_replayed(
        units, neighbours, connect, fake_stripe, uow):
    user_id, _ = neighbours.producer()
    account_id = onboard(units, fake_stripe, connect, neighbours, user_id)
    account = units().run(lambda w: account_of(w, user_id))
    assert account.payout_ready and account.currently_due == []
    updates = outbox(uow, "payout_account_updated")
    assert [u["payout_ready"] for u in updates] == [True] and updates[0]["stripe_account_id"] == account_id
    # a stale state (created=1) is ignored, and the same delivery again is recognised by its id
    replay = {"id": "evt_replayed", "type": "account.updated", "created": 1, "account": account_id,
              "data": {"object": {"id": account_id, "details_submitted": False}}}
    first = units().run(lambda w: stripe_events.handle_connect(w, copy.deepcopy(replay), NOW))
    twice = units().run(lambda w: stripe_events.handle_connect(w, copy.deepcopy(replay), NOW))
    assert first["status"] == "ignored" and twice["status"] == "duplicate"
    assert units().run(lambda w: account_of(w, user_id)).payout_ready


def test_an_older_account_updated_arriving_late_never_overwrites_a_newer_one(units, neighbours, connect, fake_stripe):
    user_id, _ = neighbours.producer()
    account_id = onboard(units, fake_stripe, connect, neighbours, user_id)
    fake_stripe.advance_clock(10)
    fake_stripe.requirements_due(account_id)
    red = connect_events(fake_stripe, "account.updated")[-1]
    fake_stripe.advance_clock(10)
    fake_stripe.complete_onboarding(account_id)
    green = connect_events(fake_stripe, "account.updated")[-1]
    assert green["created"] > red["created"]
    for event in (green, red):  # delivered out of order
        units().run(lambda w: stripe_events.handle_connect(w, event, NOW))
    assert units().run(lambda w: account_of(w, user_id)).payout_ready
    fake_stripe.advance_clock(10)
    fake_stripe.requirements_due(account_id)
    for event in connect_events(fake_stripe, "account.updated"):
        units().run(lambda w: stripe_events.handle_connect(w, event, NOW))
    account = units().run(lambda w: account_of(w, user_id))
    assert not account.payout_ready and account.currently_due


def test_an_event_payouts_does_not_handle_is_a_bad_request(units):
    from services.contracts.errors import BadRequest

    with pytest.raises(BadRequest):
        units().run(lambda w: stripe_events.handle_connect(w, {"id": "evt_1", "type": "charge.refunded",
                                                               "created": 1, "account": "acct_1",
                                                               "data": {"object": {}}}, NOW))
    with pytest.raises(BadRequest):  # a Connect event names its account
        units().run(lambda w: stripe_events.handle_connect(w, {"id": "evt_2", "type": "account.updated",
                                                               "created": 1, "data": {"object": {}}}, NOW))
