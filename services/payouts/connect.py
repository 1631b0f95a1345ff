"""Stripe Connect onboarding: a producer's Express account (its country fixed once chosen), onboarding links,
and the flags Stripe's ``account.updated`` sets (never the producer's return to our page)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.clock import iso
from services.common.db import UnitOfWork
from services.common.validation import invalid
from services.contracts.errors import Conflict, NotFound
from services.contracts.events import PAYOUT_ACCOUNT_UPDATED
from services.contracts.vocabularies import STRIPE_CONNECT_COUNTRIES
from services.payouts.models import ConnectAccount
from services.payouts.neighbours import PRODUCER, Neighbours
from services.payouts.stripe_connect import USER_METADATA, Link, StripeConnect, require

NO_ACCOUNT = "no Stripe account yet: start with POST /api/v1/producer/stripe/connect {country}"


def account_of(uow: UnitOfWork, user_id: str, for_update: bool = False) -> ConnectAccount | None:
    query = select(ConnectAccount).where(ConnectAccount.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return uow.session.scalars(query).first()


def start_connect(uow: UnitOfWork, neighbours: Neighbours, connect: StripeConnect | None, actor_id: str,
                  country: Any) -> dict:
    """The producer's onboarding link: a new Express account (``created``) or, same country, a fresh link."""
    neighbours.verify_role(actor_id, PRODUCER)
    country = _country(country)
    connect = require(connect)
    account = account_of(uow, actor_id)
    if account is not None:
        if account.country != country:
            raise Conflict(f"your Stripe account's country is {account.country}, and it cannot change once chosen; "
                           f"continue onboarding with country {account.country}",
                           {"country": account.country})
        return _link_view(connect.account_link(account.stripe_account_id), created=False)
    email = neighbours.user(actor_id).get("email")
    stripe_id = connect.create_account(actor_id, country, email)
    uow.session.add(ConnectAccount(user_id=actor_id, stripe_account_id=stripe_id, country=country,
                                   currently_due=[]))
    try:
        uow.session.flush()
    except IntegrityError:  # a concurrent twin stored the same account (same idempotency key) first
        uow.rollback()
    return _link_view(connect.account_link(stripe_id), created=True)


def refresh_connect_link(uow: UnitOfWork, neighbours: Neighbours, connect: StripeConnect | None,
                         actor_id: str) -> dict:
    neighbours.verify_role(actor_id, PRODUCER)
    connect = require(connect)
    account = account_of(uow, actor_id)
    if account is None:
        raise NotFound(NO_ACCOUNT)
    return _link_view(connect.account_link(account.stripe_account_id), created=False)


def _country(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in STRIPE_CONNECT_COUNTRIES or len(value) != 2:
        raise invalid("country", "an ISO 3166 alpha-2 country where Stripe Express accounts are available, "
                                 "e.g. CA, US, FR")
    return value.upper()


def _link_view(link: Link, created: bool) -> dict:
    return {"url": link.url, "expires_at": iso(link.expires_at), "created": created}


def account_updated(uow: UnitOfWork, account_id: str, obj: dict[str, Any], created: int,
                    now: datetime) -> str | None:
    """Apply Stripe's view of the account unless a newer ``account.updated`` was applied already; None when
    applied, else why it was ignored."""
    account = uow.session.scalars(select(ConnectAccount).where(ConnectAccount.stripe_account_id == account_id)
                                  .with_for_update()).first()
    if account is None:
        account = _adopt(uow, account_id, obj)
        if account is None:
            return "an account payouts did not create"
    if created < account.last_event_created:
        return "older than the state already applied"
    requirements = obj.get("requirements") or {}
    account.details_submitted = bool(obj.get("details_submitted"))
    account.charges_enabled = bool(obj.get("charges_enabled"))
    account.payouts_enabled = bool(obj.get("payouts_enabled"))
    account.currently_due = [str(item) for item in requirements.get("currently_due") or []]
    account.last_event_created = created
    account.fetched_at = None  # the Stripe figures are refetched on the next finances page
    if account.user_id is not None:
        uow.emit(PAYOUT_ACCOUNT_UPDATED, {
            "user_id": account.user_id, "stripe_account_id": account.stripe_account_id, "country": account.country,
            "connected": account.details_submitted, "charges_enabled": account.charges_enabled,
            "payouts_enabled": account.payouts_enabled, "currently_due": list(account.currently_due),
            "payout_ready": account.payout_ready})
    return None


def _adopt(uow: UnitOfWork, account_id: str, obj: dict[str, Any]) -> ConnectAccount | None:
    """An account created by us whose row was lost (the transaction storing it failed after Stripe made it):
    its metadata names the user."""
    user_id = (obj.get("metadata") or {}).get(USER_METADATA)
    country = str(obj.get("country") or "").upper()
    if not user_id or len(country) != 2 or account_of(uow, user_id) is not None:
        return None
    account = ConnectAccount(user_id=user_id, stripe_account_id=account_id, country=country, currently_due=[])
    uow.session.add(account)
    uow.session.flush()
    return account
