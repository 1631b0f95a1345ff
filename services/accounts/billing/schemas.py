"""Validation of the billing RPCs' input: the plan a checkout asks for (the input contract of
services/contracts/inputs/accounts.py) and the Stripe event the gateway forwards (already
signature-checked there; only the fields routing and ordering need)."""
from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from services.accounts.schemas import load
from services.contracts.inputs.accounts import CheckoutRequest


class EventData(Schema):
    class Meta:
        unknown = EXCLUDE

    object = fields.Dict(required=True)
    previous_attributes = fields.Dict(load_default=None, allow_none=True)


class StripeEvent(Schema):
    """Stripe's event envelope: the id dedupes, ``created`` orders, ``data.object`` carries the state."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    created = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    data = fields.Nested(EventData, required=True)


CHECKOUT_REQUEST, STRIPE_EVENT = CheckoutRequest(), StripeEvent()


def load_checkout_plan(plan: Any) -> str:
    return load(CHECKOUT_REQUEST, {"plan": plan})["plan"]


def load_stripe_event(event: Any) -> dict[str, Any]:
    return load(STRIPE_EVENT, event, root="event")
