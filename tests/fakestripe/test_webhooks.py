"""Signed webhook delivery: Stripe's own verifier accepts what the fake signs; replays and reordering."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

from devtools.fakestripe import FakeStripe
from tests.fakestripe.conftest import SECRET, Receiver, subscribed


def test_delivered_events_verify_with_stripe_sdk(fake: FakeStripe, receiver: Receiver, plan: dict[str, Any]) -> None:
    subscribed(fake, plan)
    assert receiver.types == ["customer.created", "checkout.session.completed", "customer.subscription.created",
                              "invoice.paid"]
    for delivered in receiver.received:
        event = stripe.Webhook.construct_event(delivered.body, delivered.signature, SECRET)
        assert event.id.startswith("evt_")
    assert [e["id"] for e in fake.events] == receiver.ids
    assert all(d.status == 200 for d in fake.deliveries)


def test_tampered_body_wrong_secret_and_stale_timestamp_are_rejected(fake: FakeStripe, plan: dict[str, Any]) -> None:
    subscribed(fake, plan)
    event_id = fake.events_of("invoice.paid")[0]["id"]
    body, header = fake.signed(event_id)
    assert stripe.Webhook.construct_event(body, header, SECRET).id == event_id
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body.replace(b'"paid"', b'"void"', 1), header, SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, header, "whsec_wrong")
    wrong_body, wrong_header = fake.signed(event_id, secret="whsec_wrong")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(wrong_body, wrong_header, SECRET)
    stale_body, stale_header = fake.signed(event_id, timestamp=int(time.time()) - 301)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(stale_body, stale_header, SECRET)
    fresh_enough = fake.signed(event_id, timestamp=int(time.time()) - 290)
    assert stripe.Webhook.construct_event(*fresh_enough, SECRET).id == event_id


def test_replay_sends_the_same_event_again(fake: FakeStripe, receiver: Receiver, plan: dict[str, Any]) -> None:
    subscribed(fake, plan)
    paid = fake.events_of("invoice.paid")[0]
    delivery = fake.replay(paid["id"])
    assert delivery.status == 200 and receiver.ids[-1] == paid["id"] and receiver.ids.count(paid["id"]) == 2
    first, again = [r for r in receiver.received if r.event["id"] == paid["id"]]
    assert first.event == again.event  # same event, same body; only the signature is fresh
    stripe.Webhook.construct_event(again.body, again.signature, SECRET)


def test_held_events_delivered_out_of_order(receiver: Receiver) -> None:
    with FakeStripe(webhook_url=receiver.url, webhook_secret=SECRET, auto_deliver=False) as fake:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.base_url}, max_network_retries=0)
        customer = client.v1.customers.create(params={"email": "o@example.com"})
        price = client.v1.prices.create(params={"unit_amount": 500, "currency": "cad", "lookup_key": "x",
                                                "recurring": {"interval": "month"}, "product_data": {"name": "X"}})
        session = client.v1.checkout.sessions.create(params={
            "mode": "subscription", "customer": customer.id, "success_url": "https://x/ok",
            "line_items": [{"price": price.id, "quantity": 1}]})
        sub_id = fake.complete_checkout(session.id)["subscription"]
        fake.cancel_at_period_end(sub_id)
        fake.end_period(sub_id)
        assert receiver.received == []  # held
        held_ids = [e["id"] for e in fake.pending]
        assert [e["created"] for e in fake.pending] == sorted(e["created"] for e in fake.pending)
        deliveries = fake.flush(order=lambda events: list(reversed(events)))
        assert [d.status for d in deliveries] == [200] * len(held_ids)
        assert receiver.ids == held_ids[::-1] and fake.pending == []
        assert receiver.types[0] == "customer.subscription.deleted"
        fake.deliver([held_ids[1], held_ids[0]])  # by id, in any chosen order
        assert receiver.ids[-2:] == [held_ids[1], held_ids[0]]


def test_lifecycle_events(fake: FakeStripe, receiver: Receiver, plan: dict[str, Any]) -> None:
    sub_id = subscribed(fake, plan)
    start = fake.get(sub_id)["items"]["data"][0]["current_period_end"]
    renewal = fake.renew(sub_id)
    assert renewal["billing_reason"] == "subscription_cycle" and renewal["status"] == "paid"
    assert fake.get(sub_id)["items"]["data"][0]["current_period_start"] == start
    assert receiver.types[-2:] == ["customer.subscription.updated", "invoice.paid"]
    failed = fake.fail_payment(sub_id)
    assert failed["status"] == "open" and fake.get(sub_id)["status"] == "past_due"
    assert receiver.types[-1] == "invoice.payment_failed"
    fake.pay_retry(sub_id)
    assert fake.get(failed["id"])["status"] == "paid" and fake.get(sub_id)["status"] == "active"
    assert receiver.types[-2:] == ["invoice.paid", "customer.subscription.updated"]
    fake.change_plan(sub_id, plan["pro"].id, proration_behavior="none")
    assert fake.get(sub_id)["items"]["data"][0]["price"]["id"] == plan["pro"].id
    fake.cancel_at_period_end(sub_id)
    fake.renew(sub_id)  # the period ends instead of renewing
    assert fake.get(sub_id)["status"] == "canceled" and receiver.types[-1] == "customer.subscription.deleted"
    refund = fake.refund(failed["id"])
    assert refund["amount"] == 1499 and receiver.types[-1] == "charge.refunded"
    assert receiver.received[-1].event["data"]["object"]["refunded"] is True


def test_control_endpoints_over_http(fake: FakeStripe, receiver: Receiver, plan: dict[str, Any]) -> None:
    import requests

    done = requests.post(f"{fake.base_url}/_fake/checkout/{plan['session'].id}/complete", timeout=10).json()
    sub_id = done["subscription"]
    assert requests.post(f"{fake.base_url}/_fake/subscriptions/{sub_id}/renew", timeout=10).status_code == 200
    failed = requests.post(f"{fake.base_url}/_fake/subscriptions/{sub_id}/fail_payment", timeout=10)
    assert failed.json()["status"] == "open"
    missing = requests.post(f"{fake.base_url}/_fake/subscriptions/sub_nope/renew", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "resource_missing"
    event_id = fake.events[-1]["id"]
    assert requests.post(f"{fake.base_url}/_fake/events/{event_id}/replay", timeout=10).json()["status"] == 200
    assert receiver.ids[-1] == event_id
    assert len(requests.get(f"{fake.base_url}/_fake/events", timeout=10).json()["data"]) == len(fake.events)
    assert requests.get(f"{fake.base_url}/checkout/{plan['session'].id}", timeout=10).status_code == 200
