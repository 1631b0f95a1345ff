"""Shape contract: every object the fake returns has exactly the top-level keys of Stripe's own fixture
(fixtures3.json), with the same value types wherever both are non-null. Fails when the fake drifts from Stripe."""

from __future__ import annotations

from typing import Any

import requests
import stripe

from devtools.fakestripe import FakeStripe
from devtools.fakestripe.resources import fixture
from tests.fakestripe.conftest import Receiver, express_account, subscribed
from tests.fakestripe.test_payments import exclusive_session

# Fields the fixture fills in as an example but Stripe answers null in these states (checked against Stripe's docs).
NULLABLE: dict[str, set[str]] = {
    "customer": {"discount", "currency", "email", "name"},
    "price": {"custom_unit_amount", "transform_quantity", "lookup_key", "recurring"},  # recurring: one-time prices
    "product": {"description", "package_dimensions", "default_price"},
    "checkout.session": {"after_expiration", "payment_intent", "customer_details", "collected_information",
                         "payment_method_configuration_details", "shipping_address_collection", "shipping_cost",
                         "cancel_url", "customer", "customer_creation", "allow_promotion_codes"},
    "billing_portal.session": {"flow"},
    "subscription": {"billing_cycle_anchor_config", "cancel_at", "canceled_at", "ended_at",
                     "next_pending_invoice_item_invoice", "pause_collection", "pending_update", "trial_end",
                     "trial_start", "transfer_data"},
    "subscription_item": {"billing_thresholds"},
    "invoice": {"due_date", "from_invoice", "last_finalization_error", "next_payment_attempt",
                "automatically_finalizes_at", "customer_name"},
    "line_item": set(),
    "item": {"adjustable_quantity"},
    "payment_intent": {"automatic_payment_methods", "canceled_at", "last_payment_error", "next_action",
                       "payment_method_configuration_details", "processing", "shipping", "transfer_data"},
    "charge": {"failure_code", "failure_message", "description"},
    "refund": set(),
    "invoice_payment": set(),
    "event": set(),
    "account": set(),
    "account_link": set(),
    "transfer": set(),
    "transfer_reversal": set(),
    "balance": set(),
    "payout": {"description"},
    "bank_account": {"account_type"},
}


def assert_shape(obj: dict[str, Any], name: str) -> None:
    reference = fixture(name)
    assert set(obj) == set(reference), (name, set(obj) ^ set(reference))
    for key, expected in reference.items():
        if expected is None:
            continue
        if obj[key] is None:
            assert key in NULLABLE[name], f"{name}.{key} is null but Stripe's example is {expected!r}"
        else:
            got, want = type(obj[key]).__name__, type(expected).__name__
            assert got == want, f"{name}.{key}: {got} != {want}"


def raw(client: stripe.StripeClient, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body exactly as the fake sent it (not through StripeObject)."""
    base = client._requestor.base_addresses["api"]  # the fake's URL, as the test's client was given it
    resp = requests.get(base + path, params=params, headers={"Authorization": "Bearer sk_test_x"}, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_every_resource_matches_stripe_fixture(client: stripe.StripeClient, fake: FakeStripe,
                                               plan: dict[str, Any]) -> None:
    open_session = raw(client, f"/v1/checkout/sessions/{plan['session'].id}")
    assert_shape(open_session, "checkout.session")
    sub_id = subscribed(fake, plan)
    fake.change_plan(sub_id, plan["pro"].id, "always_invoice")
    invoice_id = fake.get(sub_id)["latest_invoice"]
    fake.refund(invoice_id, 100)
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": plan["customer"].id, "return_url": "https://x"})
    assert_shape(raw(client, f"/v1/events/{fake.events_of('invoice.paid')[0]['id']}"), "event")
    assert portal.object == "billing_portal.session"
    assert_shape(fake.get(portal.id), "billing_portal.session")
    assert_shape(raw(client, f"/v1/customers/{plan['customer'].id}"), "customer")
    assert_shape(raw(client, f"/v1/prices/{plan['plus'].id}"), "price")
    assert_shape(raw(client, f"/v1/products/{plan['plus'].product}"), "product")
    assert_shape(raw(client, f"/v1/checkout/sessions/{plan['session'].id}"), "checkout.session")
    sub = raw(client, f"/v1/subscriptions/{sub_id}")
    assert_shape(sub, "subscription")
    assert_shape(sub["items"]["data"][0], "subscription_item")
    for inv in raw(client, "/v1/invoices", {"subscription": sub_id})["data"]:
        assert_shape(inv, "invoice")
        assert_shape(inv["lines"]["data"][0], "line_item")
    payments = raw(client, "/v1/invoice_payments", {"invoice": invoice_id})["data"]
    assert_shape(payments[0], "invoice_payment")
    charge = raw(client, f"/v1/charges/{payments[0]['payment']['charge']}")
    assert_shape(charge, "charge")
    assert_shape(charge["refunds"]["data"][0], "refund")


def test_lists_have_stripe_list_shape(client: stripe.StripeClient, plan: dict[str, Any]) -> None:
    listing = raw(client, "/v1/prices")
    assert set(listing) == {"object", "data", "has_more", "url"} and listing["object"] == "list"
    assert listing["url"] == "/v1/prices"


def test_webhook_events_match_stripe_fixture(fake: FakeStripe, receiver: Receiver, plan: dict[str, Any]) -> None:
    sub_id = subscribed(fake, plan)
    fake.fail_payment(sub_id)
    fake.pay_retry(sub_id)
    fake.cancel_at_period_end(sub_id)
    invoice_id = fake.get(sub_id)["latest_invoice"]
    fake.end_period(sub_id)
    fake.refund(invoice_id)
    kinds = {"checkout.session": "checkout.session", "customer.subscription": "subscription",
             "invoice": "invoice", "charge": "charge", "customer": "customer"}
    assert receiver.received, "nothing delivered"
    for delivered in receiver.received:
        event = delivered.event
        assert_shape(event, "event")
        assert event["api_version"] and event["livemode"] is False and event["id"].startswith("evt_")
        prefix = event["type"].rsplit(".", 1)[0]
        assert_shape(event["data"]["object"], kinds[prefix])
    assert {"checkout.session.completed", "customer.subscription.created", "customer.subscription.updated",
            "customer.subscription.deleted", "invoice.paid", "invoice.payment_failed",
            "charge.refunded"} <= set(receiver.types)


def test_one_off_payment_objects_match_stripe_fixture(client: stripe.StripeClient, fake: FakeStripe,
                                                      receiver: Receiver) -> None:
    session = exclusive_session(client)
    assert_shape(raw(client, f"/v1/checkout/sessions/{session.id}"), "checkout.session")
    for item in raw(client, f"/v1/checkout/sessions/{session.id}/line_items")["data"]:
        assert_shape(item, "item")
        assert_shape(item["price"], "price")
    intent_id = fake.complete_checkout(session.id)["payment_intent"]
    intent = raw(client, f"/v1/payment_intents/{intent_id}")
    assert_shape(intent, "payment_intent")
    assert_shape(raw(client, f"/v1/checkout/sessions/{session.id}"), "checkout.session")
    refund = fake.refund_payment(intent_id, 100)
    assert_shape(raw(client, f"/v1/refunds/{refund['id']}"), "refund")
    charge = raw(client, f"/v1/charges/{intent['latest_charge']}")
    assert_shape(charge, "charge")
    assert_shape(charge["refunds"]["data"][0], "refund")
    kinds = {"checkout.session.completed": "checkout.session", "charge.refunded": "charge"}
    assert receiver.types == list(kinds)
    for delivered in receiver.received:
        assert_shape(delivered.event, "event")
        assert_shape(delivered.event["data"]["object"], kinds[delivered.event["type"]])


def test_connect_objects_match_stripe_fixture(client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver,
                                              connect_receiver: Receiver) -> None:
    account = express_account(client)
    assert_shape(raw(client, f"/v1/accounts/{account.id}"), "account")
    link = client.v1.account_links.create(params={"account": account.id, "type": "account_onboarding",
                                                  "refresh_url": "https://x/r", "return_url": "https://x/ok"})
    assert_shape(link.to_dict(), "account_link")
    fake.complete_onboarding(account.id)
    onboarded = raw(client, f"/v1/accounts/{account.id}")
    assert_shape(onboarded, "account")
    assert_shape(onboarded["external_accounts"]["data"][0], "bank_account")
    transfer = client.v1.transfers.create(params={"amount": 500, "currency": "cad", "destination": account.id})
    assert_shape(raw(client, f"/v1/transfers/{transfer.id}"), "transfer")
    reversal = client.v1.transfers.reversals.create(transfer.id, params={"amount": 100})
    assert_shape(raw(client, f"/v1/transfers/{transfer.id}/reversals")["data"][0], "transfer_reversal")
    assert_shape(raw(client, "/v1/balance"), "balance")
    payout = fake.payout(account.id, outcome=None)
    assert_shape(payout, "payout")
    fake.settle_payout(payout["id"], "paid")
    assert reversal.object == "transfer_reversal"
    for delivered in receiver.received:  # the platform's own: no `account`, exactly Stripe's event keys
        assert_shape(delivered.event, "event")
        assert_shape(delivered.event["data"]["object"], "transfer")
    kinds = {"account.updated": "account", "payout.created": "payout", "payout.paid": "payout"}
    assert connect_receiver.types == list(kinds)
    for delivered in connect_receiver.received:  # a connected account's: Stripe's event keys plus `account`
        event = dict(delivered.event)
        assert event.pop("account") == account.id
        assert_shape(event, "event")
        assert_shape(event["data"]["object"], kinds[event["type"]])
