"""The pages a browser is sent to: hosted Checkout (Pay, or back to cancel_url) and the billing portal, whose
buttons (plain form posts) switch price, cancel at the period's end or undo it, send the signed webhooks and
return to the merchant."""

from __future__ import annotations

import re
from typing import Any

import requests
import stripe

from devtools.fakestripe import FakeStripe
from tests.fakestripe.conftest import SECRET, Receiver, subscribed

RETURN_URL = "https://beatpass.test/account"


def portal(client: stripe.StripeClient, plan: dict[str, Any], return_url: str | None = RETURN_URL) -> str:
    params = {"customer": plan["customer"].id}
    if return_url:
        params["return_url"] = return_url
    return client.v1.billing_portal.sessions.create(params=params).url


def forms(page: str) -> dict[str, dict[str, str]]:
    """Each form's button label → its action and hidden fields, as a browser would submit it."""
    found = {}
    for action, inner in re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S):
        label = re.search(r"<button[^>]*>(.*?)</button>", inner).group(1)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', inner))
        found[label] = {"action": action, **fields}
    return found


def press(fake: FakeStripe, page: str, label: str) -> requests.Response:
    form = dict(forms(page)[label])
    action = form.pop("action")
    return requests.post(f"{fake.base_url}{action}", data=form, allow_redirects=False, timeout=10)


def test_the_checkout_page_links_back_to_the_cancel_url(plan: dict[str, Any]) -> None:
    page = requests.get(plan["session"].url, timeout=10).text
    assert 'href="https://beatpass.test/cancel"' in page and "Pay 14.99 CAD" in forms(page)


def test_the_portal_lists_the_subscription_with_a_button_per_other_price_and_cancel(
        client: stripe.StripeClient, fake: FakeStripe, plan: dict[str, Any]) -> None:
    sub_id = subscribed(fake, plan)
    page = requests.get(portal(client, plan), timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert sub_id in page.text and "fan@example.com" in page.text and "14.99 CAD / month" in page.text
    buttons = forms(page.text)
    assert set(buttons) == {"Switch to pro_monthly (29.99 CAD / month)", "Cancel plan"}
    assert buttons["Switch to pro_monthly (29.99 CAD / month)"]["price"] == plan["pro"].id
    assert f'href="{RETURN_URL}"' in page.text


def test_switching_price_in_the_portal_updates_the_subscription_sends_the_webhook_and_returns(
        client: stripe.StripeClient, fake: FakeStripe, plan: dict[str, Any], receiver: Receiver) -> None:
    sub_id = subscribed(fake, plan)
    page = requests.get(portal(client, plan), timeout=10).text
    answer = press(fake, page, "Switch to pro_monthly (29.99 CAD / month)")
    assert answer.status_code == 303 and answer.headers["Location"] == RETURN_URL
    assert client.v1.subscriptions.retrieve(sub_id)["items"].data[0].price.id == plan["pro"].id
    updated = receiver.received[-1]
    assert updated.event["type"] == "customer.subscription.updated"
    assert updated.event["data"]["previous_attributes"]["items"]["data"][0]["price"]["id"] == plan["plus"].id
    stripe.Webhook.construct_event(updated.body, updated.signature, SECRET)


def test_cancelling_in_the_portal_ends_the_plan_at_the_period_end_and_can_be_undone(
        client: stripe.StripeClient, fake: FakeStripe, plan: dict[str, Any], receiver: Receiver) -> None:
    sub_id = subscribed(fake, plan)
    url = portal(client, plan)
    assert press(fake, requests.get(url, timeout=10).text, "Cancel plan").status_code == 303
    sub = client.v1.subscriptions.retrieve(sub_id)
    assert (sub.status, sub.cancel_at_period_end) == ("active", True)
    assert receiver.types[-1] == "customer.subscription.updated"
    page = requests.get(url, timeout=10).text
    assert "Cancels on" in page and set(forms(page)) == {"Renew plan"}  # no plan change while cancelling
    assert press(fake, page, "Renew plan").status_code == 303
    assert client.v1.subscriptions.retrieve(sub_id).cancel_at_period_end is False


def test_without_a_return_url_a_button_comes_back_to_the_portal(client: stripe.StripeClient, fake: FakeStripe,
                                                                  plan: dict[str, Any]) -> None:
    subscribed(fake, plan)
    url = portal(client, plan, return_url=None)
    answer = press(fake, requests.get(url, timeout=10).text, "Cancel plan")
    assert answer.headers["Location"] == url.removeprefix(fake.base_url)


def test_the_portal_refuses_other_customers_subscriptions_and_prices_it_does_not_offer(
        client: stripe.StripeClient, fake: FakeStripe, plan: dict[str, Any]) -> None:
    sub_id = subscribed(fake, plan)
    stranger = client.v1.customers.create(params={"email": "other@example.com"})
    theirs = client.v1.billing_portal.sessions.create(params={"customer": stranger.id})
    page = requests.get(theirs.url, timeout=10).text
    assert "No current subscription" in page and not forms(page)
    base = f"{fake.base_url}/billing_portal"
    refused = requests.post(f"{base}/{theirs.id}/subscriptions/{sub_id}/cancel", timeout=10)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "resource_missing"
    mine = portal(client, plan).rsplit("/", 1)[-1]
    bad_price = requests.post(f"{base}/{mine}/subscriptions/{sub_id}/update", data={"price": plan["plus"].id},
                              timeout=10)
    assert bad_price.status_code == 400 and bad_price.json()["error"]["param"] == "price"
    assert requests.get(f"{base}/bps_nope", timeout=10).status_code == 404
    assert client.v1.subscriptions.retrieve(sub_id).cancel_at_period_end is False
