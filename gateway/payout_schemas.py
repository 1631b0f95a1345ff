"""HTTP shapes of the payouts endpoints (gateway/blueprints/payouts.py, finances.py), built on the payouts
contract's reply shapes (services/contracts/rpc/payouts.py). What HTTP adds: the request bodies and query strings
validated before any RPC, and the onboarding link without the service's `created` flag (the status code says it)."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate

from gateway.schemas import PageQuery, StrictSchema, UUIDString
from services.contracts.rpc import payouts as contract
from services.contracts.vocabularies import STRIPE_CONNECT_COUNTRIES

#: a period is a UTC calendar month (docs/business-rules.md "Earnings")
PERIOD_PATTERN = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
PERIOD_ERROR = "Must be a month as YYYY-MM, e.g. 2026-11."


def check_period(value: str) -> None:
    if not PERIOD_PATTERN.match(value):
        raise ValidationError(PERIOD_ERROR)


def period_field(**kwargs) -> fields.String:
    return fields.String(validate=check_period, metadata={"pattern": PERIOD_PATTERN.pattern, "example": "2026-11",
                                                          "description": "A UTC calendar month."}, **kwargs)


# -- requests ------------------------------------------------------------------------------------------------------

class ConnectRequest(StrictSchema):
    country = fields.String(required=True, validate=validate.OneOf(
        STRIPE_CONNECT_COUNTRIES, error="Must be the ISO 3166-1 alpha-2 code of a country where Stripe offers "
                                        "Express accounts (upper case), e.g. CA."),
        metadata={"enum": list(STRIPE_CONNECT_COUNTRIES), "example": "CA",
                  "description": "Fixed once chosen: another country later → 409."})


class RunRequest(StrictSchema):
    period = period_field(required=True)


#: ``artist=`` on every producer page (docs/business-rules.md "Producer Program")
ARTIST_CHOICE = ("One of the artist pages the caller manages (default: the one they have had longest, first in "
                 "GET /me/artists); a page they do not manage is a 404.")


class ArtistQuery(StrictSchema):
    artist = UUIDString(metadata={"description": ARTIST_CHOICE})


class TransactionsQuery(PageQuery):
    artist = UUIDString(metadata={"description": ARTIST_CHOICE})


# -- responses -----------------------------------------------------------------------------------------------------

class ConnectLink(contract.ConnectLink):
    """`{url, expires_at}`: whether the account was created is told by the status code (201 or 200)."""

    class Meta:
        exclude = ("created",)


class Run(contract.Run):
    """A pool split run; `splits` only on GET /admin/payout-runs/{id}."""


# GET /admin/payout-runs: runs without their splits (GET /admin/payout-runs/{id} has them), in the list envelope
RunSummary, RunPage = contract.RunSummary, contract.RunPage


class RunStarted(contract.Run):
    """POST /admin/payout-runs' 202: `{id, period, status, pool}` (the splits come with GET)."""

    class Meta:
        exclude = ("platform_total", "started_at", "finished_at", "counts", "splits")


class Finances(contract.Finances):
    """GET /producer/finances."""


# the ledger's entries, newest first, in the list envelope
Transaction, TransactionPage = contract.Transaction, contract.TransactionPage


class Statement(contract.Statement):
    """GET /producer/statements/{period}."""
