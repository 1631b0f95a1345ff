"""Validation of the token RPCs' input (docs/rpc-accounts.md: Beat-request tokens)."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.accounts.schemas import StrictSchema, load
from services.accounts.tokens import CREATE, DELETE, RENEW_PREFIX
from services.common.fields import CanonicalId, StrictInteger

#: far above any lifetime's price (1–3): a larger amount is a caller's bug, not a purchase
MAX_AMOUNT = 10
SPEND_PURPOSE = rf"^({CREATE}|{RENEW_PREFIX}[1-9][0-9]{{0,5}})$"


class SpendSchema(StrictSchema):
    user_id = CanonicalId(required=True)
    request_id = CanonicalId(required=True)
    purpose = fields.String(required=True, validate=validate.Regexp(SPEND_PURPOSE,
                                                                    error="must be 'create' or 'renew:<n>'"))
    amount = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_AMOUNT))


class RefundSchema(StrictSchema):
    user_id = CanonicalId(required=True)
    request_id = CanonicalId(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf((DELETE,)))


SPEND, REFUND = SpendSchema(), RefundSchema()


def load_spend(user_id: Any, request_id: Any, purpose: Any, amount: Any) -> dict[str, Any]:
    return load(SPEND, {"user_id": user_id, "request_id": request_id, "purpose": purpose, "amount": amount})


def load_refund(user_id: Any, request_id: Any, purpose: Any) -> dict[str, Any]:
    return load(REFUND, {"user_id": user_id, "request_id": request_id, "purpose": purpose})
