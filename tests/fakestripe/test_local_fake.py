"""make run's local fake Stripe (devtools/stripe_setup.py start_local_fake, devtools/platform.py start_billing):
Connect events go to the gateway's Connect endpoint, signed with STRIPE_CONNECT_WEBHOOK_SECRET, which the
platform's processes get too (the one given in the environment, or a generated one)."""

from __future__ import annotations

import io
from typing import Any, Callable, Iterator

import pytest
import stripe
from rich.console import Console

from devtools.platform import Platform, start_billing
from devtools.stripe_setup import FAKE_API_KEY, start_local_fake
from tests.fakestripe.conftest import Receiver


@pytest.fixture
def started() -> Iterator[Callable[[dict[str, str]], tuple[Platform, Any]]]:
    fakes = []

    def start(env: dict[str, str]) -> tuple[Platform, Any]:
        platform = Platform(env=env, bind="127.0.0.1:9")
        fake = start_billing(platform, Console(file=io.StringIO()))
        fakes.append(fake)
        return platform, fake

    yield start
    for fake in fakes:
        if fake is not None:
            fake.stop()


def test_make_run_passes_a_given_connect_secret(started: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    platform, fake = started({"STRIPE_WEBHOOK_SECRET": "whsec_mine", "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_conn"})
    assert platform.env["STRIPE_CONNECT_WEBHOOK_SECRET"] == "whsec_conn"
    assert platform.env["STRIPE_WEBHOOK_SECRET"] == "whsec_mine"
    assert fake.connect_webhooks.url == f"{platform.url}/api/v1/webhooks/stripe/connect"
    body, header = fake.signed({"id": "evt_1", "object": "event", "type": "account.updated", "account": "acct_1"})
    assert stripe.Webhook.construct_event(body, header, "whsec_conn").account == "acct_1"


def test_make_run_generates_a_connect_secret(started: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    platform, fake = started({})
    secret = platform.env["STRIPE_CONNECT_WEBHOOK_SECRET"]
    assert secret.startswith("whsec_") and fake.connect_webhooks.secret == secret
    assert secret != platform.env["STRIPE_WEBHOOK_SECRET"]


def test_start_local_fake_sends_connect_events_to_the_connect_endpoint() -> None:
    platform_endpoint, connect_endpoint = Receiver(), Receiver()
    fake, env = start_local_fake(platform_endpoint.url, None, connect_endpoint.url, "whsec_c")
    try:
        assert env["STRIPE_CONNECT_WEBHOOK_SECRET"] == "whsec_c" and env["STRIPE_API_KEY"] == FAKE_API_KEY
        client = stripe.StripeClient(FAKE_API_KEY, base_addresses={"api": env["STRIPE_API_BASE"]},
                                     max_network_retries=0)
        account = client.v1.accounts.create(params={"type": "express", "capabilities": {"transfers": {
            "requested": True}}})
        fake.complete_onboarding(account.id)
        client.v1.transfers.create(params={"amount": 100, "currency": "cad", "destination": account.id})
        assert connect_endpoint.types == ["account.updated"] and platform_endpoint.types == ["transfer.created"]
        delivered = connect_endpoint.received[0]
        assert stripe.Webhook.construct_event(delivered.body, delivered.signature, "whsec_c").account == account.id
        stripe.Webhook.construct_event(platform_endpoint.received[0].body, platform_endpoint.received[0].signature,
                                       env["STRIPE_WEBHOOK_SECRET"])
    finally:
        fake.stop()
        platform_endpoint.stop()
        connect_endpoint.stop()


def test_start_local_fake_defaults_the_connect_url_beside_the_platform_one() -> None:
    fake, env = start_local_fake("http://127.0.0.1:9/api/v1/webhooks/stripe")  # bench's and the e2e tests' call
    try:
        assert fake.connect_webhooks.url == "http://127.0.0.1:9/api/v1/webhooks/stripe/connect"
        assert env["STRIPE_CONNECT_WEBHOOK_SECRET"].startswith("whsec_")
    finally:
        fake.stop()
