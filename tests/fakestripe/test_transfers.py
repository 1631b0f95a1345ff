"""Transfers to connected accounts with the real stripe SDK: idempotency keys (the fake counts transfers),
listing with created filters and pagination, reversals, and a platform balance that runs short."""

from __future__ import annotations

import pytest
import requests
import stripe

from devtools.fakestripe import FakeStripe
from tests.fakestripe.conftest import SECRET, Receiver, express_account, onboarded


def test_idempotent_transfer_made_and_counted_once(client: stripe.StripeClient, fake: FakeStripe,
                                                    receiver: Receiver) -> None:
    dest = onboarded(fake, client)
    params = {"amount": 1250, "currency": "cad", "destination": dest, "transfer_group": "run-1",
              "metadata": {"run": "r1", "user": "u1"}}
    first = client.v1.transfers.create(params=params, options={"idempotency_key": "payout-r1-u1-CAD"})
    again = client.v1.transfers.create(params=params, options={"idempotency_key": "payout-r1-u1-CAD"})
    assert again.id == first.id and first.id.startswith("tr_")
    assert (first.amount, first.currency, first.destination, first.transfer_group) == (1250, "cad", dest, "run-1")
    assert first.metadata.to_dict() == {"run": "r1", "user": "u1"} and first.reversed is False
    assert fake.transfer_count(destination=dest) == 1 and fake.transfer_count(idempotency_key="payout-r1-u1-CAD") == 1
    assert fake.transfer_count() == 1
    assert receiver.types == ["transfer.created"]
    event = stripe.Webhook.construct_event(receiver.received[0].body, receiver.received[0].signature, SECRET)
    assert event.data.object.id == first.id and "account" not in event  # the platform's own event
    assert event.request.idempotency_key == "payout-r1-u1-CAD"
    other = client.v1.transfers.create(params=params, options={"idempotency_key": "payout-r2-u1-CAD"})
    assert other.id != first.id and fake.transfers_by_destination == {dest: 2}
    counts = requests.get(f"{fake.base_url}/_fake/transfers/counts", timeout=10).json()
    assert counts == {"total": 2, "by_destination": {dest: 2},
                      "by_idempotency_key": {"payout-r1-u1-CAD": 1, "payout-r2-u1-CAD": 1}}
    with pytest.raises(stripe.IdempotencyError):
        client.v1.transfers.create(params={**params, "amount": 1}, options={"idempotency_key": "payout-r1-u1-CAD"})


def test_transfer_with_the_sdk_resource_methods(client: stripe.StripeClient, fake: FakeStripe,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    dest = onboarded(fake, client)
    monkeypatch.setattr(stripe, "api_base", fake.base_url)
    made = [stripe.Transfer.create(api_key="sk_test_x", amount=300, currency="cad", destination=dest,
                                   idempotency_key="same") for _ in range(2)]
    assert made[0].id == made[1].id and fake.transfer_count(destination=dest) == 1
    reversal = stripe.Transfer.create_reversal(made[0].id, api_key="sk_test_x", amount=100)
    assert reversal.object == "transfer_reversal" and reversal.amount == 100 and reversal.transfer == made[0].id
    assert stripe.Transfer.retrieve(made[0].id, api_key="sk_test_x").amount_reversed == 100
    assert stripe.Balance.retrieve(api_key="sk_test_x", stripe_account=dest).available[0].amount == 200
    fake.set_clock(1_800_000_000)
    late = stripe.Transfer.create(api_key="sk_test_x", amount=50, currency="cad", destination=dest)
    found = stripe.Transfer.list(api_key="sk_test_x", created={"gte": 1_800_000_000, "lt": 1_800_000_001}, limit=1)
    assert [t.id for t in found.auto_paging_iter()] == [late.id]


def test_transfer_refusals(client: stripe.StripeClient, fake: FakeStripe) -> None:
    pending = express_account(client).id  # onboarding not finished: transfers capability inactive
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.create(params={"amount": 100, "currency": "cad", "destination": pending})
    assert err.value.code == "insufficient_capabilities_for_transfer" and err.value.param == "destination"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.create(params={"amount": 100, "currency": "cad", "destination": "acct_missing"})
    assert err.value.http_status == 404 and err.value.param == "destination"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.create(params={"amount": 0, "currency": "cad", "destination": pending})
    assert err.value.param == "amount"
    assert fake.transfer_count() == 0


def test_platform_balance_runs_short(client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver) -> None:
    dest = onboarded(fake, client)
    resp = requests.post(f"{fake.base_url}/_fake/balance", data={"currency": "cad", "available": "1000"}, timeout=10)
    assert resp.status_code == 200 and resp.json()["available"][0] == {
        "amount": 1000, "currency": "cad", "source_types": {"card": 1000}}
    client.v1.transfers.create(params={"amount": 600, "currency": "cad", "destination": dest})
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.create(params={"amount": 401, "currency": "cad", "destination": dest},
                                   options={"idempotency_key": "short"})
    assert err.value.http_status == 400 and err.value.code == "balance_insufficient"
    assert err.value.error.type == "invalid_request_error" and "insufficient available funds" in err.value.user_message
    # The refused request's answer is kept for its key, as Stripe keeps it; a new key (a later run) may succeed.
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.create(params={"amount": 401, "currency": "cad", "destination": dest},
                                   options={"idempotency_key": "short"})
    assert fake.transfer_count(idempotency_key="short") == 0 and fake.transfer_count(destination=dest) == 1
    platform = client.v1.balance.retrieve()
    assert {(b.currency, b.amount) for b in platform.available} == {("cad", 400)}
    fake.set_platform_balance("cad", 5000)
    client.v1.transfers.create(params={"amount": 401, "currency": "cad", "destination": dest},
                               options={"idempotency_key": "later"})
    assert receiver.types == ["transfer.created", "transfer.created"]


def test_list_transfers_created_filters_destination_and_pagination(client: stripe.StripeClient,
                                                                   fake: FakeStripe) -> None:
    a, b = onboarded(fake, client), onboarded(fake, client)
    start = fake.set_clock(1_800_000_000)
    made = []
    for i in range(7):
        made.append(client.v1.transfers.create(params={"amount": 100 + i, "currency": "cad",
                                                       "destination": a if i % 2 == 0 else b}).id)
        fake.advance_clock(3600)
    everything = [t.id for t in client.v1.transfers.list(params={"limit": 2}).auto_paging_iter()]
    assert everything == made[::-1]  # newest first, across pages
    page = client.v1.transfers.list(params={"limit": 3})
    assert page.has_more is True and len(page.data) == 3
    rest = client.v1.transfers.list(params={"limit": 3, "starting_after": page.data[-1].id})
    assert [t.id for t in rest.data] == made[::-1][3:6] and rest.has_more is True
    window = client.v1.transfers.list(params={"created": {"gte": start + 3600, "lt": start + 4 * 3600},
                                              "limit": 1})
    assert [t.id for t in window.auto_paging_iter()] == made[1:4][::-1]
    only_a = client.v1.transfers.list(params={"destination": a, "limit": 100})
    assert {t.id for t in only_a.data} == set(made[0::2]) and only_a.has_more is False
    exact = client.v1.transfers.list(params={"created": start})
    assert [t.id for t in exact.data] == [made[0]]
    assert client.v1.transfers.retrieve(made[2]).created == start + 2 * 3600


def test_reversal_sends_transfer_reversed(client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver) -> None:
    dest = onboarded(fake, client)
    transfer = client.v1.transfers.create(params={"amount": 900, "currency": "cad", "destination": dest})
    partial = client.v1.transfers.reversals.create(transfer.id, params={"amount": 400, "metadata": {"why": "x"}})
    assert partial.amount == 400 and partial.metadata.to_dict() == {"why": "x"}
    rest = client.v1.transfers.reversals.create(transfer.id)
    assert rest.amount == 500
    after = client.v1.transfers.retrieve(transfer.id)
    assert after.amount_reversed == 900 and after.reversed is True
    assert [r.id for r in after.reversals.data] == [rest.id, partial.id]
    assert [r.id for r in client.v1.transfers.reversals.list(transfer.id).data] == [rest.id, partial.id]
    assert receiver.types == ["transfer.created", "transfer.reversed", "transfer.reversed"]
    last = stripe.Webhook.construct_event(receiver.received[-1].body, receiver.received[-1].signature, SECRET)
    assert last.data.object.reversed is True and last.data.previous_attributes.amount_reversed == 400
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.reversals.create(transfer.id)
    assert err.value.code == "transfer_already_reversed"
    balance = client.v1.balance.retrieve(options={"stripe_account": dest})
    assert [(x.currency, x.amount) for x in balance.available] == [("cad", 0)]
