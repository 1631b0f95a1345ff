"""The billing RPCs over the real broker, with the Stripe dependency configured from the environment
(STRIPE_API_KEY / STRIPE_API_BASE) exactly as the running service is."""
from __future__ import annotations

import os

import pytest
from nameko.containers import ServiceContainer
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy

from devtools.stripe_setup import FAKE_API_KEY, start_local_fake
from services.accounts.billing.stripe_client import Stripe
from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.accounts.service import AccountsService

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fake_and_proxy(service_databases, amqp_uri):
    fake, env = start_local_fake("http://127.0.0.1:9/unused")
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    config = {"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": 4}
    container = ServiceContainer(AccountsService, config)
    container.start()
    try:
        with ServiceRpcProxy("accounts", config, timeout=20) as proxy:
            yield fake, proxy
    finally:
        container.kill()
        fake.stop()
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


def test_plans_checkout_and_a_webhook_event_over_rpc(fake_and_proxy):
    fake, proxy = fake_and_proxy
    plans = proxy.list_plans()
    assert [p["code"] for p in plans["items"]] == ["explorer", "classic", "plus", "pro"] and plans["total"] == 4
    user = proxy.register(email=new_email(), password=PASSWORD, username=new_username(), client_ip=new_ip())
    session = proxy.start_checkout(actor_id=user["id"], plan="pro")
    assert session["url"].startswith(fake.base_url)
    fake.auto_deliver = False
    fake.complete_checkout(session["session_id"])
    results = [proxy.handle_stripe_event(event=event) for event in fake.pending]
    assert [r["status"] for r in results] == ["processed", "processed", "processed"]
    me = proxy.get_user(actor_id=user["id"])
    assert (me["plan"], me["tokens"], me["subscription_status"], me["can_download"]) == ("pro", 5, "active", True)
    assert proxy.get_subscription(actor_id=user["id"])["plan"] == "pro"
    assert proxy.handle_stripe_event(event=fake.pending[-1])["status"] == "duplicate"


@pytest.mark.parametrize(("env", "site"), [({"GATEWAY_BIND": "0.0.0.0:8123"}, "http://127.0.0.1:8123"),
                                           ({"GATEWAY_BIND": "0.0.0.0:8123", "PUBLIC_URL": "https://bp.example.com"},
                                            "https://bp.example.com")])
def test_checkout_and_portal_send_the_browser_back_to_this_platform(fake_and_proxy, monkeypatch, env, site):
    fake, proxy = fake_and_proxy
    for name in ("PUBLIC_URL", "BILLING_SUCCESS_URL", "BILLING_CANCEL_URL", "BILLING_PORTAL_RETURN_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    user = proxy.register(email=new_email(), password=PASSWORD, username=new_username(), client_ip=new_ip())
    session = fake.get(proxy.start_checkout(actor_id=user["id"], plan="plus")["session_id"])
    assert session["success_url"] == f"{site}/billing/success?session_id={{CHECKOUT_SESSION_ID}}"
    assert session["cancel_url"] == f"{site}/billing/cancel"
    portal = proxy.open_billing_portal(actor_id=user["id"])["url"]
    assert fake.get(portal.rsplit("/", 1)[-1])["return_url"] == f"{site}/account/billing"


def test_refusals_travel_as_contract_errors(fake_and_proxy):
    _, proxy = fake_and_proxy
    user = proxy.register(email=new_email(), password=PASSWORD, username=new_username(), client_ip=new_ip())
    with pytest.raises(RemoteError) as invalid:
        proxy.start_checkout(actor_id=user["id"], plan="explorer")
    assert invalid.value.exc_type == "InvalidField"
    with pytest.raises(RemoteError) as conflict:
        proxy.open_billing_portal(actor_id=user["id"])
    assert conflict.value.exc_type == "Conflict"


def test_the_dependency_is_off_without_an_api_key(monkeypatch):
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    provider = Stripe()
    provider.setup()
    assert provider.get_dependency(None) is None
    monkeypatch.setenv("STRIPE_API_KEY", FAKE_API_KEY)
    provider.setup()
    assert provider.get_dependency(None) is not None
