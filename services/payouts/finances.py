"""The producer's finances page and transaction history (docs/payouts.md "Finances").

Cards, one ``{amount_cents, currency}`` per currency (``0 CAD`` before any money):
- **balance**: what the producer's Stripe account holds (available + pending), from Stripe, cached;
- **upcoming**: what the platform still owes them — their ledger balance, which the next run transfers
  (negative: a debit carried forward, netted from later transfers);
- **in_transit**: their Stripe account's payouts on the way to their bank, from Stripe, cached;
- **lifetime**: everything earned (pool shares and exclusive sales, minus refunded sales), from the ledger.
Money belongs to the account (a Connect account per account), so the cards are the account's whichever of its
artist pages is shown; the history can be narrowed to one page."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, tuple_

from services.common.clock import as_utc, iso_or_none
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.sql import keyset_page
from services.contracts.errors import NotFound
from services.payouts import ledger
from services.payouts.connect import account_of
from services.payouts.models import EXCLUSIVE_SALE, POOL_SHARE, SALE_REFUND, LedgerEntry
from services.payouts.neighbours import PRODUCER, Neighbours
from services.payouts.rules import card, connect_status, currencies_of
from services.payouts.stripe_connect import StripeConnect
from services.payouts.views import transaction_view

log = logging.getLogger(__name__)

ARTIST_NOT_FOUND = "artist not found"
NO_ARTIST_PROFILE = "no artist profile"
TRANSACTIONS = "payout_transactions"
#: the history reaches the newest entries only (docs/business-rules.md "Stripe Connect and finances")
HISTORY_LIMIT = 1000
#: Stripe's figures are fetched again after this; when a fetch fails the cached ones are shown, marked stale
FRESH_FOR = timedelta(seconds=60)
EARNED = (POOL_SHARE, EXCLUSIVE_SALE, SALE_REFUND)


def artists_of(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id: str | None) -> tuple[
        str, list[dict]]:
    """(the page shown, every page the actor manages as catalog lists them, oldest first); the oldest is the
    default. ``NotFound`` for no page ("no artist profile") or one the actor does not manage."""
    neighbours.verify_role(actor_id, PRODUCER)
    artists = [{"id": page["id"], "name": page.get("name")} for page in neighbours.my_artists(actor_id)]
    if not artists:
        raise NotFound(NO_ARTIST_PROFILE)
    if artist_id is None:
        return artists[0]["id"], artists
    if artist_id not in {artist["id"] for artist in artists}:
        raise NotFound(ARTIST_NOT_FOUND)
    return artist_id, artists


def finances(uow: UnitOfWork, neighbours: Neighbours, connect: StripeConnect | None, actor_id: str,
             artist_id: str | None, now: datetime) -> dict:
    shown, artists = artists_of(uow, neighbours, actor_id, artist_id)
    account = account_of(uow, actor_id, for_update=True)
    figures, cached_at, stale = _stripe_figures(account, connect, now)
    cards = {"balance": card(figures.get("balance", {})), "upcoming": card(ledger.balances(uow, actor_id)),
             "in_transit": card(figures.get("in_transit", {})), "lifetime": card(_lifetime(uow, actor_id))}
    return {"stripe": stripe_status(account), "cards": cards,
            "multi_currency_warning": len(currencies_of(*cards.values())) > 1,
            "artists": artists, "artist_id": shown, "cached_at": iso_or_none(cached_at), "stale": stale}


def stripe_status(account) -> dict:
    if account is None:
        return {"status": connect_status(False, False, False, False), "connected": False, "charges_enabled": False,
                "payouts_enabled": False, "currently_due": [], "country": None}
    return {"status": connect_status(True, account.details_submitted, account.charges_enabled,
                                     account.payouts_enabled),
            "connected": account.details_submitted, "charges_enabled": account.charges_enabled,
            "payouts_enabled": account.payouts_enabled, "currently_due": list(account.currently_due or []),
            "country": account.country}


def _stripe_figures(account, connect: StripeConnect | None, now: datetime) -> tuple[dict, datetime | None, bool]:
    """(figures, fetched at, stale): refetched when older than FRESH_FOR; the cache when Stripe fails."""
    if account is None or not account.details_submitted:
        return {}, None, False
    fresh = account.fetched_at is not None and as_utc(account.fetched_at) > now - FRESH_FOR
    if not fresh and connect is not None:
        try:
            account.stripe_figures, account.fetched_at = connect.account_figures(account.stripe_account_id), now
            fresh = True
        except Exception:  # any Stripe trouble: the page still shows, from the cache, marked stale
            log.warning("could not fetch Stripe figures of %s", account.stripe_account_id,
                                                exc_info=True)
    cached_at = as_utc(account.fetched_at) if account.fetched_at is not None else None
    return dict(account.stripe_figures or {}), cached_at, not fresh


def _lifetime(uow: UnitOfWork, user_id: str) -> dict[str, int]:
    rows = uow.session.execute(select(LedgerEntry.currency, func.sum(LedgerEntry.amount_cents))
                               .where(LedgerEntry.user_id == user_id, LedgerEntry.kind.in_(EARNED))
                               .group_by(LedgerEntry.currency)).all()
    return {currency: int(total) for currency, total in rows if total}


def list_transactions(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id: str | None,
                      page: PageRequest) -> Envelope:
    """The ledger, newest first; only the newest HISTORY_LIMIT entries are reachable."""
    shown, _ = artists_of(uow, neighbours, actor_id, artist_id)
    session = uow.session
    mine = LedgerEntry.user_id == actor_id
    if artist_id is not None:  # one page's entries, and the account's transfers
        mine = mine & or_(LedgerEntry.artist_id == shown, LedgerEntry.artist_id.is_(None))
    keys = (LedgerEntry.created_at, LedgerEntry.id)
    oldest = session.execute(select(*keys).where(mine).order_by(*(k.desc() for k in keys))
                             .offset(HISTORY_LIMIT - 1).limit(1)).first()
    reachable = mine if oldest is None else mine & (tuple_(*keys) >= tuple(oldest))
    rows = session.scalars(keyset_page(select(LedgerEntry).where(reachable), keys, page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.created_at, row.id)))
    total = min(HISTORY_LIMIT, session.scalar(select(func.count()).select_from(LedgerEntry).where(mine)) or 0)
    return envelope(TRANSACTIONS, [transaction_view(row) for row in kept], total, next_position)
