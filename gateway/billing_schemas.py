"""Schemas of the billing and Stripe webhook endpoints (gateway/blueprints/billing.py, webhooks.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.schemas import StrictSchema
from services.contracts.vocabularies import PAID_PLAN_CODES
# the reply shapes, re-exported for the blueprints
from services.contracts.rpc.accounts import (CheckoutSession, Plan, PlanPage, PortalSession,  # noqa: F401
                                             Price, Subscription)

PAID_PLANS = PAID_PLAN_CODES


class CheckoutRequest(StrictSchema):
    plan = fields.String(required=True, validate=validate.OneOf(PAID_PLANS, error="must be one of: {choices}"))


class WebhookAck(Schema):
    received = fields.Boolean()
    handled = fields.Boolean(metadata={"description": "false: an event type BeatPass does not route (ignored)."})
    status = fields.String(metadata={"enum": ["processed", "duplicate", "ignored"]})
