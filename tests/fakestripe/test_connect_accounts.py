"""Connect Express accounts, account links and the hosted onboarding page, with the real stripe SDK; the
account.updated webhooks reach the Connect endpoint signed with the Connect secret."""

from __future__ import annotations

import re
import time

import pytest
import requests
import stripe

from devtools.fakestripe import FakeStripe
from tests.fakestripe.conftest import CONNECT_SECRET, SECRET, Receiver, express_account

LINK = {"refresh_url": "https://beatpass.test/producer/stripe/refresh",
        "return_url": "https://beatpass.test/producer/stripe/return", "type": "account_onboarding"}


def first_form_action(page: str) -> str:
    return re.search(r'<form method="post" action="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_express_account_create_and_retrieve(client: stripe.StripeClient) -> None:
    created = express_account(client)
    assert created.id.startswith("acct_") and created.object == "account" and created.type == "express"
    assert created.country == "CA" and created.default_currency == "cad" and created.email == "producer@example.com"
    assert created.metadata.to_dict() == {"beatpass_user_id": "user-1"}
    assert created.capabilities.to_dict() == {"transfers": "inactive"}
    assert (created.details_submitted, created.charges_enabled, created.payouts_enabled) == (False, False, False)
    assert created.requirements.currently_due and created.controller.stripe_dashboard.type == "express"
    again = client.v1.accounts.retrieve(created.id)
    assert again.id == created.id and again.country == "CA"


def test_account_create_with_the_sdk_resource_methods(fake: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe, "api_base", fake.base_url)
    account = stripe.Account.create(api_key="sk_test_x", type="express", country="FR", email="fr@example.com",
                                    metadata={"beatpass_user_id": "u2"},
                                    capabilities={"transfers": {"requested": True}})
    assert stripe.Account.retrieve(account.id, api_key="sk_test_x").default_currency == "eur"
    link = stripe.AccountLink.create(api_key="sk_test_x", account=account.id, **LINK)
    assert link.url.startswith(f"{fake.base_url}/connect/onboarding/")


@pytest.mark.parametrize("params, param, code", [
    ({"type": "standard"}, "type", "parameter_invalid"),
    ({"type": "express", "country": "ZZ"}, "country", "country_unsupported"),
    ({"type": "express", "capabilities": {"card_payments": {"requested": True}}}, "capabilities",
     "parameter_missing"),
])
def test_account_create_refusals(client: stripe.StripeClient, params: dict, param: str, code: str) -> None:
    base = {"capabilities": {"transfers": {"requested": True}}}
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.accounts.create(params={**base, **params})
    assert err.value.param == param and err.value.code == code


def test_account_link_points_at_the_hosted_page(client: stripe.StripeClient, fake: FakeStripe) -> None:
    account = express_account(client)
    before = int(time.time())
    link = client.v1.account_links.create(params={"account": account.id, **LINK})
    assert link.object == "account_link" and link.url.startswith(f"{fake.base_url}/connect/onboarding/")
    assert before <= link.created and link.expires_at == link.created + 300
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.account_links.create(params={**LINK, "account": "acct_missing"})
    assert err.value.http_status == 404 and err.value.param == "account"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.account_links.create(params={"account": account.id, "type": "account_onboarding"})
    assert err.value.code == "parameter_missing"


def test_onboarding_page_first_form_completes_and_notifies_connect_endpoint(
        client: stripe.StripeClient, fake: FakeStripe, receiver: Receiver, connect_receiver: Receiver) -> None:
    account = express_account(client)
    link = client.v1.account_links.create(params={"account": account.id, **LINK})
    page = requests.get(link.url, timeout=10)
    assert page.status_code == 200 and "tos_acceptance.date" in page.text
    done = requests.post(fake.base_url + first_form_action(page.text), allow_redirects=False, timeout=10)
    assert done.status_code == 303 and done.headers["Location"] == LINK["return_url"]
    after = client.v1.accounts.retrieve(account.id)
    assert (after.details_submitted, after.charges_enabled, after.payouts_enabled) == (True, True, True)
    assert after.requirements.currently_due == [] and after.capabilities.transfers == "active"
    assert receiver.received == [] and connect_receiver.types == ["account.updated"]
    delivered = connect_receiver.received[0]
    event = stripe.Webhook.construct_event(delivered.body, delivered.signature, CONNECT_SECRET)
    assert event.account == account.id and event.data.object.payouts_enabled is True
    assert event.data.previous_attributes.charges_enabled is False
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivered.body, delivered.signature, SECRET)
    # Single use: the link now sends the browser to refresh_url, and acts no more.
    again = requests.get(link.url, allow_redirects=False, timeout=10)
    assert again.status_code == 303 and again.headers["Location"] == LINK["refresh_url"]
    replay = requests.post(fake.base_url + first_form_action(page.text), allow_redirects=False, timeout=10)
    assert replay.headers["Location"] == LINK["refresh_url"] and len(connect_receiver.received) == 1


def test_leaving_the_page_changes_nothing(client: stripe.StripeClient, fake: FakeStripe,
                                          connect_receiver: Receiver) -> None:
    account = express_account(client)
    link = client.v1.account_links.create(params={"account": account.id, **LINK})
    token = link.url.rsplit("/", 1)[-1]
    left = requests.post(f"{fake.base_url}/connect/onboarding/{token}/leave", allow_redirects=False, timeout=10)
    assert left.headers["Location"] == LINK["return_url"]
    assert client.v1.accounts.retrieve(account.id).details_submitted is False and connect_receiver.received == []


def test_expired_link_goes_to_refresh_url(client: stripe.StripeClient, fake: FakeStripe) -> None:
    account = express_account(client)
    link = client.v1.account_links.create(params={"account": account.id, **LINK})
    fake.advance_clock(301)
    expired = requests.get(link.url, allow_redirects=False, timeout=10)
    assert expired.status_code == 303 and expired.headers["Location"] == LINK["refresh_url"]
    assert requests.get(f"{fake.base_url}/connect/onboarding/nope", timeout=10).status_code == 404


def test_requirements_due_hook_turns_flags_red(client: stripe.StripeClient, fake: FakeStripe,
                                               connect_receiver: Receiver) -> None:
    account_id = fake.complete_onboarding(express_account(client).id)["id"]
    resp = requests.post(f"{fake.base_url}/_fake/accounts/{account_id}/requirements_due",
                         data={"fields[]": ["individual.id_number"]}, timeout=10)
    assert resp.status_code == 200
    after = client.v1.accounts.retrieve(account_id)
    assert (after.charges_enabled, after.payouts_enabled) == (False, False)
    assert after.requirements.currently_due == ["individual.id_number"]
    assert after.requirements.disabled_reason == "requirements.past_due"
    assert connect_receiver.types == ["account.updated", "account.updated"]
    event = stripe.Webhook.construct_event(connect_receiver.received[-1].body,
                                           connect_receiver.received[-1].signature, CONNECT_SECRET)
    assert event.account == account_id and event.data.object.requirements.currently_due == ["individual.id_number"]
    assert fake.requirements_due(account_id)["requirements"]["currently_due"] == ["individual.verification.document"]
    fake.complete_onboarding(account_id)  # finishing again turns them green
    assert client.v1.accounts.retrieve(account_id).payouts_enabled is True
    sent = len(connect_receiver.received)
    fake.complete_onboarding(account_id)  # nothing changes: no event, as on Stripe
    assert len(connect_receiver.received) == sent


def test_update_account_metadata(client: stripe.StripeClient, connect_receiver: Receiver) -> None:
    account = express_account(client)
    updated = client.v1.accounts.update(account.id, params={"metadata": {"tier": "gold"}})
    assert updated.metadata.to_dict() == {"beatpass_user_id": "user-1", "tier": "gold"}
    assert connect_receiver.types == ["account.updated"]
    assert [a.id for a in client.v1.accounts.list().data] == [account.id]
