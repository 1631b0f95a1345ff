"""Paid plans: the plan list, Stripe Checkout, the billing portal, the caller's subscription."""
from __future__ import annotations

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.billing_schemas import CheckoutRequest, CheckoutSession, PlanPage, PortalSession, Subscription
from gateway.openapi import doc
from gateway.rpc import remote
from gateway.validation import json_body

bp = Blueprint("billing", __name__, url_prefix="/api/v1")


@bp.get("/plans")
@doc("The plans: Explorer (free), Classic, Plus and Pro — monthly CAD prices, tokens, download rights",
     ok=(200, PlanPage))
def list_plans() -> ResponseReturnValue:
    return PlanPage().dump(remote("accounts").list_plans())


@bp.post("/billing/checkout")
@doc("Start a Stripe Checkout for a paid plan; send the user to `url`", ok=(201, CheckoutSession),
     body=CheckoutRequest, errors=(404, 409),
     description="The plan changes when Stripe's webhooks confirm the payment. 409 when a subscription "
                 "already exists (change it in the billing portal); 503 `billing_unavailable` when Stripe "
                 "is not configured.")
@login_required
def checkout() -> ResponseReturnValue:
    plan = json_body(CheckoutRequest())["plan"]
    return CheckoutSession().dump(remote("accounts").start_checkout(actor_id=g.user_id, plan=plan)), 201


@bp.post("/billing/portal")
@doc("A Stripe billing portal session: change plan, card, or cancel", ok=(200, PortalSession), errors=(404, 409),
     description="409 when the user never started a checkout (no Stripe customer yet).")
@login_required
def portal() -> ResponseReturnValue:
    return PortalSession().dump(remote("accounts").open_billing_portal(actor_id=g.user_id))


@bp.get("/billing/subscription")
@doc("The caller's plan and subscription state", ok=(200, Subscription), errors=(404,))
@login_required
def subscription() -> ResponseReturnValue:
    return Subscription().dump(remote("accounts").get_subscription(actor_id=g.user_id))
