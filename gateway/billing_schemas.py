"""Schemas of the billing and Stripe webhook endpoints (gateway/blueprints/billing.py, webhooks.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.schemas import PLANS, StrictSchema, page_of

PAID_PLANS = tuple(plan for plan in PLANS if plan != "explorer")
SUBSCRIPTION_STATUSES = ("active", "past_due", "canceled")


class Price(Schema):
    amount_cents = fields.Integer()
    currency = fields.String(metadata={"example": "CAD"})


class Plan(Schema):
    code = fields.String(metadata={"enum": list(PLANS)})
    name = fields.String()
    price = fields.Nested(Price)
    interval = fields.String(metadata={"enum": ["month"]})
    monthly_tokens = fields.Integer(metadata={"description": "Beat-request tokens granted each month."})
    downloads = fields.Boolean()


PlanPage = page_of(Plan)


class CheckoutRequest(StrictSchema):
    plan = fields.String(required=True, validate=validate.OneOf(PAID_PLANS, error="must be one of: {choices}"))


class CheckoutSession(Schema):
    url = fields.String(metadata={"description": "Stripe Checkout page to send the user to."})
    session_id = fields.String()


class PortalSession(Schema):
    url = fields.String(metadata={"description": "Stripe billing portal page for this customer."})


class Subscription(Schema):
    plan = fields.String(metadata={"enum": list(PLANS), "description": "The plan in force."})
    # null listed in the enum too: OpenAPI 3.0 validators check `enum` even when `nullable` is true
    status = fields.String(allow_none=True, metadata={"enum": [*SUBSCRIPTION_STATUSES, None],
                                                      "description": "null: never subscribed."})
    pending_plan = fields.String(allow_none=True, metadata={"description": "A downgrade applied at renewal."})
    cancel_at_period_end = fields.Boolean()
    current_period_start = fields.String(allow_none=True, metadata={"format": "date-time"})
    current_period_end = fields.String(allow_none=True, metadata={"format": "date-time"})
    can_download = fields.Boolean()


class WebhookAck(Schema):
    received = fields.Boolean()
    handled = fields.Boolean(metadata={"description": "false: an event type BeatPass does not route (ignored)."})
    status = fields.String(metadata={"enum": ["processed", "duplicate", "ignored"]})
