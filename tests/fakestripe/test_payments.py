"""One-off payments with the real stripe SDK: a payment-mode Checkout Session with inline prices (as licensing
sells an exclusive), paid on the hosted page, its PaymentIntent and Charge, refunds, and two buyers at once."""

from __future__ import annotations

import html
import re
import threading
import time
from typing import Any, Iterator

import pytest
import requests
import stripe
from werkzeug.wrappers import Request, Response

from devtools.fakestripe import FakeStripe
from devtools.fakestripe.forms import StripeError
from devtools.fakestripe.serving import serve
from tests.fakestripe.conftest import SECRET, Receiver

SALE = {"beatpass_purpose": "exclusive_sale", "track_id": "t-1", "buyer_user_id": "u-1", "price_cents": "50000",
        "fee_cents": "6300"}


def exclusive_session(client: stripe.StripeClient, track: str = "Night Drive", price: int = 50000,
                      fee: int = 6300, metadata: dict[str, str] | None = None) -> Any:
    """What licensing asks Stripe for: the price and the buyer's fee as two inline lines."""
    meta = metadata or SALE
    return client.v1.checkout.sessions.create(params={
        "mode": "payment",
        "line_items": [
            {"price_data": {"currency": "cad", "unit_amount": price,
                            "product_data": {"name": f"Exclusive licence — {track}"}}, "quantity": 1},
            {"price_data": {"currency": "cad", "unit_amount": fee, "product_data": {"name": "Buyer's fee"}},
             "quantity": 1},
        ],
        "metadata": meta, "payment_intent_data": {"metadata": meta}, "client_reference_id": meta["buyer_user_id"],
        "success_url": "https://beatpass.test/exclusive/success?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://beatpass.test/exclusive/cancel",
    })


@pytest.fixture
def session(client: stripe.StripeClient) -> Any:
    return exclusive_session(client)


def first_form(page: str) -> tuple[str, dict[str, str]]:
    """The page's first form, as a test (or a script) submits it."""
    action, inner = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S).groups()
    return action, dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', inner))


def pay_on_page(fake: FakeStripe, url: str) -> requests.Response:
    action, fields = first_form(requests.get(url, timeout=10).text)
    return requests.post(f"{fake.base_url}{action}", data=fields, allow_redirects=False, timeout=10)


def paid(client: stripe.StripeClient, fake: FakeStripe, session: Any) -> Any:
    """Pay the session on its page; the completed session."""
    assert pay_on_page(fake, session.url).status_code == 303
    return client.v1.checkout.sessions.retrieve(session.id)


# -- the session and its lines --------------------------------------------------------------------------------

def test_payment_session_with_inline_prices(client: stripe.StripeClient, fake: FakeStripe, session: Any) -> None:
    assert session.mode == "payment" and session.status == "open" and session.payment_status == "unpaid"
    assert session.amount_total == 56300 and session.amount_subtotal == 56300 and session.currency == "cad"
    assert session.payment_intent is None and session.customer is None  # made on payment, as Stripe does
    assert session.client_reference_id == "u-1" and session.metadata.to_dict() == SALE
    assert session.url == f"{fake.base_url}/checkout/{session.id}"
    again = client.v1.checkout.sessions.retrieve(session.id)
    assert again.id == session.id and again.metadata.to_dict() == SALE
    assert client.v1.prices.list(params={"active": True}).data == []  # inline prices are never offered again


def test_line_items_are_listed_and_expandable(client: stripe.StripeClient, session: Any) -> None:
    lines = client.v1.checkout.sessions.line_items.list(session.id)
    assert lines.object == "list" and lines.url == f"/v1/checkout/sessions/{session.id}/line_items"
    assert [(x.description, x.quantity, x.amount_total, x.currency) for x in lines.data] == [
        ("Exclusive licence — Night Drive", 1, 50000, "cad"), ("Buyer's fee", 1, 6300, "cad")]
    assert all(x.object == "item" and x.price.type == "one_time" and x.price.active is False for x in lines.data)
    first = client.v1.checkout.sessions.line_items.list(session.id, params={"limit": 1})
    assert first.has_more is True and first.data[0].id == lines.data[0].id
    expanded = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items"]})
    assert [x.id for x in expanded.line_items.data] == [x.id for x in lines.data]
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.line_items.list("cs_test_nope")
    assert err.value.http_status == 404 and err.value.code == "resource_missing"


@pytest.mark.parametrize("line, param", [
    ({"quantity": 1}, "line_items[0]"),
    ({"price_data": {"currency": "cad", "product_data": {"name": "X"}}}, "line_items[0][price_data][unit_amount]"),
    ({"price_data": {"unit_amount": 100, "product_data": {"name": "X"}}}, "line_items[0][price_data][currency]"),
    ({"price_data": {"currency": "cad", "unit_amount": 100}}, "line_items[0][price_data][product_data][name]"),
    ({"price_data": {"currency": "cad", "unit_amount": -1, "product_data": {"name": "X"}}},
     "line_items[0][price_data][unit_amount]"),
    ({"price_data": {"currency": "cad", "unit_amount": 100, "product_data": {"name": "X"}}, "quantity": 0},
     "line_items[0][quantity]"),
])
def test_bad_line_items_are_refused_naming_the_param(client: stripe.StripeClient, line: dict[str, Any],
                                                      param: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params={"mode": "payment", "success_url": "https://x/ok",
                                                   "line_items": [line]})
    assert err.value.http_status == 400 and err.value.param == param


def test_payment_mode_refuses_recurring_prices_and_mixed_currencies(client: stripe.StripeClient,
                                                                    plan: dict[str, Any]) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params={"mode": "payment", "success_url": "https://x/ok",
                                                   "line_items": [{"price": plan["plus"].id, "quantity": 1}]})
    assert err.value.param == "line_items[0][price]" and "recurring" in str(err.value)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params={"mode": "payment", "success_url": "https://x/ok", "line_items": [
            {"price_data": {"currency": "cad", "unit_amount": 100, "product_data": {"name": "A"}}},
            {"price_data": {"currency": "usd", "unit_amount": 100, "product_data": {"name": "B"}}}]})
    assert err.value.param == "line_items"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params={"mode": "setup", "success_url": "https://x/ok",
                                                   "line_items": [{"price": plan["plus"].id}]})
    assert err.value.param == "mode"


# -- the hosted page -------------------------------------------------------------------------------------------

def test_the_page_lists_both_lines_and_the_total_and_pay_is_the_first_form(fake: FakeStripe, session: Any) -> None:
    page = requests.get(session.url, timeout=10).text
    lines = [tuple(html.unescape(cell) for cell in row)
             for row in re.findall(r'<tr class="line"><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>', page)]
    assert lines == [("Exclusive licence — Night Drive", "× 1", "500.00 CAD"), ("Buyer's fee", "× 1", "63.00 CAD")]
    assert re.search(r'<tr id="total"><th colspan="2">Total</th><th>563.00 CAD</th></tr>', page)
    action, fields = first_form(page)
    assert action == f"/_fake/checkout/{session.id}/complete" and fields == {"redirect": "1"}
    assert "Pay 563.00 CAD</button>" in page
    assert 'href="https://beatpass.test/exclusive/cancel"' in page


def test_paying_on_the_page_makes_the_payment_intent_and_charge_with_the_metadata(
        client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver, session: Any) -> None:
    answer = pay_on_page(fake, session.url)
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"https://beatpass.test/exclusive/success?session_id={session.id}"
    done = client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status, done.amount_total, done.amount_subtotal) == (
        "complete", "paid", 56300, 56300)
    intent = client.v1.payment_intents.retrieve(done.payment_intent)
    assert intent.id.startswith("pi_") and intent.status == "succeeded"
    assert (intent.amount, intent.amount_received, intent.currency) == (56300, 56300, "cad")
    assert intent.metadata.to_dict() == SALE
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.paid, charge.captured, charge.status, charge.refunded) == (True, True, "succeeded", False)
    assert (charge.amount, charge.amount_refunded, charge.currency) == (56300, 0, "cad")
    assert charge.payment_intent == intent.id and charge.metadata.to_dict() == SALE
    expanded = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent.latest_charge"]})
    assert expanded.payment_intent.latest_charge.id == charge.id
    assert "Pay " not in requests.get(session.url, timeout=10).text  # paid: no second payment


def test_completion_sends_a_signed_checkout_session_completed(fake: FakeStripe, receiver: Receiver,
                                                              session: Any) -> None:
    done = fake.complete_checkout(session.id)
    assert receiver.types == ["checkout.session.completed"]  # no customer is made for a one-off payment
    delivered = receiver.received[0]
    event = stripe.Webhook.construct_event(delivered.body, delivered.signature, SECRET)
    obj = event.data.object
    assert (obj.id, obj.mode, obj.payment_status, obj.amount_total) == (session.id, "payment", "paid", 56300)
    assert obj.payment_intent == done["payment_intent"] and obj.metadata.to_dict() == SALE
    assert obj.client_reference_id == "u-1"
    with pytest.raises(StripeError) as err:
        fake.complete_checkout(session.id)
    assert err.value.code == "checkout_session_not_open"


# -- refunds ---------------------------------------------------------------------------------------------------

def test_full_refund_of_a_payment_intent_sends_charge_refunded_with_the_metadata(
        client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver, session: Any) -> None:
    intent_id = paid(client, fake, session).payment_intent
    refund = client.v1.refunds.create(params={"payment_intent": intent_id})
    assert refund.object == "refund" and refund.status == "succeeded" and refund.amount == 56300
    assert refund.payment_intent == intent_id and refund.currency == "cad"
    charge = client.v1.charges.retrieve(refund.charge)
    assert (charge.refunded, charge.amount_refunded) == (True, 56300)
    assert client.v1.refunds.retrieve(refund.id).id == refund.id
    delivered = receiver.received[-1]
    event = stripe.Webhook.construct_event(delivered.body, delivered.signature, SECRET)
    assert event.type == "charge.refunded"
    obj = event.data.object
    assert (obj.object, obj.id, obj.refunded, obj.amount_refunded) == ("charge", charge.id, True, 56300)
    assert obj.payment_intent == intent_id and obj.metadata.to_dict() == SALE
    assert event.data.previous_attributes.to_dict() == {"amount_refunded": 0, "refunded": False}


def test_partial_refunds_then_the_rest_then_nothing_left(client: stripe.StripeClient, fake: FakeStripe,
                                                         receiver: Receiver, session: Any) -> None:
    charge_id = client.v1.payment_intents.retrieve(paid(client, fake, session).payment_intent).latest_charge
    first = client.v1.refunds.create(params={"charge": charge_id, "amount": 6300, "reason": "requested_by_customer",
                                             "metadata": {"why": "fee"}})
    assert first.amount == 6300 and first.reason == "requested_by_customer" and first.metadata.to_dict() == {
        "why": "fee"}
    charge = client.v1.charges.retrieve(charge_id)
    assert (charge.refunded, charge.amount_refunded) == (False, 6300)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"charge": charge_id, "amount": 50001})
    assert (err.value.http_status, err.value.code, err.value.param) == (400, "amount_too_large", "amount")
    assert "500.00 CAD" in err.value.user_message and set(err.value.json_body["error"]) == {
        "type", "message", "param", "code"}
    rest = client.v1.refunds.create(params={"charge": charge_id})
    assert rest.amount == 50000 and client.v1.charges.retrieve(charge_id).refunded is True
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"charge": charge_id, "amount": 1})
    assert err.value.code == "charge_already_refunded"
    assert receiver.types.count("charge.refunded") == 2


def test_a_repeated_idempotency_key_refunds_once(client: stripe.StripeClient, fake: FakeStripe,
                                                 receiver: Receiver, session: Any) -> None:
    intent_id = paid(client, fake, session).payment_intent
    key = f"exclusive-refund-{session.id}"
    first = client.v1.refunds.create(params={"payment_intent": intent_id}, options={"idempotency_key": key})
    again = client.v1.refunds.create(params={"payment_intent": intent_id}, options={"idempotency_key": key})
    assert again.id == first.id and again.amount == 56300
    assert client.v1.charges.retrieve(first.charge).amount_refunded == 56300
    assert receiver.types.count("charge.refunded") == 1
    with pytest.raises(stripe.InvalidRequestError) as err:  # a new key: there is nothing left to refund
        client.v1.refunds.create(params={"payment_intent": intent_id}, options={"idempotency_key": "other"})
    assert err.value.code == "charge_already_refunded"


def test_refund_requests_that_name_nothing_refundable_are_refused(client: stripe.StripeClient,
                                                                  session: Any) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"amount": 100})
    assert err.value.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"payment_intent": "pi_nope"})
    assert (err.value.http_status, err.value.param) == (404, "payment_intent")
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.payment_intents.retrieve("pi_nope")
    assert err.value.http_status == 404


def test_the_dashboard_refund_helper(client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver,
                                     session: Any) -> None:
    intent_id = paid(client, fake, session).payment_intent
    assert fake.refund_payment(intent_id, 300)["amount"] == 300
    assert fake.refund_payment(intent_id)["amount"] == 56000
    assert receiver.received[-1].event["data"]["object"]["refunded"] is True


# -- two buyers at once ----------------------------------------------------------------------------------------

class SlowReceiver:
    """A webhook endpoint that takes its time, counting how many deliveries it handles at the same moment."""

    def __init__(self, delay: float = 0.5) -> None:
        self.delay, self.in_flight, self.most = delay, 0, 0
        self.types: list[str] = []
        self._lock = threading.Lock()
        self._server = serve(self._app)
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhooks/stripe"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        event = Request(environ).get_json()
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1
            self.types.append(event["type"])
        return Response("{}", mimetype="application/json")(environ, start_response)

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def slow() -> Iterator[SlowReceiver]:
    r = SlowReceiver()
    yield r
    r.stop()


def test_two_sessions_complete_at_once_and_their_webhooks_arrive_together(slow: SlowReceiver) -> None:
    with FakeStripe(webhook_url=slow.url, webhook_secret=SECRET) as fake:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.base_url}, max_network_retries=0)
        one = exclusive_session(client, metadata={**SALE, "buyer_user_id": "u-1"})
        two = exclusive_session(client, metadata={**SALE, "buyer_user_id": "u-2"})
        done = fake.complete_checkouts([one.id, two.id])
        assert [s["id"] for s in done] == [one.id, two.id] and all(s["status"] == "complete" for s in done)
        assert slow.types == ["checkout.session.completed"] * 2 and slow.most == 2  # handled concurrently
        intents = [client.v1.payment_intents.retrieve(s["payment_intent"]) for s in done]
        assert [i.metadata["buyer_user_id"] for i in intents] == ["u-1", "u-2"]


def test_completing_at_once_over_http_is_all_or_nothing(client: stripe.StripeClient, fake: FakeStripe,
                                                        receiver: Receiver) -> None:
    one, two, three = (exclusive_session(client) for _ in range(3))
    answer = requests.post(f"{fake.base_url}/_fake/checkouts/complete", data={"ids[]": [one.id, two.id]},
                           timeout=10)
    assert answer.status_code == 200
    assert [s["status"] for s in answer.json()["data"]] == ["complete", "complete"]
    assert sorted(r.event["data"]["object"]["id"] for r in receiver.received) == sorted([one.id, two.id])
    refused = requests.post(f"{fake.base_url}/_fake/checkouts/complete", data={"ids[]": [three.id, one.id]},
                            timeout=10)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "checkout_session_not_open"
    assert client.v1.checkout.sessions.retrieve(three.id).status == "open"  # nothing completed
    twice = requests.post(f"{fake.base_url}/_fake/checkouts/complete", data={"ids[]": [three.id, three.id]},
                          timeout=10)
    assert twice.status_code == 400 and twice.json()["error"]["param"] == "ids"
    assert client.v1.checkout.sessions.retrieve(three.id).status == "open"
    empty = requests.post(f"{fake.base_url}/_fake/checkouts/complete", timeout=10)
    assert empty.status_code == 400 and empty.json()["error"]["param"] == "ids"


def test_held_completions_wait_for_flush(receiver: Receiver) -> None:
    with FakeStripe(webhook_url=receiver.url, webhook_secret=SECRET, auto_deliver=False) as fake:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.base_url}, max_network_retries=0)
        one, two = exclusive_session(client), exclusive_session(client)
        fake.complete_checkouts([one.id, two.id])
        assert receiver.received == [] and [e["data"]["object"]["id"] for e in fake.pending] == [one.id, two.id]
        fake.flush(order=lambda events: list(reversed(events)))
        assert [r.event["data"]["object"]["id"] for r in receiver.received] == [two.id, one.id]
