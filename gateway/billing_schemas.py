"""Schemas of the billing and Stripe webhook endpoints (gateway/blueprints/billing.py, webhooks.py)."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.inputs import accounts as contract_inputs
# the reply shapes, re-exported for the blueprints
from services.contracts.rpc.accounts import (CheckoutSession, Plan, PlanPage, PortalSession,  # noqa: F401
                                             Price, Subscription)


class CheckoutRequest(contract_inputs.CheckoutRequest):
    """POST /billing/checkout's body: the accounts' input contract (services/contracts/inputs/accounts.py)."""


class WebhookAck(Schema):
    received = fields.Boolean()
    handled = fields.Boolean(metadata={"description": "false: an event type BeatPass does not route (ignored)."})
    status = fields.String(metadata={"enum": ["processed", "duplicate", "ignored"]})
