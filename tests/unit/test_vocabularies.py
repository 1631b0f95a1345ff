"""The vocabularies (services/contracts/vocabularies.py) are the ones both sides use: what catalog or
accounts accept, the gateway accepts, and the two refuse with the same words."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from gateway.billing_schemas import CheckoutRequest
from gateway.catalog_schemas import TrackPatch
from services.accounts.plans import PLANS
from services.catalog.tracks import schemas as catalog_schemas
from services.contracts.errors import InvalidField
from services.contracts.vocabularies import LICENSING_MODELS, PAID_PLAN_CODES, PLAN_CODES

TERMS = {"price_cents": 50_000, "currency": "USD", "contact_email": "ana@example.com", "status": "available"}


def gateway_refusal(changes: dict) -> list[str] | None:
    try:
        TrackPatch().load(changes)
    except ValidationError as error:
        return error.messages.get("exclusive")
    return None


def catalog_refusal(changes: dict) -> list[str] | None:
    try:
        catalog_schemas.load_track_changes(changes)
    except InvalidField as error:
        return error.details.get("changes.exclusive") or error.details.get("exclusive")
    return None


@pytest.mark.parametrize("model", LICENSING_MODELS)
@pytest.mark.parametrize("terms", [TERMS, None])
def test_gateway_and_catalog_judge_exclusive_terms_alike(model, terms):
    changes = {"licensing_model": model, "exclusive": terms}
    assert gateway_refusal(changes) == catalog_refusal(changes)


def test_the_plan_codes_are_the_plans_accounts_sells():
    assert tuple(PLANS) == PLAN_CODES
    assert PAID_PLAN_CODES == tuple(code for code, plan in PLANS.items() if plan.is_paid)
    with pytest.raises(ValidationError):
        CheckoutRequest().load({"plan": "explorer"})
