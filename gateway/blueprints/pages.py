"""Small HTML pages a browser lands on outside the API: where Stripe Checkout sends the buyer back
(``/billing/success`` and ``/billing/cancel``; ``/exclusive/success`` and ``/exclusive/cancel`` for an
exclusive's purchase), the home page (``/``) and the billing page the billing portal returns to
(``/account/billing``) — the defaults of
BILLING_SUCCESS_URL / BILLING_CANCEL_URL / BILLING_PORTAL_RETURN_URL under PUBLIC_URL — and the public
verification page of a licence, the address its certificate's QR code holds (``/verify-license/<id>``), and
where Stripe's Connect onboarding sends a producer back (``/producer/stripe/return`` and ``/refresh``, the
``return_url`` / ``refresh_url`` payouts gives Stripe under PUBLIC_URL).
The browser app (web/, docs/web.md) takes over ``/`` and the four Checkout return pages once it is built;
without it these pages still say what happened."""
from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from gateway import web
from gateway.auth import optional_login
from gateway.openapi import doc
from gateway.rpc import remote
from services.contracts.errors import Forbidden, NotFound

bp = Blueprint("pages", __name__)

#: a Checkout Session id is short; anything longer is not one and is not echoed back
SESSION_ID_MAX = 255


def _page(template: str, status: int = 200, **context) -> ResponseReturnValue:
    return render_template(template, **context), status, {"Cache-Control": "no-store"}


def _session_id() -> str:
    session_id = request.args.get("session_id", "")
    return "" if len(session_id) > SESSION_ID_MAX else session_id


@bp.get("/")
@doc("Home page (HTML): the browser app", ok=(200, None),
     rpc=False, content_type="text/html", response_example="<!doctype html><html><head><title>Home · BeatPass</title>…")
def home() -> ResponseReturnValue:
    return web.index() if web.is_built() else _page("home.html")


@bp.get("/account/billing")
@doc("The app's billing page (HTML), where Stripe's billing portal returns to", ok=(200, None), rpc=False,
     content_type="text/html", description="The browser app's page; without a built app, the home page.",
     response_example="<!doctype html><html><head><title>BeatPass</title>…")
def billing_home() -> ResponseReturnValue:
    return home()


@bp.get("/billing/success")
@doc("Stripe Checkout's return page after paying (HTML)", ok=(200, None), rpc=False, content_type="text/html",
     description="Query `session_id`: the Checkout Session, shown for reference. The plan changes when Stripe's "
                 "webhooks confirm the payment (GET /api/v1/billing/subscription shows it).",
     response_example="<!doctype html><html><head><title>Payment received · BeatPass</title>…")
def billing_success() -> ResponseReturnValue:
    if web.is_built():
        return web.index()
    return _page("billing_success.html", session_id=_session_id())


@bp.get("/billing/cancel")
@doc("Stripe Checkout's return page when the buyer goes back without paying (HTML)", ok=(200, None), rpc=False,
     content_type="text/html", response_example="<!doctype html><html><head><title>Checkout cancelled · BeatPass</title>…")
def billing_cancel() -> ResponseReturnValue:
    return web.index() if web.is_built() else _page("billing_cancel.html")


@bp.get("/exclusive/success")
@doc("Stripe Checkout's return page after paying for an exclusive (HTML)", ok=(200, None), rpc=False,
     content_type="text/html",
     description="Query `session_id`: the Checkout Session, shown for reference. The exclusive licence is issued "
                 "when Stripe's webhook confirms the payment; it then shows in GET /api/v1/me/licenses.",
     response_example="<!doctype html><html><head><title>Exclusive purchased · BeatPass</title>…")
def exclusive_success() -> ResponseReturnValue:
    if web.is_built():
        return web.index()
    return _page("exclusive_success.html", session_id=_session_id())


@bp.get("/exclusive/cancel")
@doc("Stripe Checkout's return page when an exclusive's buyer goes back without paying (HTML)", ok=(200, None),
     rpc=False, content_type="text/html",
     response_example="<!doctype html><html><head><title>Checkout cancelled · BeatPass</title>…")
def exclusive_cancel() -> ResponseReturnValue:
    return web.index() if web.is_built() else _page("exclusive_cancel.html")


@bp.get("/verify-license/<license_id>")
@doc("Public verification page of a licence (HTML): valid, revoked, or not found (404)", ok=(200, None),
     errors=(404,), content_type="text/html",
     description="What the certificate's QR code opens. Shows the status, licence type, track, producer, date, "
                 "masked licensee and terms; an unknown or malformed id → 404 with a page saying \"not found\". "
                 "The same facts as JSON: GET /api/v1/verify-license/{id}.",
     response_example="<!doctype html><html><head><title>Licence valid · BeatPass</title>…")
def verify_license(license_id: str) -> ResponseReturnValue:
    try:
        uuid.UUID(license_id)
        verification = remote("licensing").verify_license(license_id=license_id)
    except (ValueError, NotFound):
        return _page("verify_license.html", status=404, license_id=license_id[:64], verification=None)
    return _page("verify_license.html", license_id=license_id, verification=verification)


@bp.get("/producer/stripe/return")
@doc("Where Stripe's Connect onboarding returns a producer (HTML); it changes nothing", ok=(200, None), rpc=False,
     content_type="text/html",
     description="Says that the payout status updates when Stripe confirms the account by webhook "
                 "(`account.updated`); coming back here never makes an account payout-ready.",
     response_example="<!doctype html><html><head><title>Back from Stripe · BeatPass</title>…")
def stripe_return() -> ResponseReturnValue:
    return _page("stripe_return.html")


SIGN_IN_TO_REFRESH = ("Sign in to BeatPass and ask for a fresh one: POST /api/v1/producer/stripe/connect/refresh "
                      "answers with a new link.")


@bp.get("/producer/stripe/refresh")
@doc("Where Stripe sends a producer whose onboarding link expired (HTML)", ok=(200, None), content_type="text/html",
     description="With a producer's bearer token: a page linking to a fresh onboarding link. Otherwise (a browser "
                 "carries no token) it explains how to get one: POST /api/v1/producer/stripe/connect/refresh.",
     response_example="<!doctype html><html><head><title>Continue on Stripe · BeatPass</title>…")
def stripe_refresh() -> ResponseReturnValue:
    user_id = optional_login()
    if user_id is None:
        return _page("stripe_refresh.html", link=None, reason=SIGN_IN_TO_REFRESH)
    try:
        link = remote("payouts").refresh_connect_link(actor_id=user_id)
    except (Forbidden, NotFound) as refusal:
        return _page("stripe_refresh.html", link=None, reason=refusal.message[:300])
    return _page("stripe_refresh.html", link=link)
