"""The real stripe SDK (StripeClient, v1 services) against the fake, endpoint by endpoint."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest
import stripe

from devtools.fakestripe import FakeStripe
from tests.fakestripe.conftest import Receiver, subscribed


def test_customers_create_retrieve_update_list(client: stripe.StripeClient) -> None:
    created = client.v1.customers.create(params={"email": "a@example.com", "name": "A", "metadata": {"user": "u1"}})
    client.v1.customers.create(params={"email": "b@example.com"})
    assert created.id.startswith("cus_") and created.object == "customer"
    assert client.v1.customers.retrieve(created.id).email == "a@example.com"
    updated = client.v1.customers.update(created.id, params={"name": "A2", "metadata": {"user": "", "tier": "x"}})
    assert updated.name == "A2" and updated.metadata.to_dict() == {"tier": "x"}
    found = client.v1.customers.list(params={"email": "a@example.com"})
    assert found.object == "list" and [c.id for c in found.data] == [created.id] and found.has_more is False
    assert len(client.v1.customers.list().data) == 2


def test_missing_object_is_a_stripe_404(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.customers.retrieve("cus_missing")
    assert err.value.http_status == 404 and err.value.code == "resource_missing" and err.value.param == "id"


def test_prices_by_lookup_key_and_active(client: stripe.StripeClient, plan: dict[str, Any]) -> None:
    found = client.v1.prices.list(params={"lookup_keys": ["plus_monthly", "pro_monthly"], "active": True,
                                          "expand": ["data.product"]})
    assert {p.lookup_key for p in found.data} == {"plus_monthly", "pro_monthly"}
    plus = next(p for p in found.data if p.lookup_key == "plus_monthly")
    assert plus.unit_amount == 1499 and plus.currency == "cad" and plus.recurring.interval == "month"
    assert plus.product.name == "Plus"  # expanded
    assert client.v1.prices.list(params={"active": False}).data == []


def test_price_with_existing_product_and_lookup_key_transfer(client: stripe.StripeClient, plan: dict[str, Any]) -> None:
    product = plan["plus"].product
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.prices.create(params={"lookup_key": "plus_monthly", "unit_amount": 1599, "currency": "cad",
                                        "recurring": {"interval": "month"}, "product": product})
    assert err.value.param == "lookup_key"
    moved = client.v1.prices.create(params={"lookup_key": "plus_monthly", "transfer_lookup_key": True,
                                            "unit_amount": 1599, "currency": "cad",
                                            "recurring": {"interval": "month"}, "product": product})
    assert [p.id for p in client.v1.prices.list(params={"lookup_keys": ["plus_monthly"]}).data] == [moved.id]


def test_checkout_session_create_and_retrieve(client: stripe.StripeClient, fake: FakeStripe,
                                              plan: dict[str, Any]) -> None:
    session = plan["session"]
    assert session.id.startswith("cs_test_") and session.mode == "subscription" and session.status == "open"
    assert session.url == f"{fake.base_url}/checkout/{session.id}"
    assert session.client_reference_id == "user-1" and session.metadata.to_dict() == {"user": "user-1"}
    assert session.amount_total == 1499 and session.currency == "cad"
    again = client.v1.checkout.sessions.retrieve(session.id)
    assert again.id == session.id and again.subscription is None


def test_checkout_with_customer_email_creates_customer_on_completion(
        client: stripe.StripeClient, fake: FakeStripe, plan: dict[str, Any]) -> None:
    session = client.v1.checkout.sessions.create(params={
        "mode": "subscription", "customer_email": "new@example.com", "success_url": "https://x/ok",
        "line_items": [{"price": plan["pro"].id, "quantity": 1}]})
    assert session.customer is None and session.customer_email == "new@example.com"
    fake.complete_checkout(session.id)
    done = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["customer", "subscription"]})
    assert done.customer.email == "new@example.com" and done.subscription.status == "active"


def test_checkout_rejects_unknown_price(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params={"mode": "subscription", "success_url": "https://x/ok",
                                                   "line_items": [{"price": "price_nope", "quantity": 1}]})
    assert err.value.param == "line_items[0][price]"


def test_billing_portal_session(client: stripe.StripeClient, fake: FakeStripe, plan: dict[str, Any]) -> None:
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": plan["customer"].id, "return_url": "https://beatpass.test/account"})
    assert portal.object == "billing_portal.session" and portal.customer == plan["customer"].id
    assert portal.url == f"{fake.base_url}/billing_portal/{portal.id}" and portal.return_url.endswith("/account")


def test_completed_checkout_subscription_and_invoice(client: stripe.StripeClient, fake: FakeStripe,
                                                     plan: dict[str, Any]) -> None:
    sub_id = subscribed(fake, plan)
    sub = client.v1.subscriptions.retrieve(sub_id, params={"expand": ["latest_invoice"]})
    item = sub["items"].data[0]
    assert sub.status == "active" and sub.customer == plan["customer"].id and sub.metadata.to_dict() == {"plan": "plus"}
    assert item.price.id == plan["plus"].id and item.current_period_end > item.current_period_start
    assert 28 * 86400 <= item.current_period_end - item.current_period_start <= 31 * 86400
    invoice = sub.latest_invoice
    assert invoice.status == "paid" and invoice.amount_paid == 1499 and invoice.currency == "cad"
    assert invoice.billing_reason == "subscription_create"
    assert invoice.parent.subscription_details.subscription == sub_id
    assert client.v1.invoices.retrieve(invoice.id).id == invoice.id
    assert [s.id for s in client.v1.subscriptions.list(params={"customer": plan["customer"].id}).data] == [sub_id]
    assert [i.id for i in client.v1.invoices.list(params={"customer": plan["customer"].id}).data] == [invoice.id]
    assert [i.id for i in client.v1.invoices.list(params={"subscription": sub_id}).data] == [invoice.id]


def test_subscription_update_price_and_cancel_at_period_end(client: stripe.StripeClient, fake: FakeStripe,
                                                            receiver: Receiver, plan: dict[str, Any]) -> None:
    sub_id = subscribed(fake, plan)
    sub = client.v1.subscriptions.retrieve(sub_id)
    item_id = sub["items"].data[0].id
    upgraded = client.v1.subscriptions.update(sub_id, params={
        "items": [{"id": item_id, "price": plan["pro"].id}], "proration_behavior": "always_invoice"})
    assert upgraded["items"].data[0].price.id == plan["pro"].id
    proration = client.v1.invoices.retrieve(upgraded.latest_invoice)
    assert proration.billing_reason == "subscription_update" and 0 < proration.amount_paid <= 1500
    canceling = client.v1.subscriptions.update(sub_id, params={"cancel_at_period_end": True})
    assert canceling.cancel_at_period_end is True
    assert canceling.cancel_at == canceling["items"].data[0].current_period_end
    assert receiver.types[-3:] == ["invoice.paid", "customer.subscription.updated", "customer.subscription.updated"]
    updated = receiver.received[-1].event["data"]
    assert updated["previous_attributes"] == {"cancel_at_period_end": False, "cancel_at": None, "canceled_at": None}


def test_subscription_cancel_now(client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver,
                                 plan: dict[str, Any]) -> None:
    sub_id = subscribed(fake, plan)
    canceled = client.v1.subscriptions.cancel(sub_id)
    assert canceled.status == "canceled" and canceled.ended_at is not None
    assert receiver.types[-1] == "customer.subscription.deleted"
    assert client.v1.subscriptions.list(params={"customer": plan["customer"].id}).data == []
    assert len(client.v1.subscriptions.list(params={"status": "all"}).data) == 1


def test_list_pagination(client: stripe.StripeClient) -> None:
    ids = [client.v1.customers.create(params={"email": f"p{i}@example.com"}).id for i in range(3)]
    first = client.v1.customers.list(params={"limit": 2})
    assert first.has_more is True and [c.id for c in first.data] == ids[::-1][:2]
    rest = client.v1.customers.list(params={"limit": 2, "starting_after": first.data[-1].id})
    assert rest.has_more is False and [c.id for c in rest.data] == [ids[0]]


def test_events_are_retrievable_through_the_api(client: stripe.StripeClient, fake: FakeStripe,
                                                plan: dict[str, Any]) -> None:
    subscribed(fake, plan)
    event = fake.events_of("invoice.paid")[0]
    assert client.v1.events.retrieve(event["id"]).type == "invoice.paid"


def test_hosted_checkout_page_pays_and_returns_to_the_merchant(client: stripe.StripeClient, fake: FakeStripe,
                                                               plan: dict[str, Any], receiver: Receiver) -> None:
    """make run's billing works in a browser: the page has a Pay button that completes the session."""
    session = plan["session"]
    page = urllib.request.urlopen(session.url).read().decode()
    assert f'action="/_fake/checkout/{session.id}/complete"' in page and "Pay 14.99 CAD" in page

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"{fake.base_url}/_fake/checkout/{session.id}/complete", data=b"redirect=1")
    try:
        opener.open(request)
        raise AssertionError("expected a 303 to the success url")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303 and answer.headers["Location"] == "https://beatpass.test/ok"
    assert client.v1.checkout.sessions.retrieve(session.id).status == "complete"
    assert "checkout.session.completed" in receiver.types
    assert "Pay " not in urllib.request.urlopen(session.url).read().decode()
