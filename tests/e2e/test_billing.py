"""Paid plans end to end: the gateway, accounts and the fake Stripe (its checkout, lifecycle and signed
webhooks to the gateway's /api/v1/webhooks/stripe), with events seen on the real broker."""
from __future__ import annotations

import re
import time
import urllib.parse

import pytest
import requests

from tests.support.billing import EventTap, Subscriber, assert_delivered

BILLING_EVENTS = ("subscription_changed", "subscription_paid", "subscription_refunded")


@pytest.fixture
def stripe(platform):
    platform.stripe.auto_deliver = True
    yield platform.stripe
    platform.stripe.auto_deliver = True
    platform.stripe.pending.clear()


@pytest.fixture
def events(platform):
    tap = EventTap(platform.env["AMQP_URI"], BILLING_EVENTS)
    yield tap
    tap.close()


@pytest.fixture
def member(api, stripe) -> Subscriber:
    return Subscriber(api, stripe)


def of(member: Subscriber, name: str):
    return lambda event: event["event"] == name and event["user_id"] == member.id


def webhook(platform, body: bytes, signature: str) -> requests.Response:
    return requests.post(f"{platform.url}/api/v1/webhooks/stripe", data=body, timeout=30,
                         headers={"Stripe-Signature": signature, "Content-Type": "application/json"})


def page_forms(page: str) -> list[dict[str, str]]:
    """The page's forms as a browser submits them: action, button label and hidden fields."""
    found = []
    for action, inner in re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', inner))
        found.append({"action": action, "label": re.search(r"<button[^>]*>(.*?)</button>", inner).group(1), **fields})
    return found


def submit(page_url: str, form: dict[str, str]) -> requests.Response:
    """Post a form of the page at ``page_url`` and follow the redirects, as a browser does."""
    fields = {k: v for k, v in form.items() if k not in ("action", "label")}
    return requests.post(urllib.parse.urljoin(page_url, form["action"]), data=fields, timeout=30)


def portal_page(api) -> tuple[str, str]:
    response = api.post("billing/portal")
    assert response.status_code == 200, response.text
    url = response.json()["url"]
    return url, requests.get(url, timeout=10).text


def test_paying_on_the_hosted_page_lands_on_this_platforms_success_page(member, stripe, platform):
    assert not platform.url.endswith(":8000")  # the default port would hide a hard-coded site
    session = member.checkout("plus")
    hosted = requests.get(session["url"], timeout=10)
    [pay] = [form for form in page_forms(hosted.text) if form["label"].startswith("Pay ")]
    landed = submit(session["url"], pay)
    assert landed.history and landed.history[0].status_code == 303
    assert landed.url == f"{platform.url}/billing/success?session_id={session['session_id']}"
    assert landed.status_code == 200 and landed.headers["Content-Type"].startswith("text/html")
    assert 'id="app"' in landed.text  # the browser app's page (tests/browser/test_money.py reads what it shows)
    me = member.me()  # the fake delivered its webhooks before redirecting
    assert (me["plan"], me["subscription_status"]) == ("plus", "active")


def test_going_back_from_the_hosted_page_lands_on_this_platforms_cancel_page(member, platform):
    session = member.checkout("pro")
    hosted = requests.get(session["url"], timeout=10).text
    [cancel_url] = re.findall(r'<a id="cancel" href="([^"]+)"', hosted)
    assert cancel_url == f"{platform.url}/billing/cancel"
    landed = requests.get(cancel_url, timeout=10)
    assert landed.status_code == 200 and 'id="app"' in landed.text  # the browser app's page
    assert member.me()["plan"] == "explorer"


def test_the_portal_page_changes_the_plan_and_cancels_through_its_buttons(member, api, platform):
    member.subscribe("plus")
    url, page = portal_page(api)
    [to_pro] = [form for form in page_forms(page) if form.get("price") == member.price("pro")]
    back = submit(url, to_pro)
    assert back.url == f"{platform.url}/account/billing" and back.status_code == 200  # back to the billing page
    plan = api.get("billing/subscription").json()
    assert (plan["plan"], plan["status"], plan["cancel_at_period_end"]) == ("pro", "active", False)

    url, page = portal_page(api)
    [cancel] = [form for form in page_forms(page) if form["label"] == "Cancel plan"]
    assert submit(url, cancel).status_code == 200
    plan = api.get("billing/subscription").json()
    assert (plan["plan"], plan["status"], plan["cancel_at_period_end"]) == ("pro", "active", True)
    assert [form["label"] for form in page_forms(portal_page(api)[1])] == ["Renew plan"]


def test_the_same_invoice_sent_again_under_a_new_event_id_is_paid_once(member, stripe, events, platform):
    first = len(stripe.events)
    member.subscribe("plus")
    paid = next(e for e in stripe.events[first:] if e["type"] == "invoice.paid")
    events.wait_for(of(member, "subscription_paid"))
    again = {**paid, "id": f"{paid['id']}x", "created": paid["created"] + 1}
    response = webhook(platform, *stripe.signed(again))
    assert response.status_code == 200 and response.json()["status"] == "processed"
    time.sleep(1.5)  # the relay publishes within a second of a commit: a second payment would be here by now
    assert len(events.wait_for(of(member, "subscription_paid"), timeout=0)) == 1


def test_plans_are_public_with_cad_prices_tokens_and_download_rights(api):
    response = api.get("plans")
    assert response.status_code == 200
    plans = {p["code"]: p for p in response.json()["items"]}
    assert list(plans) == ["explorer", "classic", "plus", "pro"]
    assert [(p["price"]["amount_cents"], p["monthly_tokens"], p["downloads"]) for p in plans.values()] == [
        (0, 1, False), (2900, 1, True), (4500, 3, True), (5900, 5, True)]
    assert {(p["price"]["currency"], p["interval"]) for p in plans.values()} == {("CAD", "month")}


def test_subscribing_to_plus_through_checkout_and_webhooks(member, stripe, events):
    session = member.checkout("plus")
    assert session["url"] == f"{stripe.base_url}/checkout/{session['session_id']}"
    assert requests.get(session["url"], timeout=10).status_code == 200  # the hosted page exists
    assert member.me()["plan"] == "explorer"
    done = len(stripe.deliveries)
    member.subscription_id = stripe.complete_checkout(session["session_id"])["subscription"]
    assert_delivered(stripe, done)
    me = member.me()
    assert (me["plan"], me["subscription_status"], me["tokens"], me["can_download"]) == ("plus", "active", 3, True)
    assert me["cancel_at_period_end"] is False and me["current_period_end"]
    [paid] = events.wait_for(of(member, "subscription_paid"))
    assert (paid["plan"], paid["amount_cents"], paid["currency"]) == ("plus", 4500, "CAD")
    [changed] = events.wait_for(of(member, "subscription_changed"))
    assert (changed["plan"], changed["status"], changed["stripe_subscription_id"]) == (
        "plus", "active", member.subscription_id)


def test_renewal_pays_again_and_a_failed_payment_blocks_downloads_until_the_retry(member, stripe, events):
    member.subscribe("plus")
    stripe.renew(member.subscription_id)
    paid = events.wait_for(of(member, "subscription_paid"), count=2)
    assert [p["amount_cents"] for p in paid] == [4500, 4500] and paid[0]["period_end"] == paid[1]["period_start"]
    stripe.fail_payment(member.subscription_id)
    me = member.me()
    assert (me["plan"], me["subscription_status"], me["can_download"]) == ("plus", "past_due", False)
    stripe.pay_retry(member.subscription_id)
    me = member.me()
    assert (me["plan"], me["subscription_status"], me["can_download"]) == ("plus", "active", True)
    assert len(events.wait_for(of(member, "subscription_paid"), count=3)) == 3


def test_upgrade_at_once_and_downgrade_only_at_renewal(member, stripe):
    member.subscribe("plus")
    stripe.change_plan(member.subscription_id, member.price("pro"))
    assert (member.me()["plan"], member.me()["tokens"]) == ("pro", 5)
    stripe.change_plan(member.subscription_id, member.price("classic"))
    me = member.me()
    assert (me["plan"], me["pending_plan"], me["tokens"]) == ("pro", "classic", 5)
    stripe.renew(member.subscription_id)
    me = member.me()
    assert (me["plan"], me["pending_plan"], me["tokens"]) == ("classic", None, 1)


def test_cancel_keeps_the_plan_until_the_period_ends_then_explorer(member, stripe, api):
    member.subscribe("plus")
    stripe.cancel_at_period_end(member.subscription_id)
    me = member.me()
    assert (me["plan"], me["cancel_at_period_end"], me["can_download"]) == ("plus", True, True)
    assert api.get("billing/subscription").json()["cancel_at_period_end"] is True
    stripe.end_period(member.subscription_id)
    me = member.me()
    assert (me["plan"], me["subscription_status"], me["tokens"], me["can_download"]) == (
        "explorer", "canceled", 1, False)


def test_a_replayed_event_changes_nothing(member, stripe, events):
    first = len(stripe.events)
    member.subscribe("pro")
    before = member.me()
    events.wait_for(of(member, "subscription_paid"))
    for event in stripe.events[first:]:
        delivery = stripe.replay(event["id"])
        assert delivery.status == 200
    assert member.me() == before
    time.sleep(1.5)  # the relay publishes within a second of a commit: anything doubled would be here by now
    assert len(events.wait_for(of(member, "subscription_paid"), timeout=0)) == 1
    assert len(events.wait_for(of(member, "subscription_changed"), timeout=0)) == 1


def test_out_of_order_delivery_ends_in_the_right_state(member, stripe):
    stripe.auto_deliver = False
    session = member.checkout("plus")
    member.subscription_id = stripe.complete_checkout(session["session_id"])["subscription"]
    stripe.change_plan(member.subscription_id, member.price("pro"))
    stripe.cancel_at_period_end(member.subscription_id)
    done = len(stripe.deliveries)
    stripe.flush(lambda held: list(reversed(held)))
    assert_delivered(stripe, done)
    me = member.me()
    assert (me["plan"], me["tokens"], me["cancel_at_period_end"], me["subscription_status"]) == (
        "pro", 5, True, "active")


def test_wrong_or_stale_signatures_are_400_and_change_nothing(member, stripe, platform):
    member.subscribe("plus")
    stripe.auto_deliver = False
    stripe.fail_payment(member.subscription_id)
    held = list(stripe.pending)
    for event in held:
        body, signature = stripe.signed(event, secret="whsec_not_the_one")
        assert webhook(platform, body, signature).status_code == 400
        for skew in (-600, 3600):  # stale, or dated in the future
            body, signature = stripe.signed(event, timestamp=int(time.time()) + skew)
            response = webhook(platform, body, signature)
            assert response.status_code == 400 and response.json()["error"] == "invalid_webhook"
    assert webhook(platform, b'{"id": "evt_x", "type": "invoice.paid"}', "").status_code == 400
    assert member.me()["subscription_status"] == "active"
    stripe.flush()  # the same events, signed properly, do apply
    assert member.me()["subscription_status"] == "past_due"


def test_a_refund_emits_subscription_refunded(member, stripe, events):
    member.subscribe("classic")
    invoice_id = stripe.get(member.subscription_id)["latest_invoice"]
    stripe.refund(invoice_id, 900)
    [refund] = events.wait_for(of(member, "subscription_refunded"))
    assert (refund["invoice_id"], refund["amount_cents"], refund["currency"]) == (invoice_id, 900, "CAD")


def test_checkout_refusals_and_the_portal(member, api):
    for plan in ("explorer", "gold"):
        response = api.post("billing/checkout", json={"plan": plan})
        assert response.status_code == 422 and "plan" in response.json()["details"]
    response = api.post("billing/portal")
    assert response.status_code == 409 and "checkout" in response.json()["message"]
    member.subscribe("plus")
    response = api.post("billing/checkout", json={"plan": "pro"})
    assert response.status_code == 409 and "portal" in response.json()["message"]
    portal = api.post("billing/portal")
    assert portal.status_code == 200 and "/billing_portal/" in portal.json()["url"]
    assert api.post("billing/checkout", json={"plan": "plus"}, headers={"Authorization": ""}).status_code == 401
