"""Small HTML pages a browser lands on outside the API: where Stripe Checkout sends the buyer back
(``/billing/success`` and ``/billing/cancel``) and the home page the billing portal returns to (``/``) —
the defaults of BILLING_SUCCESS_URL / BILLING_CANCEL_URL / BILLING_PORTAL_RETURN_URL under PUBLIC_URL.
A web app may take these addresses over later; until then they say what happened."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from gateway.openapi import doc

bp = Blueprint("pages", __name__)

#: a Checkout Session id is short; anything longer is not one and is not echoed back
SESSION_ID_MAX = 255


def _page(template: str, **context: str) -> ResponseReturnValue:
    return render_template(template, **context), 200, {"Cache-Control": "no-store"}


@bp.get("/")
@doc("Home page (HTML): where the billing portal returns to, with links to the API reference", ok=(200, None),
     rpc=False, content_type="text/html", response_example="<!doctype html><html><head><title>Home · BeatPass</title>…")
def home() -> ResponseReturnValue:
    return _page("home.html")


@bp.get("/billing/success")
@doc("Stripe Checkout's return page after paying (HTML)", ok=(200, None), rpc=False, content_type="text/html",
     description="Query `session_id`: the Checkout Session, shown for reference. The plan changes when Stripe's "
                 "webhooks confirm the payment (GET /api/v1/billing/subscription shows it).",
     response_example="<!doctype html><html><head><title>Payment received · BeatPass</title>…")
def billing_success() -> ResponseReturnValue:
    session_id = request.args.get("session_id", "")
    if len(session_id) > SESSION_ID_MAX:
        session_id = ""
    return _page("billing_success.html", session_id=session_id)


@bp.get("/billing/cancel")
@doc("Stripe Checkout's return page when the buyer goes back without paying (HTML)", ok=(200, None), rpc=False,
     content_type="text/html", response_example="<!doctype html><html><head><title>Checkout cancelled · BeatPass</title>…")
def billing_cancel() -> ResponseReturnValue:
    return _page("billing_cancel.html")
