"""Authentication, idempotency keys, Stripe's form encoding and error envelope."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import stripe

from devtools.fakestripe import FakeStripe
from devtools.fakestripe.forms import parse


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer pk_test_x"}, {"Authorization": "Token sk_test_x"}])
def test_unauthenticated_is_a_stripe_401(fake: FakeStripe, headers: dict[str, str]) -> None:
    resp = requests.get(f"{fake.base_url}/v1/customers", headers=headers, timeout=10)
    assert resp.status_code == 401
    error = resp.json()["error"]
    assert set(error) == {"type", "message", "param", "code"} and error["type"] == "invalid_request_error"


def test_sdk_raises_authentication_error(fake: FakeStripe) -> None:
    client = stripe.StripeClient("sk_live_nope", base_addresses={"api": fake.base_url}, max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError):
        client.v1.customers.list()


def test_basic_auth_like_curl(fake: FakeStripe) -> None:
    assert requests.get(f"{fake.base_url}/v1/customers", auth=("sk_test_x", ""), timeout=10).status_code == 200


def test_idempotency_key_replays_the_first_response(client: stripe.StripeClient, fake: FakeStripe) -> None:
    first = client.v1.customers.create(params={"email": "i@example.com"}, options={"idempotency_key": "k1"})
    again = client.v1.customers.create(params={"email": "i@example.com"}, options={"idempotency_key": "k1"})
    assert again.id == first.id
    assert len(client.v1.customers.list().data) == 1
    assert len(fake.events_of("customer.created")) == 1  # the replay did not act twice
    other = client.v1.customers.create(params={"email": "i@example.com"}, options={"idempotency_key": "k2"})
    assert other.id != first.id


def test_idempotency_key_reused_with_other_params_is_refused(client: stripe.StripeClient) -> None:
    client.v1.customers.create(params={"email": "a@example.com"}, options={"idempotency_key": "k"})
    with pytest.raises(stripe.IdempotencyError):
        client.v1.customers.create(params={"email": "b@example.com"}, options={"idempotency_key": "k"})


def test_idempotent_replay_header(fake: FakeStripe) -> None:
    headers = {"Authorization": "Bearer sk_test_x", "Idempotency-Key": "raw-1"}
    first = requests.post(f"{fake.base_url}/v1/customers", data={"email": "r@example.com"}, headers=headers, timeout=10)
    second = requests.post(f"{fake.base_url}/v1/customers", data={"email": "r@example.com"}, headers=headers,
                           timeout=10)
    assert first.json() == second.json() and second.headers["Idempotent-Replayed"] == "true"


def test_errors_are_stripe_shaped(client: stripe.StripeClient, fake: FakeStripe) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.prices.create(params={"unit_amount": 100, "product_data": {"name": "x"}})
    assert err.value.http_status == 400 and err.value.param == "currency" and err.value.code == "parameter_missing"
    resp = requests.get(f"{fake.base_url}/v1/nothing", headers={"Authorization": "Bearer sk_test_x"}, timeout=10)
    assert resp.status_code == 404 and resp.json()["error"]["type"] == "invalid_request_error"


def test_form_parsing() -> None:
    parsed: dict[str, Any] = parse(
        "items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2&expand[]=a&expand[]=b.c"
        "&metadata[k]=v&subscription_data[metadata][plan]=plus&lookup_keys[0]=x&email=a%40b.c&empty=")
    assert parsed == {
        "items": [{"price": "p1", "quantity": "2"}, {"price": "p2"}], "expand": ["a", "b.c"],
        "metadata": {"k": "v"}, "subscription_data": {"metadata": {"plan": "plus"}}, "lookup_keys": ["x"],
        "email": "a@b.c", "empty": "",
    }
