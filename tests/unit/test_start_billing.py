"""make run's billing (devtools/platform.py start_billing): the local fake Stripe signs its webhooks with the
STRIPE_WEBHOOK_SECRET given in the environment, and the platform's processes get that same secret."""
from __future__ import annotations

import io

import pytest
import stripe
from rich.console import Console

from devtools.platform import Platform, start_billing


@pytest.fixture
def started():
    fakes = []

    def start(env: dict[str, str]):
        platform = Platform(env=env, bind="127.0.0.1:9")
        fake = start_billing(platform, Console(file=io.StringIO()))
        fakes.append(fake)
        return platform, fake

    yield start
    for fake in fakes:
        if fake is not None:
            fake.stop()


def test_a_given_webhook_secret_is_the_one_the_fake_signs_with(started, monkeypatch):
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    platform, fake = started({"STRIPE_WEBHOOK_SECRET": "whsec_mine"})
    assert platform.env["STRIPE_WEBHOOK_SECRET"] == "whsec_mine"
    body, header = fake.webhooks.signed({"id": "evt_1", "object": "event", "type": "invoice.paid"})
    assert stripe.Webhook.construct_event(body, header, "whsec_mine").id == "evt_1"


def test_without_one_a_fresh_secret_is_made_and_given_to_the_platform(started, monkeypatch):
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    platform, fake = started({})
    secret = platform.env["STRIPE_WEBHOOK_SECRET"]
    assert secret.startswith("whsec_") and fake.webhooks.secret == secret
    assert platform.env["STRIPE_API_BASE"] == fake.base_url


def test_with_a_stripe_key_no_fake_is_started(started):
    platform, fake = started({"STRIPE_API_KEY": "sk_test_real", "STRIPE_WEBHOOK_SECRET": "whsec_dashboard"})
    assert fake is None and platform.env["STRIPE_WEBHOOK_SECRET"] == "whsec_dashboard"
