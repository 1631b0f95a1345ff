"""The billing endpoints: validation before any RPC, the caller as actor, errors from the one table."""
from __future__ import annotations

import pytest
from openapi_schema_validator import OAS30Validator

from gateway.tests.unit.support import USER_ID, bearer, private_user
from services.contracts.errors import BillingUnavailable, Conflict

PLANS = {"items": [{"code": "explorer", "name": "Explorer", "price": {"amount_cents": 0, "currency": "CAD"},
                    "interval": "month", "monthly_tokens": 1, "downloads": False}], "total": 1, "next": None}


def test_plans_are_public(http, rpc):
    rpc.answers[("accounts", "list_plans")] = PLANS
    response = http.get("/api/v1/plans")
    assert response.status_code == 200 and response.get_json() == PLANS


def test_checkout_passes_the_plan_and_the_caller(http, rpc):
    rpc.answers[("accounts", "start_checkout")] = {"url": "https://checkout.stripe.com/c/x", "session_id": "cs_1",
                                                   "internal": "dropped"}
    response = http.post("/api/v1/billing/checkout", json={"plan": "plus"}, headers=bearer())
    assert response.status_code == 201
    assert response.get_json() == {"url": "https://checkout.stripe.com/c/x", "session_id": "cs_1"}
    assert rpc.calls[0]["kwargs"] == {"actor_id": USER_ID, "plan": "plus"}


@pytest.mark.parametrize("body", [{"plan": "explorer"}, {"plan": "gold"}, {}, {"plan": "plus", "price": 1}])
def test_checkout_of_a_free_unknown_or_padded_plan_is_422_before_any_rpc(http, rpc, body):
    response = http.post("/api/v1/billing/checkout", json=body, headers=bearer())
    assert response.status_code == 422 and response.get_json()["error"] == "invalid"
    assert rpc.calls == []


def test_checkout_and_portal_need_a_login(http, rpc):
    assert http.post("/api/v1/billing/checkout", json={"plan": "plus"}).status_code == 401
    assert http.post("/api/v1/billing/portal").status_code == 401
    assert http.get("/api/v1/billing/subscription").status_code == 401
    assert rpc.calls == []


def test_an_existing_subscription_is_a_409(http, rpc):
    rpc.answers[("accounts", "start_checkout")] = Conflict("you already have a subscription: use the portal")
    response = http.post("/api/v1/billing/checkout", json={"plan": "pro"}, headers=bearer())
    assert response.status_code == 409 and "portal" in response.get_json()["message"]


def test_billing_unavailable_is_a_503_saying_what_to_set(http, rpc):
    rpc.answers[("accounts", "open_billing_portal")] = BillingUnavailable("set STRIPE_API_KEY", {"missing": ["x"]})
    response = http.post("/api/v1/billing/portal", headers=bearer())
    assert response.status_code == 503
    assert response.get_json() == {"error": "billing_unavailable", "message": "set STRIPE_API_KEY",
                                   "details": {"missing": ["x"]}}


def test_portal_and_subscription(http, rpc):
    rpc.answers[("accounts", "open_billing_portal")] = {"url": "https://billing.stripe.com/p/x"}
    assert http.post("/api/v1/billing/portal", headers=bearer()).get_json() == {"url": "https://billing.stripe.com/p/x"}
    state = {"plan": "plus", "status": "past_due", "pending_plan": None, "cancel_at_period_end": False,
             "current_period_start": "2026-11-01T00:00:00+00:00", "current_period_end": "2026-12-01T00:00:00+00:00",
             "can_download": False}
    rpc.answers[("accounts", "get_subscription")] = state
    assert http.get("/api/v1/billing/subscription", headers=bearer()).get_json() == state


def test_me_shows_the_subscription(http, rpc):
    rpc.answers[("accounts", "get_user")] = private_user(
        plan="plus", tokens=3, subscription_status="active", pending_plan=None, cancel_at_period_end=True,
        current_period_end="2026-12-01T00:00:00+00:00", can_download=True)
    body = http.get("/api/v1/me", headers=bearer()).get_json()
    assert {k: body[k] for k in ("plan", "subscription_status", "cancel_at_period_end", "current_period_end",
                                 "can_download")} == {
        "plan": "plus", "subscription_status": "active", "cancel_at_period_end": True,
        "current_period_end": "2026-12-01T00:00:00+00:00", "can_download": True}


def documented_schema(spec: dict, path: str, status: str = "200") -> dict:
    """The response schema the OpenAPI document gives for GET ``path``, with its references inlined."""
    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        return [inline(item) for item in node] if isinstance(node, list) else node

    return inline(spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"])


def test_a_never_subscribed_user_matches_the_documented_schemas(http, rpc):
    """status null ("never subscribed") must be one of the documented values, not only `nullable`:
    OpenAPI 3.0 validators (and clients generated from the document) check the enum as well."""
    spec = http.get("/api/v1/openapi.json").get_json()
    rpc.answers[("accounts", "get_subscription")] = {
        "plan": "explorer", "status": None, "pending_plan": None, "cancel_at_period_end": False,
        "current_period_start": None, "current_period_end": None, "can_download": False}
    rpc.answers[("accounts", "get_user")] = private_user(
        subscription_status=None, pending_plan=None, cancel_at_period_end=False, current_period_end=None,
        can_download=False)
    for path in ("/api/v1/billing/subscription", "/api/v1/me"):
        body = http.get(path, headers=bearer()).get_json()
        OAS30Validator(documented_schema(spec, path)).validate(body)
