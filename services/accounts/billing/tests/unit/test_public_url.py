"""Every link Stripe sends a browser to comes from one setting: PUBLIC_URL, by default the gateway's bind
address (GATEWAY_BIND) with 0.0.0.0 read as this machine."""
from __future__ import annotations

import pytest

from services.accounts.billing.stripe_client import billing_urls
from services.common.config import public_url

LINK_VARIABLES = ("PUBLIC_URL", "GATEWAY_BIND", "BILLING_SUCCESS_URL", "BILLING_CANCEL_URL",
                  "BILLING_PORTAL_RETURN_URL")


@pytest.fixture
def env(monkeypatch):
    for name in LINK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(("bind", "expected"), [
    (None, "http://127.0.0.1:8000"),
    ("127.0.0.1:8123", "http://127.0.0.1:8123"),
    ("0.0.0.0:9001", "http://127.0.0.1:9001"),
    ("[::]:9002", "http://127.0.0.1:9002"),
    ("localhost:7000, 0.0.0.0:7001", "http://localhost:7000"),
    ("[::1]:7002", "http://[::1]:7002"),
])
def test_without_public_url_the_gateways_bind_address_is_used(env, bind, expected):
    if bind is not None:
        env.setenv("GATEWAY_BIND", bind)
    assert public_url() == expected


def test_public_url_wins_and_loses_its_trailing_slash(env):
    env.setenv("GATEWAY_BIND", "0.0.0.0:8000")
    env.setenv("PUBLIC_URL", "https://beatpass.example.com/")
    assert public_url() == "https://beatpass.example.com"


def test_every_billing_link_is_under_the_public_url(env):
    env.setenv("GATEWAY_BIND", "0.0.0.0:8123")
    urls = billing_urls()
    assert urls.success == "http://127.0.0.1:8123/billing/success?session_id={CHECKOUT_SESSION_ID}"
    assert urls.cancel == "http://127.0.0.1:8123/billing/cancel"
    assert urls.portal_return == "http://127.0.0.1:8123/account/billing"  # the app's billing page


def test_each_billing_link_may_still_be_overridden(env):
    env.setenv("PUBLIC_URL", "https://beatpass.example.com")
    env.setenv("BILLING_PORTAL_RETURN_URL", "https://app.beatpass.example.com/account")
    urls = billing_urls()
    assert urls.portal_return == "https://app.beatpass.example.com/account"
    assert urls.cancel == "https://beatpass.example.com/billing/cancel"


@pytest.mark.parametrize(("name", "value"), [("PUBLIC_URL", "beatpass.example.com"),
                                             ("PUBLIC_URL", "ftp://beatpass.example.com"),
                                             ("GATEWAY_BIND", "unix:/run/gateway.sock")])
def test_an_unusable_setting_stops_with_what_to_set(env, name, value):
    env.setenv(name, value)
    with pytest.raises(SystemExit, match=f"{name}.*PUBLIC_URL|PUBLIC_URL.*{value}"):
        public_url()
