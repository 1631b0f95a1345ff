"""The HTML pages outside the API: Stripe Checkout's return pages and the home page the portal returns to."""
from __future__ import annotations

import pytest


def test_the_success_page_shows_the_session_and_says_the_plan_follows_stripes_confirmation(http, rpc):
    response = http.get("/billing/success?session_id=cs_test_abc123")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "cs_test_abc123" in page and "confirms" in page and 'href="/"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert rpc.calls == []  # no service is asked: the page only reports


def test_the_success_page_escapes_what_it_echoes(http):
    page = http.get("/billing/success?session_id=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_success_page_without_a_session_still_answers(http):
    too_long = "x" * 300
    for query in ("", f"?session_id={too_long}"):
        response = http.get(f"/billing/success{query}")
        assert response.status_code == 200 and too_long not in response.get_data(as_text=True)


def test_the_cancel_page_says_nothing_was_charged(http):
    response = http.get("/billing/cancel")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Nothing was charged" in response.get_data(as_text=True)


def test_the_home_page_links_the_api_reference(http):
    response = http.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'href="/api/v1/docs"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/billing/success", "/billing/cancel", "/account/billing"])
def test_the_pages_are_public_html_in_the_openapi_document(http, path):
    operation = http.get("/api/v1/openapi.json").get_json()["paths"][path]["get"]
    assert operation["security"] == [] and "text/html" not in str(operation.get("requestBody"))
    assert "200" in operation["responses"]
