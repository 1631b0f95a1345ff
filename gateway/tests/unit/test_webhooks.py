"""POST /api/v1/webhooks/stripe: Stripe's signature checked on the raw body, then routed by type."""
from __future__ import annotations

import json
import time

import pytest

from devtools.fakestripe.webhooks import signature_header
from gateway.rpc import ServiceTimeout, ServiceUnavailable
from gateway.stripe_routes import ROUTES, route_for
from services.contracts.errors import InvalidField, NotFound

SECRET = "whsec_unit_test"
URL = "/api/v1/webhooks/stripe"


@pytest.fixture
def app(app):
    app.config["STRIPE_WEBHOOK_SECRET"] = SECRET
    return app


def stripe_event(type_: str = "invoice.paid", **changes) -> dict:
    return {"id": "evt_123", "object": "event", "type": type_, "created": 1_790_000_000,
            "data": {"object": {"id": "in_1", "object": "invoice"}}, **changes}


def signed(event: dict, secret: str = SECRET, timestamp: int | None = None,
           indent: int | None = 2) -> tuple[bytes, dict]:
    body = json.dumps(event, indent=indent).encode()
    return body, {"Stripe-Signature": signature_header(body, secret, timestamp), "Content-Type": "application/json"}


def test_a_signed_event_goes_to_the_service_that_owns_its_type(http, rpc):
    rpc.answers[("accounts", "handle_stripe_event")] = {"status": "processed", "event_id": "evt_123",
                                                          "type": "invoice.paid"}
    body, headers = signed(stripe_event())
    response = http.post(URL, data=body, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"received": True, "handled": True, "status": "processed"}
    [call] = rpc.calls
    assert (call["service"], call["method"]) == ("accounts", "handle_stripe_event")
    assert call["kwargs"] == {"event": stripe_event()}


def test_the_signature_is_checked_on_the_exact_bytes_sent(http, rpc):
    body, headers = signed(stripe_event(), indent=2)
    reserialised = json.dumps(json.loads(body)).encode()  # same JSON, other bytes
    assert http.post(URL, data=reserialised, headers=headers).status_code == 400
    assert rpc.calls == []


@pytest.mark.parametrize("case", ["wrong_secret", "stale", "future", "missing", "garbage"])
def test_bad_signatures_are_400_and_reach_no_service(http, rpc, case):
    now = int(time.time())
    body, headers = {
        "wrong_secret": lambda: signed(stripe_event(), secret="whsec_other"),
        "stale": lambda: signed(stripe_event(), timestamp=now - 301),
        "future": lambda: signed(stripe_event(), timestamp=now + 3600),  # validly signed, dated an hour ahead
        "missing": lambda: (signed(stripe_event())[0], {"Content-Type": "application/json"}),
        "garbage": lambda: (signed(stripe_event())[0], {"Stripe-Signature": "t=abc,v1=zz"}),
    }[case]()
    response = http.post(URL, data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_webhook"
    assert "Stripe-Signature" in response.get_json()["message"]
    assert rpc.calls == []


@pytest.mark.parametrize("offset", [-290, 290])
def test_a_signature_within_the_tolerance_either_way_is_accepted(http, rpc, offset):
    rpc.answers[("accounts", "handle_stripe_event")] = {"status": "duplicate"}
    body, headers = signed(stripe_event(), timestamp=int(time.time()) + offset)
    assert http.post(URL, data=body, headers=headers).status_code == 200


@pytest.mark.parametrize(("offset", "says"), [(3600, "in the future"), (-3600, "old")])
def test_a_timestamp_outside_the_tolerance_is_refused_saying_how_far_off_it_is(http, rpc, offset, says):
    body, headers = signed(stripe_event(), timestamp=int(time.time()) + offset)
    response = http.post(URL, data=body, headers=headers)
    assert response.status_code == 400
    error = response.get_json()
    assert error["error"] == "invalid_webhook" and says in error["message"] and "300 s" in error["message"]
    assert error["details"]["tolerance_s"] == 300 and abs(error["details"]["skew_s"] - offset) <= 2
    assert rpc.calls == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"id": "evt_1"}', b"\xff\xfe"])
def test_a_signed_body_that_is_not_an_event_is_400(http, rpc, body):
    headers = {"Stripe-Signature": signature_header(body, SECRET)}
    response = http.post(URL, data=body, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_webhook"
    assert rpc.calls == []


def test_types_without_a_route_are_acknowledged_and_ignored(http, rpc):
    body, headers = signed(stripe_event("customer.created"))
    response = http.post(URL, data=body, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"received": True, "handled": False, "status": "ignored"}
    assert rpc.calls == []


@pytest.mark.parametrize(("error", "status"), [
    (ServiceUnavailable("accounts is down"), 503),
    (ServiceTimeout("too slow"), 504),
    (InvalidField("bad event", {"event": ["x"]}), 500),  # a refusal of a signed event is still our failure
    (NotFound("no such user"), 500),
])
def test_service_failures_are_5xx_so_stripe_retries(http, rpc, error, status):
    rpc.answers[("accounts", "handle_stripe_event")] = error
    body, headers = signed(stripe_event())
    assert http.post(URL, data=body, headers=headers).status_code == status


def test_without_a_webhook_secret_the_endpoint_is_unavailable(app, http, rpc):
    app.config["STRIPE_WEBHOOK_SECRET"] = ""
    body, headers = signed(stripe_event())
    response = http.post(URL, data=body, headers=headers)
    assert response.status_code == 503
    assert response.get_json()["error"] == "billing_unavailable"
    assert "STRIPE_WEBHOOK_SECRET" in response.get_json()["message"]
    assert rpc.calls == []


BILLING_TYPES = {"checkout.session.completed", "customer.subscription.created", "customer.subscription.updated",
                 "customer.subscription.deleted", "invoice.paid", "invoice.payment_failed", "charge.refunded"}
TRANSFER_TYPES = {"transfer.created", "transfer.reversed"}


def test_the_routing_table_sends_every_billing_type_to_accounts_and_transfers_to_payouts():
    assert set(ROUTES) == BILLING_TYPES | TRANSFER_TYPES
    billing = {"mode": "subscription", "metadata": {"user_id": "u1"}}
    assert {route_for(stripe_event(t, data={"object": billing}))[:2] for t in BILLING_TYPES} == {
        ("accounts", "handle_stripe_event")}
    assert {route_for(stripe_event(t, data={"object": {"object": "transfer"}}))[:2] for t in TRANSFER_TYPES} == {
        ("payouts", "handle_stripe_event")}
    assert route_for(stripe_event("account.updated")) is None  # a Connect event: its own endpoint routes it


@pytest.mark.parametrize(("type_", "obj", "service"), [
    ("checkout.session.completed", {"mode": "payment"}, "licensing"),
    ("checkout.session.completed", {"mode": "subscription"}, "accounts"),
    ("checkout.session.completed", {}, "accounts"),
    ("charge.refunded", {"metadata": {"beatpass_purpose": "exclusive_sale"}}, "licensing"),
    ("charge.refunded", {"metadata": {"beatpass_purpose": "something_else"}}, "accounts"),
    ("charge.refunded", {"metadata": None}, "accounts"),
    ("charge.refunded", {"invoice": "in_1"}, "accounts"),
])
def test_shared_types_are_routed_by_their_object(type_, obj, service):
    """An exclusive's payment and refund belong to licensing; a subscription's to accounts (one table)."""
    assert route_for(stripe_event(type_, data={"object": obj})).service == service


def test_an_event_without_an_object_still_routes_by_type():
    assert route_for(stripe_event("charge.refunded", data=None)).service == "accounts"


def test_an_exclusive_payment_goes_to_licensing_with_the_whole_event(http, rpc):
    rpc.answers[("licensing", "handle_stripe_event")] = {"status": "processed", "event_id": "evt_123",
                                                           "type": "checkout.session.completed"}
    event = stripe_event("checkout.session.completed",
                         data={"object": {"id": "cs_1", "object": "checkout.session", "mode": "payment",
                                          "metadata": {"beatpass_purpose": "exclusive_sale"}}})
    body, headers = signed(event)
    response = http.post(URL, data=body, headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "processed"
    [call] = rpc.calls
    assert (call["service"], call["method"], call["kwargs"]) == ("licensing", "handle_stripe_event", {"event": event})


def test_the_webhook_is_public_and_documented(http):
    operation = http.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/webhooks/stripe"]["post"]
    assert operation["security"] == [] and "400" in operation["responses"]
