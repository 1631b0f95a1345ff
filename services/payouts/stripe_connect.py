"""Stripe, as payouts uses it: Express accounts and their onboarding links, transfers from the platform to a
connected account (each with an idempotency key, so a repeated request pays once), the platform's transfers of a
period (reconciliation), and a connected account's balance and in-transit payouts (the ``Stripe-Account``
header). The client is the shared one (services/common/stripe_api.py); without STRIPE_API_KEY there is none and
the calls that need it answer ``BillingUnavailable``."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

import stripe
from nameko.extensions import DependencyProvider

from services.common import stripe_api
from services.common.config import public_url
from services.contracts.errors import BillingUnavailable

log = logging.getLogger(__name__)

USER_METADATA = "beatpass_user_id"
NOT_CONFIGURED = ("payouts are not configured: set STRIPE_API_KEY for the payouts service (and STRIPE_API_BASE to "
                  "use a local fake Stripe)")


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class TransferResult:
    """A transfer Stripe made (``transfer_id``) or refused (``failure_code``: Stripe's error code)."""

    transfer_id: str | None = None
    failure_code: str | None = None


class StripeUnreachable(Exception):
    """Stripe did not answer (network, 5xx, rate limit): nothing is known; the same request is repeated later."""


def onboarding_urls() -> tuple[str, str]:
    """(refresh_url, return_url): pages of the gateway under PUBLIC_URL; returning changes nothing."""
    site = public_url()
    return f"{site}/producer/stripe/refresh", f"{site}/producer/stripe/return"


def transfer_key(run_id: str, user_id: str, currency: str) -> str:
    return f"payout-{run_id}-{user_id}-{currency}"


class StripeConnect:
    def __init__(self, client: stripe.StripeClient):
        self.client = client

    def create_account(self, user_id: str, country: str, email: str | None) -> str:
        params: dict[str, Any] = {"type": "express", "country": country, "metadata": {USER_METADATA: user_id},
                                  "capabilities": {"transfers": {"requested": True}}}
        if email:
            params["email"] = email
        # one account per (user, country) even when two requests race: Stripe answers the twin the same account
        account = self.client.v1.accounts.create(
            params=params, options={"idempotency_key": f"connect-account-{user_id}-{country}"})
        return account.id

    def account_link(self, account_id: str) -> Link:
        refresh, back = onboarding_urls()
        link = self.client.v1.account_links.create(params={
            "account": account_id, "refresh_url": refresh, "return_url": back, "type": "account_onboarding"})
        return Link(link.url, datetime.fromtimestamp(link.expires_at, timezone.utc))

    def transfer(self, *, amount_cents: int, currency: str, destination: str, key: str,
                 metadata: dict[str, str]) -> TransferResult:
        try:
            transfer = self.client.v1.transfers.create(
                params={"amount": amount_cents, "currency": currency.lower(), "destination": destination,
                        "metadata": metadata, "transfer_group": metadata.get("run_id")},
                options={"idempotency_key": key})
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise StripeUnreachable(str(exc)) from exc
        except stripe.StripeError as exc:
            if exc.http_status is not None and exc.http_status >= 500:
                raise StripeUnreachable(str(exc)) from exc
            return TransferResult(failure_code=exc.code or "transfer_refused")
        return TransferResult(transfer_id=transfer.id)

    def transfers_between(self, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
        """The platform's transfers created in [start, end), every page."""
        params = {"created": {"gte": int(start.timestamp()), "lt": int(end.timestamp())}, "limit": 100}
        for transfer in self.client.v1.transfers.list(params=params).auto_paging_iter():
            metadata = transfer.metadata.to_dict() if transfer.metadata else {}
            yield {"id": transfer.id, "amount": transfer.amount, "currency": transfer.currency.upper(),
                   "destination": transfer.destination, "metadata": metadata,
                   "transfer_group": getattr(transfer, "transfer_group", None),
                   "amount_reversed": getattr(transfer, "amount_reversed", 0) or 0}

    def account_figures(self, account_id: str) -> dict[str, dict[str, int]]:
        """The connected account's balance (available + pending) and its payouts in transit, per currency."""
        options = {"stripe_account": account_id}
        balance = self.client.v1.balance.retrieve(options=options)
        held: dict[str, int] = {}
        for entry in list(balance.available or []) + list(balance.pending or []):
            held[entry.currency.upper()] = held.get(entry.currency.upper(), 0) + entry.amount
        moving: dict[str, int] = {}
        for payout in self.client.v1.payouts.list(params={"status": "in_transit", "limit": 100},
                                                  options=options).auto_paging_iter():
            moving[payout.currency.upper()] = moving.get(payout.currency.upper(), 0) + payout.amount
        return {"balance": held, "in_transit": moving}


def require(connect: StripeConnect | None) -> StripeConnect:
    if connect is None:
        raise BillingUnavailable(NOT_CONFIGURED, {"missing": ["STRIPE_API_KEY"]})
    return connect


def from_environment() -> StripeConnect | None:
    client = stripe_api.from_environment()
    return None if client is None else StripeConnect(client)


class Connect(DependencyProvider):
    """Gives workers the service's one ``StripeConnect`` (None when STRIPE_API_KEY is unset)."""

    def setup(self) -> None:
        onboarding_urls()  # a malformed PUBLIC_URL stops the service at start, not at the first onboarding
        self.connect = from_environment()
        if self.connect is None:
            log.warning("STRIPE_API_KEY is not set: Connect onboarding and payout runs answer 503 "
                        "billing_unavailable")

    def get_dependency(self, worker_ctx) -> StripeConnect | None:
        return self.connect
