"""A fake Stripe per test, with a tiny webhook receiver standing in for the gateway."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest
import stripe
from werkzeug.wrappers import Request, Response

from devtools.fakestripe import FakeStripe
from devtools.fakestripe.serving import serve

SECRET = "whsec_test_secret"
CONNECT_SECRET = "whsec_test_connect_secret"


@dataclass
class Received:
    body: bytes
    signature: str

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Collects every POST; answers `status` (settable, to simulate a failing endpoint)."""

    status: int = 200
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = serve(self._app)
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhooks/stripe"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.received.append(Received(request.get_data(), request.headers.get("Stripe-Signature", "")))
        return Response("{}", status=self.status, mimetype="application/json")(environ, start_response)

    @property
    def types(self) -> list[str]:
        return [r.event["type"] for r in self.received]

    @property
    def ids(self) -> list[str]:
        return [r.event["id"] for r in self.received]

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def connect_receiver() -> Iterator[Receiver]:
    """The platform's Connect webhook endpoint (events about connected accounts)."""
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def fake(receiver: Receiver, connect_receiver: Receiver) -> Iterator[FakeStripe]:
    with FakeStripe(webhook_url=receiver.url, webhook_secret=SECRET, connect_webhook_url=connect_receiver.url,
                    connect_webhook_secret=CONNECT_SECRET) as f:
        yield f


@pytest.fixture
def client(fake: FakeStripe) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_x", base_addresses={"api": fake.base_url}, max_network_retries=0)


@pytest.fixture
def plan(client: stripe.StripeClient) -> dict[str, Any]:
    """A customer, two monthly CAD prices (plus, pro) and a completed-able checkout session for plus."""
    customer = client.v1.customers.create(params={"email": "fan@example.com", "name": "Fan"})
    plus = client.v1.prices.create(params={
        "lookup_key": "plus_monthly", "unit_amount": 1499, "currency": "cad",
        "recurring": {"interval": "month"}, "product_data": {"name": "Plus"}})
    pro = client.v1.prices.create(params={
        "lookup_key": "pro_monthly", "unit_amount": 2999, "currency": "cad",
        "recurring": {"interval": "month"}, "product_data": {"name": "Pro"}})
    session = client.v1.checkout.sessions.create(params={
        "mode": "subscription", "customer": customer.id, "line_items": [{"price": plus.id, "quantity": 1}],
        "success_url": "https://beatpass.test/ok", "cancel_url": "https://beatpass.test/cancel",
        "client_reference_id": "user-1", "metadata": {"user": "user-1"},
        "subscription_data": {"metadata": {"plan": "plus"}}})
    return {"customer": customer, "plus": plus, "pro": pro, "session": session}


def subscribed(fake: FakeStripe, plan: dict[str, Any]) -> str:
    """Complete the plan fixture's checkout; return the subscription id."""
    return fake.complete_checkout(plan["session"].id)["subscription"]


def express_account(client: stripe.StripeClient, **extra: Any) -> stripe.Account:
    params: dict[str, Any] = {"type": "express", "country": "CA", "email": "producer@example.com",
                              "metadata": {"beatpass_user_id": "user-1"},
                              "capabilities": {"transfers": {"requested": True}}, **extra}
    return client.v1.accounts.create(params=params)


def onboarded(fake: FakeStripe, client: stripe.StripeClient, **extra: Any) -> str:
    """An Express account that finished onboarding (transfers active); its id."""
    return fake.complete_onboarding(express_account(client, **extra).id)["id"]
