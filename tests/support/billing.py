"""Helpers for the billing end-to-end tests: subscribing a user through the fake Stripe, and a
queue of the test's own on the events exchange to see what accounts published."""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, Callable

from kombu import Connection, Exchange, Queue

from devtools.fakestripe import FakeStripe
from services.contracts.events import EXCHANGE
from tests.support.api import Api


class EventTap:
    """A queue bound to ``beatpass.events`` for some event names, like a consumer's would be."""

    def __init__(self, amqp_uri: str, names: tuple[str, ...]):
        self.connection = Connection(amqp_uri)
        exchange = Exchange(EXCHANGE, type="topic", durable=True)
        channel = self.connection.default_channel
        exchange(channel).declare()
        self.queue = Queue(f"test-billing-{uuid.uuid4().hex[:8]}", exchange=exchange, auto_delete=True)(channel)
        self.queue.declare()
        for name in names:
            self.queue.bind_to(exchange=EXCHANGE, routing_key=name)
        self.seen: list[dict[str, Any]] = []

    def _drain(self) -> None:
        while (message := self.queue.get(no_ack=True)) is not None:
            self.seen.append({"event": message.delivery_info["routing_key"], **json.loads(message.body)})

    def wait_for(self, predicate: Callable[[dict], bool], count: int = 1, timeout: float = 15.0) -> list[dict]:
        """At least ``count`` matching events (all of them once that many arrived)."""
        deadline = time.monotonic() + timeout
        while True:
            self._drain()
            found = [event for event in self.seen if predicate(event)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def close(self) -> None:
        self.queue.delete()
        self.connection.release()


class Subscriber:
    """A registered user of the platform who buys plans through the fake Stripe's checkout."""

    def __init__(self, api: Api, stripe: FakeStripe):
        self.api, self.stripe = api, stripe
        self.user = api.register()
        self.subscription_id: str | None = None

    @property
    def id(self) -> str:
        return self.user["id"]

    def checkout(self, plan: str) -> dict:
        response = self.api.post("billing/checkout", json={"plan": plan})
        assert response.status_code == 201, response.text
        return response.json()

    def subscribe(self, plan: str) -> None:
        """Check out ``plan`` and pay: the fake sends its webhooks to the gateway before returning."""
        done = len(self.stripe.deliveries)
        session = self.stripe.complete_checkout(self.checkout(plan)["session_id"])
        self.subscription_id = session["subscription"]
        assert_delivered(self.stripe, done)

    def price(self, plan: str) -> str:
        key = f"beatpass_{plan}_monthly"
        return next(p["id"] for p in self.stripe.store.of_kind("price") if p["lookup_key"] == key)

    def me(self) -> dict:
        response = self.api.get("me")
        assert response.status_code == 200, response.text
        return response.json()


def assert_delivered(stripe: FakeStripe, since: int) -> None:
    """Every webhook sent since index ``since`` was accepted by the gateway."""
    failed = [(d.event_type, d.status, d.body[:200]) for d in stripe.deliveries[since:] if d.status != 200]
    assert not failed, failed
