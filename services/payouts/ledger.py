"""The ledger: append-only entries, balances as sums (never numbers edited in place)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.common.db import UnitOfWork
from services.payouts.models import LedgerEntry


def append(uow: UnitOfWork, entry: LedgerEntry) -> LedgerEntry | None:
    """Write ``entry`` unless its source already wrote one (a unique key): then None, and nothing changed."""
    session = uow.session
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        return None
    return entry


def balances(uow: UnitOfWork, user_id: str) -> dict[str, int]:
    """The user's balance per currency: what the platform owes them (negative: a debit carried forward)."""
    rows = uow.session.execute(select(LedgerEntry.currency, func.sum(LedgerEntry.amount_cents))
                               .where(LedgerEntry.user_id == user_id).group_by(LedgerEntry.currency)).all()
    return {currency: int(total) for currency, total in rows}


def balance(uow: UnitOfWork, user_id: str, currency: str) -> int:
    total = uow.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                               .where(LedgerEntry.user_id == user_id, LedgerEntry.currency == currency))
    return int(total or 0)


def entry(kind: str, user_id: str | None, amount_cents: int, currency: str, when: datetime, **source) -> LedgerEntry:
    return LedgerEntry(kind=kind, user_id=user_id, amount_cents=amount_cents, currency=currency.upper(),
                       created_at=when, **source)
