"""Billing use cases on the real PostgreSQL database, against the local fake Stripe (the real SDK
speaks to it over HTTP). Webhook events are taken from the fake and handed to ``stripe_events``
the way the gateway's RPC does, so order, replays and concurrency are under the test's control."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import eventlet
import pytest
from sqlalchemy import func, select

from services.accounts import schemas, users
from services.accounts.billing import billing, schemas as billing_schemas, stripe_events
from services.accounts.billing.models import BillingAccount, ProcessedStripeEvent, StripeEffect
from services.accounts.billing.stripe_client import BillingUrls, StripeBilling, lookup_key
from services.common.stripe_api import make_client
from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.models import User
from services.common.db import UnitOfWork
from services.common.messaging.models import OutboxMessage
from services.contracts.errors import BillingUnavailable, Conflict, InvalidField
from services.contracts.events import REGISTRY, validate_event
from devtools.fakestripe import FakeStripe
from devtools.stripe_setup import ensure_prices

pytestmark = pytest.mark.integration

URLS = BillingUrls("https://beatpass.test/ok?session_id={CHECKOUT_SESSION_ID}", "https://beatpass.test/cancel",
                   "https://beatpass.test/account")



class Billing:
    """One user's billing, driven through the use cases and the fake's lifecycle helpers."""

    def __init__(self, uow: UnitOfWork, fake: FakeStripe, stripe_billing: StripeBilling):
        self.uow, self.fake, self.stripe = uow, fake, stripe_billing
        self.user = users.register(uow, schemas.load_registration(new_email(), PASSWORD, new_username(), new_ip()))
        uow.commit()
        self.fake.pending.clear()
        self.subscription_id: str | None = None

    @property
    def id(self) -> str:
        return self.user["id"]

    def checkout(self, plan: str = "plus") -> dict:
        session = billing.start_checkout(self.uow, self.stripe, self.id, plan, URLS)
        self.uow.commit()
        return session

    def take_events(self) -> list[dict]:
        held, self.fake.pending[:] = list(self.fake.pending), []
        return held

    def deliver(self, events: list[dict]) -> list[str]:
        statuses = []
        for event in events:
            statuses.append(stripe_events.handle(self.uow, self.stripe, json.loads(json.dumps(event)))["status"])
            self.uow.commit()
        return statuses

    def subscribe(self, plan: str = "plus") -> None:
        session = self.checkout(plan)
        self.subscription_id = self.fake.complete_checkout(session["session_id"])["subscription"]
        self.deliver(self.take_events())

    def act(self, action: str, *args: Any) -> list[dict]:
        """Run a fake lifecycle helper on the subscription, deliver its events, return them."""
        getattr(self.fake, action)(self.subscription_id, *args)
        events = self.take_events()
        self.deliver(events)
        return events

    def price(self, plan: str) -> str:
        return self.stripe.price_id(plan)

    def me(self) -> dict:
        self.uow.session.expire_all()
        return users.get_user(self.uow, self.id)

    def events(self, name: str) -> list[dict]:
        rows = self.uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == name,
                                                                    OutboxMessage.body.contains(self.id))).all()
        return [json.loads(row.body) for row in rows]


@pytest.fixture
def member(uow, fake, stripe_billing) -> Billing:
    return Billing(uow, fake, stripe_billing)


def test_checkout_creates_a_customer_and_a_subscription_session(member, fake):
    session = member.checkout("plus")
    assert session["url"] == f"{fake.base_url}/checkout/{session['session_id']}"
    stored = fake.get(session["session_id"])
    assert stored["mode"] == "subscription" and stored["client_reference_id"] == member.id
    assert stored["metadata"] == {"user_id": member.id, "plan": "plus"}
    assert stored["success_url"] == URLS.success and stored["cancel_url"] == URLS.cancel
    assert stored["amount_total"] == 4500 and stored["currency"] == "cad"
    assert fake.store.session_extra[session["session_id"]]["subscription_metadata"] == {"user_id": member.id}
    customer = fake.get(stored["customer"])
    assert customer["metadata"] == {"user_id": member.id} and customer["email"] == member.user["email"]
    again = member.checkout("pro")  # not paid yet: a second checkout reuses the customer
    assert fake.get(again["session_id"])["customer"] == customer["id"]
    assert member.me()["plan"] == "explorer"  # nothing changes before Stripe confirms the payment


def test_prices_are_found_by_lookup_key(stripe_billing, fake):
    for plan, cents in (("classic", 2900), ("plus", 4500), ("pro", 5900)):
        price = fake.get(stripe_billing.price_id(plan))
        assert (price["lookup_key"], price["unit_amount"], price["currency"]) == (lookup_key(plan), cents, "cad")
        assert price["recurring"]["interval"] == "month"
        assert stripe_billing.plan_of_price(price["id"]) == plan


@pytest.mark.parametrize(("plan", "tokens"), [("classic", 1), ("plus", 3), ("pro", 5)])
def test_a_completed_checkout_puts_the_user_on_the_plan_with_its_tokens(member, plan, tokens):
    member.subscribe(plan)
    me = member.me()
    assert (me["plan"], me["tokens"], me["subscription_status"], me["can_download"]) == (plan, tokens, "active", True)
    [changed] = member.events("subscription_changed")
    assert (changed["plan"], changed["status"], changed["stripe_subscription_id"]) == (
        plan, "active", member.subscription_id)
    [paid] = member.events("subscription_paid")
    cents = {"classic": 2900, "plus": 4500, "pro": 5900}[plan]
    assert (paid["plan"], paid["amount_cents"], paid["currency"]) == (plan, cents, "CAD")
    validate_event(REGISTRY["subscription_paid"], paid)
    validate_event(REGISTRY["subscription_changed"], changed)


def test_replayed_events_change_nothing_and_emit_nothing(member, fake):
    first = len(fake.events)
    member.subscribe("plus")
    before = member.me()
    outbox = member.uow.session.scalar(select(func.count()).select_from(OutboxMessage))
    replayed = [e for e in fake.events[first:] if e["type"] in stripe_events.HANDLERS]
    assert [e["type"] for e in replayed] == ["checkout.session.completed", "customer.subscription.created",
                                             "invoice.paid"]
    assert set(member.deliver(replayed)) == {"duplicate"}
    assert member.me() == before
    assert member.uow.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox


def resent(event: dict, new_id: str) -> dict:
    """The same Stripe fact as a new event: another id and a later ``created``, the same object."""
    return {**json.loads(json.dumps(event)), "id": new_id, "created": event["created"] + 60}


def test_the_same_invoice_under_a_new_event_id_is_paid_once(member, fake):
    first = len(fake.events)
    member.subscribe("plus")
    paid = next(e for e in fake.events[first:] if e["type"] == "invoice.paid")
    assert member.deliver([resent(paid, f"{paid['id']}_again")]) == ["processed"]  # a new event: recorded
    [emitted] = member.events("subscription_paid")
    assert emitted["invoice_id"] == paid["data"]["object"]["id"]
    effect = member.uow.session.get(StripeEffect, ("subscription_paid", emitted["invoice_id"]))
    assert effect is not None and effect.event_id == paid["id"]


def test_the_same_refund_under_a_new_event_id_is_refunded_once(member, fake):
    member.subscribe("plus")
    invoice_id = fake.get(member.subscription_id)["latest_invoice"]
    fake.refund(invoice_id, 1000)
    [refunded] = member.take_events()
    assert member.deliver([refunded, resent(refunded, f"{refunded['id']}_again")]) == ["processed", "processed"]
    fake.refund(invoice_id, 1000)  # a second refund of the same amount is another refund
    member.deliver(member.take_events())
    assert [r["amount_cents"] for r in member.events("subscription_refunded")] == [1000, 1000]


def test_a_renewal_emits_subscription_paid_again_without_changing_the_plan(member):
    member.subscribe("plus")
    member.act("renew")
    paid = member.events("subscription_paid")
    assert len(paid) == 2 and {p["amount_cents"] for p in paid} == {4500}
    assert paid[0]["period_end"] in {p["period_start"] for p in paid}  # consecutive periods
    assert (member.me()["plan"], member.me()["subscription_status"]) == ("plus", "active")


def test_a_failed_payment_blocks_downloads_until_the_retry_is_paid(member):
    member.subscribe("plus")
    member.act("fail_payment")
    me = member.me()
    assert (me["plan"], me["subscription_status"], me["can_download"]) == ("plus", "past_due", False)
    member.act("pay_retry")
    me = member.me()
    assert (me["plan"], me["subscription_status"], me["can_download"]) == ("plus", "active", True)
    assert len(member.events("subscription_paid")) == 2  # the first invoice and the retried one


def test_upgrade_at_once_and_downgrade_at_renewal(member):
    member.subscribe("plus")
    member.act("change_plan", member.price("pro"))
    assert (member.me()["plan"], member.me()["tokens"]) == ("pro", 5)
    member.act("change_plan", member.price("classic"))
    me = member.me()
    assert (me["plan"], me["pending_plan"], me["tokens"]) == ("pro", "classic", 5)
    member.act("renew")
    me = member.me()
    assert (me["plan"], me["pending_plan"], me["tokens"]) == ("classic", None, 1)
    assert member.events("subscription_paid")[-1]["plan"] == "classic"


def test_cancel_keeps_the_plan_until_the_period_ends(member):
    member.subscribe("plus")
    member.act("cancel_at_period_end")
    me = member.me()
    assert (me["plan"], me["cancel_at_period_end"], me["can_download"], me["subscription_status"]) == (
        "plus", True, True, "active")
    member.act("end_period")
    me = member.me()
    assert (me["plan"], me["tokens"], me["subscription_status"], me["can_download"]) == (
        "explorer", 1, "canceled", False)
    assert member.events("subscription_changed")[-1]["plan"] == "explorer"


def test_checkout_is_refused_while_a_subscription_lives_and_allowed_after_it_ended(member):
    member.subscribe("plus")
    with pytest.raises(Conflict) as refused:
        member.checkout("pro")
    assert "portal" in refused.value.message
    member.act("cancel_at_period_end")
    member.act("end_period")
    first = member.subscription_id
    member.subscribe("classic")
    assert member.subscription_id != first
    assert (member.me()["plan"], member.me()["subscription_status"]) == ("classic", "active")


def test_reversed_delivery_ends_in_the_same_state(member, fake):
    session = member.checkout("plus")
    member.subscription_id = fake.complete_checkout(session["session_id"])["subscription"]
    statuses = member.deliver(list(reversed(member.take_events())))
    assert "processed" in statuses
    me = member.me()
    assert (me["plan"], me["tokens"], me["subscription_status"]) == ("plus", 3, "active")
    fake.change_plan(member.subscription_id, member.price("pro"))
    fake.cancel_at_period_end(member.subscription_id)
    newer_first = list(reversed(member.take_events()))
    member.deliver(newer_first)
    me = member.me()
    assert (me["plan"], me["cancel_at_period_end"]) == ("pro", True)  # the older update changed nothing
    assert len(member.events("subscription_paid")) == 1


def test_concurrent_duplicate_deliveries_apply_once(member, fake, session_factory):
    session = member.checkout("pro")
    member.subscription_id = fake.complete_checkout(session["session_id"])["subscription"]
    events = member.take_events()
    paid = next(e for e in events if e["type"] == "invoice.paid")

    def deliver_once() -> str:
        unit = UnitOfWork(session_factory)
        try:
            return unit.run(lambda u: stripe_events.handle(u, member.stripe, json.loads(json.dumps(paid))))["status"]
        except Exception as exc:  # a loser may also fail on the key at commit: Stripe would retry it
            return type(exc).__name__

    results = [thread.wait() for thread in [eventlet.spawn(deliver_once) for _ in range(4)]]
    assert results.count("processed") == 1
    assert len(member.events("subscription_paid")) == 1
    assert member.uow.session.scalar(select(func.count()).select_from(ProcessedStripeEvent)
                                     .where(ProcessedStripeEvent.event_id == paid["id"])) == 1


def test_a_refund_emits_subscription_refunded_with_the_amount(member, fake):
    member.subscribe("plus")
    invoice_id = fake.get(member.subscription_id)["latest_invoice"]
    fake.refund(invoice_id, 1000)
    fake.refund(invoice_id)
    member.deliver(member.take_events())
    refunds = member.events("subscription_refunded")
    assert [(r["invoice_id"], r["amount_cents"], r["currency"]) for r in refunds] == [
        (invoice_id, 1000, "CAD"), (invoice_id, 3500, "CAD")]
    validate_event(REGISTRY["subscription_refunded"], refunds[0])


PAID_AT = 1_793_491_199  # 2026-10-31T23:59:59Z: a period's last second, far from the delivery time
STRIPE_TIME = "2026-10-31T23:59:59+00:00"


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()


def test_subscription_paid_carries_when_stripe_says_the_invoice_was_paid(member, fake):
    session = member.checkout("plus")
    member.subscription_id = fake.complete_checkout(session["session_id"])["subscription"]
    events = member.take_events()
    paid = next(e for e in events if e["type"] == "invoice.paid")
    assert paid["data"]["object"]["status_transitions"]["paid_at"] is not None  # the fake says it, as Stripe does
    paid["data"]["object"]["status_transitions"]["paid_at"] = PAID_AT
    member.deliver(events)
    [emitted] = member.events("subscription_paid")
    assert emitted["paid_at"] == STRIPE_TIME
    validate_event(REGISTRY["subscription_paid"], emitted)


def test_subscription_paid_without_stripes_paid_at_falls_back_to_the_events_time(member, fake):
    session = member.checkout("plus")
    member.subscription_id = fake.complete_checkout(session["session_id"])["subscription"]
    events = member.take_events()
    paid = next(e for e in events if e["type"] == "invoice.paid")
    del paid["data"]["object"]["status_transitions"]
    member.deliver(events)
    [emitted] = member.events("subscription_paid")
    assert emitted["paid_at"] == iso(paid["created"])


def test_subscription_refunded_carries_the_refunds_time(member, fake):
    member.subscribe("plus")
    invoice_id = fake.get(member.subscription_id)["latest_invoice"]
    fake.refund(invoice_id, 1000)
    fake.refund(invoice_id, 500)
    first, second = member.take_events()
    first["data"]["object"]["refunds"]["data"][0]["created"] = PAID_AT  # the newest refund is the one reported
    assert len(second["data"]["object"]["refunds"]["data"]) == 2
    second["data"]["object"]["refunds"]["data"][0]["created"] = PAID_AT + 60
    second["data"]["object"]["refunds"]["data"][1]["created"] = PAID_AT
    member.deliver([first, second])
    assert [(r["amount_cents"], r["refunded_at"]) for r in member.events("subscription_refunded")] == [
        (1000, STRIPE_TIME), (500, iso(PAID_AT + 60))]


def test_subscription_refunded_without_the_refunds_falls_back_to_the_events_time(member, fake):
    member.subscribe("plus")
    fake.refund(fake.get(member.subscription_id)["latest_invoice"], 1000)
    [refunded] = member.take_events()
    del refunded["data"]["object"]["refunds"]  # Stripe leaves them out unless expanded
    member.deliver([refunded])
    [emitted] = member.events("subscription_refunded")
    assert emitted["refunded_at"] == iso(refunded["created"])
    validate_event(REGISTRY["subscription_refunded"], emitted)


def test_the_portal_needs_a_customer(member):
    with pytest.raises(Conflict) as refused:
        billing.open_portal(member.uow, member.stripe, member.id, URLS)
    assert "checkout" in refused.value.message
    member.checkout("plus")
    assert "/billing_portal/" in billing.open_portal(member.uow, member.stripe, member.id, URLS)["url"]


def test_cancel_subscription_now_ends_it_on_stripe_at_once(member, fake):
    member.subscribe("plus")
    assert billing.cancel_subscription_now(member.uow, member.stripe, member.id) == member.subscription_id
    assert fake.get(member.subscription_id)["status"] == "canceled"  # now, not at the period's end
    assert [e["type"] for e in member.take_events()] == ["customer.subscription.deleted"]
    # Stripe has ended it while our row still says active (the webhook is not in yet): nothing to do
    assert billing.cancel_subscription_now(member.uow, member.stripe, member.id) is None


def test_cancel_subscription_now_is_quiet_without_a_subscription(member, fake):
    assert billing.cancel_subscription_now(member.uow, None, member.id) is None  # Stripe not even needed
    member.checkout("plus")  # a customer, no subscription
    assert billing.cancel_subscription_now(member.uow, member.stripe, member.id) is None
    member.subscribe("plus")
    member.act("cancel_at_period_end")
    member.act("end_period")
    assert billing.cancel_subscription_now(member.uow, member.stripe, member.id) is None
    assert billing.cancel_subscription_now(member.uow, member.stripe, "no-such-user") is None


def test_cancel_subscription_now_without_stripe_refuses_rather_than_leave_it_billing(member):
    member.subscribe("plus")
    with pytest.raises(BillingUnavailable):
        billing.cancel_subscription_now(member.uow, None, member.id)


def test_without_stripe_billing_is_unavailable_and_says_what_to_set(member):
    with pytest.raises(BillingUnavailable) as refused:
        billing.start_checkout(member.uow, None, member.id, "plus", URLS)
    assert "STRIPE_API_KEY" in refused.value.message
    with pytest.raises(BillingUnavailable):
        billing.open_portal(member.uow, None, member.id, URLS)


@pytest.mark.parametrize("plan", ["explorer", "gold", None, 3])
def test_checkout_of_a_free_or_unknown_plan_is_invalid(plan):
    with pytest.raises(InvalidField) as refused:
        billing_schemas.load_checkout_plan(plan)
    assert "plan" in json.dumps(refused.value.details)


@pytest.mark.parametrize("event", [{}, {"id": "evt_1", "type": "invoice.paid"}, "nope",
                                   {"id": "evt_1", "type": "invoice.paid", "created": "soon", "data": {"object": {}}}])
def test_a_malformed_event_is_invalid_and_records_nothing(uow, stripe_billing, event):
    with pytest.raises(InvalidField):
        stripe_events.handle(uow, stripe_billing, event)
    assert uow.session.get(ProcessedStripeEvent, "evt_1") is None


def test_unrouted_types_are_ignored_and_events_of_strangers_change_no_one(uow, stripe_billing, fake):
    assert stripe_events.handle(uow, stripe_billing, {"id": "evt_unrouted", "type": "customer.created", "created": 1,
                                                      "data": {"object": {}}})["status"] == "ignored"
    stranger = fake.store.create_customer({"email": "nobody@example.com"})
    sub = fake.store.create_subscription(stranger["id"], [{"price": stripe_billing.price_id("pro"), "quantity": 1}], {})
    event = fake.store.emit("customer.subscription.created", sub)
    users_before = uow.session.scalar(select(func.count()).select_from(User).where(User.plan == "pro"))
    assert stripe_events.handle(uow, stripe_billing, json.loads(json.dumps(event)))["status"] == "processed"
    assert uow.session.scalar(select(func.count()).select_from(User).where(User.plan == "pro")) == users_before
    assert uow.session.scalar(select(func.count()).select_from(BillingAccount)
                              .where(BillingAccount.stripe_subscription_id == sub["id"])) == 0


def test_stripe_setup_is_idempotent_and_replaces_a_price_with_a_stale_amount(fake):
    client = make_client("sk_test_setup", fake.base_url)
    first = ensure_prices(client)
    assert ensure_prices(client) == first
    stale = client.v1.prices.create(params={
        "lookup_key": lookup_key("plus"), "transfer_lookup_key": True, "unit_amount": 1, "currency": "cad",
        "recurring": {"interval": "month"}, "product": fake.get(first["plus"])["product"]})
    fixed = ensure_prices(client)
    assert fixed["plus"] not in (first["plus"], stale.id) and fixed["pro"] == first["pro"]
    price = fake.get(fixed["plus"])
    assert (price["unit_amount"], price["lookup_key"], price["product"]) == (
        4500, lookup_key("plus"), fake.get(first["plus"])["product"])


def test_make_demo_pays_a_local_checkout_and_leaves_real_ones_to_people(member, fake):
    from devtools.stripe_setup import complete_local_checkout

    session = member.checkout("plus")
    assert complete_local_checkout(session["url"]) is True
    assert fake.get(session["session_id"])["status"] == "complete"
    assert complete_local_checkout("https://checkout.stripe.com/c/pay/cs_test_abc") is False


def test_without_stripe_a_paid_invoice_is_not_lost_but_refused_for_a_retry(member, fake):
    session = member.checkout("plus")
    fake.complete_checkout(session["session_id"])
    paid = next(e for e in member.take_events() if e["type"] == "invoice.paid")
    with pytest.raises(BillingUnavailable):
        stripe_events.handle(member.uow, None, json.loads(json.dumps(paid)))
    member.uow.rollback()  # as the RPC wrapper does: the event is not recorded, Stripe's retry will apply it
    assert member.uow.session.get(ProcessedStripeEvent, paid["id"]) is None
    assert member.deliver([paid]) == ["processed"] and len(member.events("subscription_paid")) == 1
