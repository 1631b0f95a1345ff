"""Beat-request tokens: the balance each plan grants per month (docs/business-rules.md "Beat requests").

Balances reset to the plan's allowance each calendar month (UTC) and on any plan change; unused
tokens do not carry over. The monthly reset is lazy: whoever reads or spends a balance last reset
in an earlier month first resets it. Billing calls ``reset_for_plan`` whenever a user's plan changes.

Spends and refunds are keyed by (beat request id, purpose) in the ``token_ledger``: the catalog can
call them again (a retry, a replay) and the tokens move once; the repeat answers what the first did.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.accounts import repository
from services.accounts.models import TokenLedgerEntry, User
from services.accounts.plans import plan_by_code
from services.common.clock import as_utc, iso
from services.common.db import UnitOfWork
from services.contracts.errors import Conflict, PaymentRequired

CREATE = "create"
DELETE = "delete"
RENEW_PREFIX = "renew:"


class TokenBalance(TypedDict):
    tokens: int
    monthly_tokens: int
    plan: str
    resets_at: str


class Spent(TypedDict):
    request_id: str
    purpose: str
    spent_tokens: int
    tokens: int


class Refunded(TypedDict):
    request_id: str
    purpose: str
    refunded_tokens: int
    tokens: int


# --- rules (no I/O) -------------------------------------------------------------------------------

def _month(moment: datetime) -> tuple[int, int]:
    moment = as_utc(moment)
    return moment.year, moment.month


def needs_monthly_reset(reset_at: datetime | None, now: datetime) -> bool:
    """Whether the balance was last reset in an earlier UTC month (or never: rows older than the ledger)."""
    return reset_at is None or _month(reset_at) < _month(now)


def next_reset(now: datetime) -> datetime:
    """The start of the next UTC month: when the balance is next set to the allowance."""
    year, month = _month(now)
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)


def refund_amount(spent: int, balance: int, allowance: int) -> int:
    """The tokens a deletion gives back: what the current lifetime cost, but never lifting the balance
    above the plan's monthly allowance (docs/business-rules.md: "capped at the plan's monthly allowance")."""
    return max(0, min(spent, allowance - balance))


def is_lifetime_purchase(purpose: str) -> bool:
    """A spend that starts a lifetime of the request: its creation or one of its renewals."""
    return purpose == CREATE or purpose.startswith(RENEW_PREFIX)


def shortfall_message(balance: int, cost: int, now: datetime) -> str:
    return (f"not enough beat-request tokens: this costs {cost} and your balance is {balance}. "
            f"Your balance resets to your plan's allowance on {next_reset(now).date().isoformat()} (UTC); "
            f"upgrade your plan for more tokens each month")


# --- the balance ----------------------------------------------------------------------------------

def reset_for_plan(user: User, now: datetime) -> None:
    """The user's plan just changed (``user.plan`` is already the new one): a fresh allowance."""
    user.tokens = plan_by_code(user.plan).monthly_tokens
    user.tokens_reset_at = now


def refresh(user: User, now: datetime) -> User:
    """Apply the monthly reset if this month's has not happened yet (call on every read and spend)."""
    if needs_monthly_reset(user.tokens_reset_at, now):
        reset_for_plan(user, now)
    return user


def get_balance(uow: UnitOfWork, actor_id: str, now: datetime) -> TokenBalance:
    user = refresh(repository.require_user(uow.session, actor_id), now)
    return TokenBalance(tokens=user.tokens, monthly_tokens=plan_by_code(user.plan).monthly_tokens, plan=user.plan,
                        resets_at=iso(next_reset(now)))


# --- the ledger -----------------------------------------------------------------------------------

def _entry(session: Session, request_id: str, purpose: str) -> TokenLedgerEntry | None:
    return session.scalars(select(TokenLedgerEntry).where(TokenLedgerEntry.request_id == request_id,
                                                          TokenLedgerEntry.purpose == purpose)).first()


def _replayed(entry: TokenLedgerEntry, user_id: str, expected_delta: int | None = None) -> None:
    """A key already used must be the same movement, not another user's or another amount."""
    if entry.user_id != user_id or (expected_delta is not None and entry.delta != expected_delta):
        raise Conflict("this beat request's tokens were already moved differently",
                       {"request_id": entry.request_id, "purpose": entry.purpose})


def _record(session: Session, user: User, request_id: str, purpose: str, delta: int) -> TokenLedgerEntry:
    user.tokens += delta
    entry = TokenLedgerEntry(user_id=user.id, request_id=request_id, purpose=purpose, delta=delta,
                             balance_after=user.tokens)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:
        # only reachable without the row lock (SQLite): the unique key still moves the tokens once
        raise Conflict("this beat request's tokens are being moved by another call; retry",
                       {"request_id": request_id, "purpose": purpose}) from None
    return entry


def spend(uow: UnitOfWork, user_id: str, request_id: str, purpose: str, amount: int, now: datetime) -> Spent:
    """Take ``amount`` tokens for (request, purpose) once; PaymentRequired if the balance is short."""
    session = uow.session
    user = refresh(repository.lock_user(session, user_id), now)
    previous = _entry(session, request_id, purpose)  # read after the lock: a concurrent twin has committed
    if previous is not None:
        _replayed(previous, user.id, -amount)
        return Spent(request_id=request_id, purpose=purpose, spent_tokens=amount, tokens=previous.balance_after)
    if user.tokens < amount:
        raise PaymentRequired(shortfall_message(user.tokens, amount, now),
                              {"tokens": user.tokens, "cost": amount, "resets_at": iso(next_reset(now))})
    entry = _record(session, user, request_id, purpose, -amount)
    return Spent(request_id=request_id, purpose=purpose, spent_tokens=amount, tokens=entry.balance_after)


def _current_lifetime_cost(session: Session, user_id: str, request_id: str) -> int:
    """What the request's current lifetime cost: its latest creation or renewal spend (0 if none)."""
    spends = session.scalars(select(TokenLedgerEntry).where(TokenLedgerEntry.request_id == request_id,
                                                            TokenLedgerEntry.user_id == user_id)
                             .order_by(TokenLedgerEntry.id.desc())).all()
    latest = next((entry for entry in spends if is_lifetime_purchase(entry.purpose)), None)
    return -latest.delta if latest is not None else 0


def refund(uow: UnitOfWork, user_id: str, request_id: str, purpose: str, now: datetime) -> Refunded:
    """Give back the current lifetime's tokens once, capped at the plan's allowance; returns the amount."""
    session = uow.session
    user = refresh(repository.lock_user(session, user_id), now)
    previous = _entry(session, request_id, purpose)
    if previous is not None:
        _replayed(previous, user.id)
        return Refunded(request_id=request_id, purpose=purpose, refunded_tokens=previous.delta,
                        tokens=previous.balance_after)
    amount = refund_amount(_current_lifetime_cost(session, user.id, request_id), user.tokens,
                           plan_by_code(user.plan).monthly_tokens)
    entry = _record(session, user, request_id, purpose, amount)
    return Refunded(request_id=request_id, purpose=purpose, refunded_tokens=amount, tokens=entry.balance_after)
