"""Connected accounts' balances and payouts through the Stripe-Account header, payout.* events on the Connect
endpoint (with `account`), and the events listing with created filters and pagination."""

from __future__ import annotations

import time

import pytest
import requests
import stripe

from devtools.fakestripe import FakeStripe
from tests.fakestripe.conftest import CONNECT_SECRET, Receiver, express_account, onboarded


def funded(fake: FakeStripe, client: stripe.StripeClient, amount: int = 2000) -> str:
    dest = onboarded(fake, client)
    client.v1.transfers.create(params={"amount": amount, "currency": "cad", "destination": dest})
    return dest


def available(client: stripe.StripeClient, account: str | None = None) -> dict[str, int]:
    options = {"stripe_account": account} if account else {}
    return {b.currency: b.amount for b in client.v1.balance.retrieve(options=options).available}  # type: ignore[arg-type]


def test_transfers_add_to_the_connected_balance(client: stripe.StripeClient, fake: FakeStripe) -> None:
    dest = onboarded(fake, client)
    other = onboarded(fake, client)
    assert available(client, dest) == {"cad": 0}
    platform_before = available(client)["cad"]
    client.v1.transfers.create(params={"amount": 700, "currency": "cad", "destination": dest})
    client.v1.transfers.create(params={"amount": 300, "currency": "eur", "destination": dest})
    assert available(client, dest) == {"cad": 700, "eur": 300} and available(client, other) == {"cad": 0}
    assert available(client)["cad"] == platform_before - 700


def test_unknown_stripe_account_is_refused(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.PermissionError) as err:
        client.v1.balance.retrieve(options={"stripe_account": "acct_nope"})
    assert err.value.http_status == 403


def test_stripe_account_header_only_where_the_fake_answers_for_it(client: stripe.StripeClient,
                                                                  fake: FakeStripe) -> None:
    dest = onboarded(fake, client)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.customers.list(options={"stripe_account": dest})
    assert "Stripe-Account" in err.value.user_message


def test_api_payout_in_transit_then_paid(client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver,
                                         connect_receiver: Receiver) -> None:
    dest = funded(fake, client)
    payout = client.v1.payouts.create(params={"amount": 1500, "currency": "cad"}, options={"stripe_account": dest})
    assert payout.status == "in_transit" and payout.amount == 1500 and payout.automatic is False
    assert payout.destination.startswith("ba_") and available(client, dest) == {"cad": 500}
    seen = client.v1.payouts.retrieve(payout.id, options={"stripe_account": dest})
    assert seen.id == payout.id
    with pytest.raises(stripe.InvalidRequestError):  # the platform does not see its accounts' payouts
        client.v1.payouts.retrieve(payout.id)
    resp = requests.post(f"{fake.base_url}/_fake/payouts/{payout.id}/paid", timeout=10)
    assert resp.json()["status"] == "paid"
    assert connect_receiver.types == ["account.updated", "payout.created", "payout.paid"]
    assert receiver.types == ["transfer.created"]
    paid = stripe.Webhook.construct_event(connect_receiver.received[-1].body, connect_receiver.received[-1].signature,
                                          CONNECT_SECRET)
    assert paid.account == dest and paid.data.object.id == payout.id and paid.data.object.status == "paid"
    assert paid.data.previous_attributes.status == "in_transit"
    listed = client.v1.payouts.list(options={"stripe_account": dest})
    assert [p.id for p in listed.data] == [payout.id]
    again = requests.post(f"{fake.base_url}/_fake/payouts/{payout.id}/failed", timeout=10)
    assert again.status_code == 400 and again.json()["error"]["code"] == "payout_not_in_transit"


def test_failed_payout_returns_the_money(client: stripe.StripeClient, fake: FakeStripe,
                                         connect_receiver: Receiver) -> None:
    dest = funded(fake, client, 900)
    payout = fake.payout(dest, outcome="failed")
    assert payout["status"] == "failed" and payout["failure_code"] == "account_closed" and payout["amount"] == 900
    assert available(client, dest) == {"cad": 900}
    assert connect_receiver.types[-2:] == ["payout.created", "payout.failed"]
    failed = connect_receiver.received[-1].event
    assert failed["account"] == dest and failed["data"]["object"]["failure_code"] == "account_closed"


def test_payout_hook_over_http(client: stripe.StripeClient, fake: FakeStripe, connect_receiver: Receiver) -> None:
    dest = funded(fake, client, 1200)
    held = requests.post(f"{fake.base_url}/_fake/accounts/{dest}/payout",
                         data={"amount": "200", "outcome": "none"}, timeout=10).json()
    assert held["status"] == "in_transit" and held["automatic"] is True
    fake.settle_payout(held["id"], "failed", failure_code="no_account")
    assert fake.get(held["id"])["failure_code"] == "no_account"
    rest = requests.post(f"{fake.base_url}/_fake/accounts/{dest}/payout", timeout=10).json()
    assert rest["status"] == "paid" and rest["amount"] == 1200
    empty = requests.post(f"{fake.base_url}/_fake/accounts/{dest}/payout", timeout=10)
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "balance_insufficient"


def test_payout_refusals(client: stripe.StripeClient, fake: FakeStripe) -> None:
    dest = funded(fake, client, 100)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.payouts.create(params={"amount": 101, "currency": "cad"}, options={"stripe_account": dest})
    assert err.value.code == "balance_insufficient"
    fake.requirements_due(dest)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.payouts.create(params={"amount": 50, "currency": "cad"}, options={"stripe_account": dest})
    assert err.value.code == "payouts_not_allowed"
    with pytest.raises(stripe.InvalidRequestError):  # the platform itself: not modelled
        client.v1.payouts.create(params={"amount": 50, "currency": "cad"})


def test_events_listing_per_account_with_created_filters(client: stripe.StripeClient, fake: FakeStripe) -> None:
    start = fake.set_clock(1_800_000_000)
    account = express_account(client).id
    fake.complete_onboarding(account)
    for _ in range(4):
        fake.advance_clock(60)
        fake.requirements_due(account)
        fake.complete_onboarding(account)
        client.v1.transfers.create(params={"amount": 10, "currency": "cad", "destination": account})
    mine = list(client.v1.events.list(params={"limit": 3}, options={"stripe_account": account}).auto_paging_iter())
    assert len(mine) == 9 and {e.type for e in mine} == {"account.updated"} and all(e.account == account for e in mine)
    assert [e.created for e in mine] == sorted((e.created for e in mine), reverse=True)
    platform = client.v1.events.list(params={"limit": 100})
    assert [e.type for e in platform.data] == ["transfer.created"] * 4
    later = client.v1.events.list(params={"created": {"gte": start + 120}, "type": "transfer.created"})
    assert len(later.data) == 3
    window = client.v1.events.list(params={"created": {"gt": start, "lte": start + 60}},
                                   options={"stripe_account": account})
    assert [(e.type, e.created) for e in window.data] == [("account.updated", start + 60)]
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.events.list(params={"created": {"after": start}})


def test_connect_events_held_replayed_and_reordered(receiver: Receiver, connect_receiver: Receiver) -> None:
    with FakeStripe(webhook_url=receiver.url, connect_webhook_url=connect_receiver.url,
                    connect_webhook_secret=CONNECT_SECRET, auto_deliver=False) as fake:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.base_url}, max_network_retries=0)
        dest = onboarded(fake, client)
        client.v1.transfers.create(params={"amount": 500, "currency": "cad", "destination": dest})
        fake.payout(dest)
        held = [e["id"] for e in fake.pending]
        assert connect_receiver.received == [] and receiver.received == [] and len(held) == 4
        fake.flush(order=lambda events: list(reversed(events)))
        assert connect_receiver.types == ["payout.paid", "payout.created", "account.updated"]
        assert receiver.types == ["transfer.created"]
        paid = fake.events_of("payout.paid")[0]["id"]
        assert fake.replay(paid).status == 200 and connect_receiver.ids[-1] == paid
        again = connect_receiver.received[-1]
        assert stripe.Webhook.construct_event(again.body, again.signature, CONNECT_SECRET).id == paid
        assert [d.event_type for d in fake.connect_deliveries][-1] == "payout.paid"


def test_reset_forgets_balances_counts_and_clock(client: stripe.StripeClient, fake: FakeStripe) -> None:
    dest = funded(fake, client)
    fake.set_platform_balance("cad", 10)
    fake.set_clock(1_800_000_000)
    assert requests.post(f"{fake.base_url}/_fake/reset", timeout=10).json() == {"ok": True}
    assert fake.transfer_count() == 0 and abs(fake.store.now() - int(time.time())) <= 1
    assert available(client)["cad"] == 1_000_000_000
    with pytest.raises(stripe.PermissionError):
        client.v1.balance.retrieve(options={"stripe_account": dest})
