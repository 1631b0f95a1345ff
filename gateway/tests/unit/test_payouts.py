"""The payouts endpoints over a stand-in payouts service: the role checked first (403 before any validation),
what the gateway validates (country, period, artist, paging), the status codes it chooses, the Connect webhook
endpoint (its own secret and route table) and the Stripe return/refresh pages."""
from __future__ import annotations

import json

import pytest

from devtools.fakestripe.webhooks import signature_header
from gateway.stripe_routes import CONNECT_ROUTES, route_for
from gateway.tests.unit.support import ACTOR_CHECK, USER_ID, bearer
from services.contracts.errors import Conflict, Forbidden, NotFound

RUN_ID = "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091"
ARTIST_ID = "3d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
LINK = {"url": "http://127.0.0.1:1/connect/onboarding/acct_1", "expires_at": "2026-03-01T12:05:00+00:00"}
MONEY = {"amount_cents": 1000, "currency": "CAD"}
RUN = {"id": RUN_ID, "period": "2026-02", "status": "queued", "pool": MONEY, "platform_total": None,
       "started_at": "2026-03-01T12:00:00+00:00", "finished_at": None, "counts": {}, "splits": []}
CONNECT_SECRET, PLATFORM_SECRET = "whsec_connect_unit", "whsec_platform_unit"


@pytest.fixture
def app(app):
    app.config.update(STRIPE_WEBHOOK_SECRET=PLATFORM_SECRET, STRIPE_CONNECT_WEBHOOK_SECRET=CONNECT_SECRET)
    return app


def kwargs_of(rpc, method):
    [call] = [c for c in rpc.calls if (c["service"], c["method"]) == ("payouts", method)]
    return call["kwargs"]


def not_a(role):
    return Forbidden(f"only {role}s can do this")


# -- onboarding ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("created", "status"), [(True, 201), (False, 200)])
def test_connect_is_201_when_the_account_was_created_and_200_for_a_fresh_link(http, rpc, created, status):
    rpc.answers[("payouts", "start_connect")] = {**LINK, "created": created}
    response = http.post("/api/v1/producer/stripe/connect", json={"country": "CA"}, headers=bearer())
    assert response.status_code == status
    assert response.get_json() == LINK  # `created` is told by the status code
    assert kwargs_of(rpc, "start_connect") == {"actor_id": USER_ID, "country": "CA"}


@pytest.mark.parametrize("country", ["ca", "XX", "CAN", "", 1, None])
def test_connect_refuses_a_country_stripe_express_does_not_serve_before_any_rpc(http, rpc, country):
    response = http.post("/api/v1/producer/stripe/connect", json={"country": country}, headers=bearer())
    assert response.status_code == 422 and "country" in response.get_json()["details"]
    assert rpc.calls == []


def test_another_country_is_the_services_409(http, rpc):
    rpc.answers[("payouts", "start_connect")] = Conflict("your country is CA; it cannot change")
    response = http.post("/api/v1/producer/stripe/connect", json={"country": "FR"}, headers=bearer())
    assert response.status_code == 409


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v1/producer/stripe/connect", {"country": "nowhere"}),
    ("POST", "/api/v1/producer/stripe/connect/refresh", None),
    ("GET", "/api/v1/producer/finances?artist=not-a-uuid", None),
    ("GET", "/api/v1/producer/finances/transactions?limit=0", None),
    ("GET", "/api/v1/producer/statements/not-a-month", None),
])
def test_a_non_producer_gets_403_before_anything_is_validated(http, rpc, method, path, body):
    rpc.answers[ACTOR_CHECK] = not_a("producer")
    response = http.open(path, method=method, json=body, headers=bearer())
    assert response.status_code == 403
    assert [c["kwargs"] for c in rpc.calls] == [{"actor_id": USER_ID, "role": "producer"}]


def test_refresh_answers_a_fresh_link(http, rpc):
    rpc.answers[("payouts", "refresh_connect_link")] = {**LINK, "created": False}
    response = http.post("/api/v1/producer/stripe/connect/refresh", headers=bearer())
    assert response.status_code == 200 and response.get_json() == LINK
    assert kwargs_of(rpc, "refresh_connect_link") == {"actor_id": USER_ID}


# -- runs ----------------------------------------------------------------------------------------------------------

def test_an_admin_starts_a_run_202_with_its_location(http, rpc):
    rpc.answers[("payouts", "start_run")] = RUN
    response = http.post("/api/v1/admin/payout-runs", json={"period": "2026-02"}, headers=bearer())
    assert response.status_code == 202
    assert response.headers["Location"] == f"/api/v1/admin/payout-runs/{RUN_ID}"
    assert response.get_json() == {"id": RUN_ID, "period": "2026-02", "status": "queued", "pool": MONEY}
    assert kwargs_of(rpc, "start_run") == {"actor_id": USER_ID, "period": "2026-02"}


@pytest.mark.parametrize("period", ["2026-13", "2026-00", "26-02", "2026-2", "2026-02-01", 202602, None])
def test_a_run_for_a_malformed_period_is_422_before_any_rpc(http, rpc, period):
    response = http.post("/api/v1/admin/payout-runs", json={"period": period}, headers=bearer())
    assert response.status_code == 422 and "period" in response.get_json()["details"]
    assert rpc.calls == []


def test_a_run_for_a_period_not_ended_is_the_services_409(http, rpc):
    rpc.answers[("payouts", "start_run")] = Conflict("2026-03 has not ended")
    assert http.post("/api/v1/admin/payout-runs", json={"period": "2026-03"}, headers=bearer()).status_code == 409


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v1/admin/payout-runs", {"period": "garbage"}),
    ("GET", f"/api/v1/admin/payout-runs/{RUN_ID}", None),
    ("GET", "/api/v1/admin/payout-runs?limit=0&cursor=%25", None),
])
def test_a_non_admin_gets_403_before_the_body_is_validated(http, rpc, method, path, body):
    rpc.answers[ACTOR_CHECK] = not_a("admin")
    response = http.open(path, method=method, json=body, headers=bearer())
    assert response.status_code == 403
    assert [c["kwargs"] for c in rpc.calls] == [{"actor_id": USER_ID, "role": "admin"}]


def test_a_run_shows_its_splits(http, rpc):
    split = {"id": "s1", "user_id": USER_ID, "artist_ids": [ARTIST_ID], "share": 1.0, "amount_cents": 1000,
             "transfer_cents": 1000, "currency": "CAD", "status": "paid", "reason": None,
             "stripe_transfer_id": "tr_1"}
    rpc.answers[("payouts", "get_run")] = {**RUN, "status": "completed", "splits": [split]}
    response = http.get(f"/api/v1/admin/payout-runs/{RUN_ID}", headers=bearer())
    assert response.status_code == 200 and response.get_json()["splits"] == [split]
    assert kwargs_of(rpc, "get_run") == {"actor_id": USER_ID, "run_id": RUN_ID}


def test_admins_list_runs_in_the_list_envelope_without_splits(http, rpc):
    summary = {key: value for key, value in RUN.items() if key != "splits"}
    older = {**summary, "id": ARTIST_ID, "period": "2026-01", "status": "completed", "counts": {"paid": 3}}
    rpc.answers[("payouts", "list_runs")] = {"items": [summary, older], "total": 3, "next": "abc_-1"}
    response = http.get("/api/v1/admin/payout-runs?limit=2&cursor=xyz", headers=bearer())
    assert response.status_code == 200
    assert response.get_json() == {"items": [summary, older], "total": 3, "next": "abc_-1"}
    assert kwargs_of(rpc, "list_runs") == {"actor_id": USER_ID, "cursor": "xyz", "limit": 2}


def test_the_runs_list_never_shows_splits_even_if_the_service_sent_some(http, rpc):
    rpc.answers[("payouts", "list_runs")] = {"items": [RUN], "total": 1, "next": None}
    body = http.get("/api/v1/admin/payout-runs", headers=bearer()).get_json()
    assert "splits" not in body["items"][0] and body["items"][0]["pool"] == MONEY
    assert kwargs_of(rpc, "list_runs") == {"actor_id": USER_ID, "cursor": None, "limit": 20}


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("limit=101", "limit"), ("cursor=%25", "cursor"),
                                              ("period=2026-01", "period")])
def test_the_runs_list_refuses_a_bad_page_with_422_before_any_rpc(http, rpc, query, field):
    response = http.get(f"/api/v1/admin/payout-runs?{query}", headers=bearer())
    assert response.status_code == 422 and field in response.get_json()["details"]
    assert [c for c in rpc.calls if c["service"] == "payouts"] == []


def test_the_runs_list_is_documented_as_a_page_of_run_summaries(app):
    operation = app.extensions["openapi"]["paths"]["/api/v1/admin/payout-runs"]["get"]
    assert {param["name"] for param in operation["parameters"]} == {"cursor", "limit"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/RunSummaryPage")
    item = app.extensions["openapi"]["components"]["schemas"]["RunSummary"]
    assert "splits" not in item["properties"] and "counts" in item["properties"]


# -- finances and statements ---------------------------------------------------------------------------------------

def test_finances_default_to_the_callers_own_artist_page_and_take_another_one(http, rpc):
    rpc.answers[("payouts", "finances")] = {"stripe": {"status": "not_connected"}, "stale": False}
    assert http.get("/api/v1/producer/finances", headers=bearer()).status_code == 200
    assert http.get(f"/api/v1/producer/finances?artist={ARTIST_ID}", headers=bearer()).status_code == 200
    assert [c["kwargs"] for c in rpc.calls] == [{"actor_id": USER_ID, "artist_id": None},
                                                {"actor_id": USER_ID, "artist_id": ARTIST_ID}]


@pytest.mark.parametrize("query", ["artist=nope", "artist=1", "other=1"])
def test_finances_refuse_a_bad_query_with_422(http, rpc, query):
    response = http.get(f"/api/v1/producer/finances?{query}", headers=bearer())
    assert response.status_code == 422 and rpc.calls == []


def test_someone_elses_artist_is_the_services_404(http, rpc):
    rpc.answers[("payouts", "finances")] = NotFound("artist not found")
    assert http.get(f"/api/v1/producer/finances?artist={ARTIST_ID}", headers=bearer()).status_code == 404


def test_transactions_are_paged_in_the_list_envelope(http, rpc):
    item = {"id": "t1", "kind": "exclusive_sale", "amount_cents": 50000, "currency": "CAD", "run_id": None,
            "period": None, "license_id": "l1", "stripe_id": None, "created_at": "2026-03-01T12:00:00+00:00"}
    rpc.answers[("payouts", "list_transactions")] = {"items": [item], "total": 1, "next": None}
    response = http.get(f"/api/v1/producer/finances/transactions?limit=5&cursor=abc&artist={ARTIST_ID}",
                        headers=bearer())
    assert response.status_code == 200 and response.get_json() == {"items": [item], "total": 1, "next": None}
    assert kwargs_of(rpc, "list_transactions") == {"actor_id": USER_ID, "artist_id": ARTIST_ID, "cursor": "abc",
                                                   "limit": 5}


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "cursor=%25%25"])
def test_transactions_refuse_a_bad_page_with_422(http, rpc, query):
    assert http.get(f"/api/v1/producer/finances/transactions?{query}", headers=bearer()).status_code == 422
    assert rpc.calls == []


def test_a_statement_is_asked_for_its_month_and_artist(http, rpc):
    rpc.answers[("payouts", "statement")] = {"period": "2026-02", "pool": MONEY, "tracks": []}
    response = http.get(f"/api/v1/producer/statements/2026-02?artist={ARTIST_ID}", headers=bearer())
    assert response.status_code == 200 and response.get_json()["pool"] == MONEY
    assert kwargs_of(rpc, "statement") == {"actor_id": USER_ID, "period": "2026-02", "artist_id": ARTIST_ID}


@pytest.mark.parametrize("period", ["2026-13", "2026", "2026-1", "latest"])
def test_a_statement_of_a_malformed_month_is_422(http, rpc, period):
    response = http.get(f"/api/v1/producer/statements/{period}", headers=bearer())
    assert response.status_code == 422 and response.get_json()["details"] == {
        "period": ["Must be a month as YYYY-MM, e.g. 2026-11."]}
    assert rpc.calls == []


# -- the Connect webhook endpoint ----------------------------------------------------------------------------------

CONNECT_URL = "/api/v1/webhooks/stripe/connect"


def connect_event(type_="account.updated"):
    return {"id": "evt_c1", "object": "event", "type": type_, "account": "acct_1", "created": 1_790_000_000,
            "data": {"object": {"id": "acct_1", "object": "account"}}}


def post_signed(http, url, event, secret):
    body = json.dumps(event).encode()
    return http.post(url, data=body, headers={"Stripe-Signature": signature_header(body, secret),
                                              "Content-Type": "application/json"})


@pytest.mark.parametrize("type_", ["account.updated", "payout.paid", "payout.failed"])
def test_connect_events_go_to_payouts_handle_connect_event(http, rpc, type_):
    rpc.answers[("payouts", "handle_connect_event")] = {"status": "processed", "event_id": "evt_c1", "type": type_}
    response = post_signed(http, CONNECT_URL, connect_event(type_), CONNECT_SECRET)
    assert response.status_code == 200
    assert response.get_json() == {"received": True, "handled": True, "status": "processed"}
    assert kwargs_of(rpc, "handle_connect_event") == {"event": connect_event(type_)}


def test_each_endpoint_verifies_with_its_own_secret(http, rpc):
    """A Connect event signed with the platform's secret is forged as far as the Connect endpoint knows, and the
    other way round."""
    for url, secret in ((CONNECT_URL, PLATFORM_SECRET), ("/api/v1/webhooks/stripe", CONNECT_SECRET),
                        (CONNECT_URL, "whsec_other")):
        response = post_signed(http, url, connect_event(), secret)
        assert response.status_code == 400 and response.get_json()["error"] == "invalid_webhook", url
    assert rpc.calls == []


def test_without_a_connect_secret_the_connect_endpoint_is_unavailable(app, http, rpc):
    app.config["STRIPE_CONNECT_WEBHOOK_SECRET"] = ""
    response = post_signed(http, CONNECT_URL, connect_event(), CONNECT_SECRET)
    assert response.status_code == 503 and "STRIPE_CONNECT_WEBHOOK_SECRET" in response.get_json()["message"]
    assert rpc.calls == []


def test_platform_events_are_not_routed_on_the_connect_endpoint(http, rpc):
    response = post_signed(http, CONNECT_URL, connect_event("invoice.paid"), CONNECT_SECRET)
    assert response.status_code == 200 and response.get_json()["handled"] is False
    assert set(CONNECT_ROUTES) == {"account.updated", "payout.paid", "payout.failed"}
    assert route_for(connect_event("transfer.created"), CONNECT_ROUTES) is None
    assert rpc.calls == []


def test_transfer_events_on_the_platform_endpoint_go_to_payouts(http, rpc):
    rpc.answers[("payouts", "handle_stripe_event")] = {"status": "duplicate"}
    event = {**connect_event("transfer.reversed"), "data": {"object": {"id": "tr_1", "object": "transfer"}}}
    event.pop("account")
    response = post_signed(http, "/api/v1/webhooks/stripe", event, PLATFORM_SECRET)
    assert response.status_code == 200 and response.get_json()["status"] == "duplicate"
    assert kwargs_of(rpc, "handle_stripe_event") == {"event": event}


# -- the pages Stripe sends producers back to ----------------------------------------------------------------------

def test_the_return_page_changes_nothing_and_says_stripe_confirms(http, rpc):
    response = http.get("/producer/stripe/return")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "when Stripe confirms" in response.get_data(as_text=True)
    assert rpc.calls == [] and rpc.actor_checks == []


def test_the_refresh_page_without_a_token_explains_how_to_get_a_link(http, rpc):
    response = http.get("/producer/stripe/refresh")
    assert response.status_code == 200
    assert "/api/v1/producer/stripe/connect/refresh" in response.get_data(as_text=True)
    assert rpc.calls == []


def test_the_refresh_page_links_a_fresh_link_for_a_signed_in_producer(http, rpc):
    rpc.answers[("payouts", "refresh_connect_link")] = {**LINK, "created": False}
    response = http.get("/producer/stripe/refresh", headers=bearer())
    assert response.status_code == 200 and f'href="{LINK["url"]}"' in response.get_data(as_text=True)
    assert kwargs_of(rpc, "refresh_connect_link") == {"actor_id": USER_ID}


@pytest.mark.parametrize("refusal", [NotFound("connect a Stripe account first"), Forbidden("only producers")])
def test_the_refresh_page_explains_a_refusal(http, rpc, refusal):
    rpc.answers[("payouts", "refresh_connect_link")] = refusal
    response = http.get("/producer/stripe/refresh", headers=bearer())
    assert response.status_code == 200 and refusal.message in response.get_data(as_text=True)
    assert "href=\"http" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/producer/stripe/return", "/producer/stripe/refresh"])
def test_the_stripe_pages_are_public_html_in_the_openapi_document(http, path):
    operation = http.get("/api/v1/openapi.json").get_json()["paths"][path]["get"]
    assert operation["security"] == [] and "text/html" in operation["responses"]["200"]["content"]
