"""Beat-request tokens on the real PostgreSQL: spends and refunds keyed by (request, purpose), the
monthly reset, plan allowances, the refund cap, and two concurrent spends of the last token."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
from sqlalchemy import select, update

from services.accounts import tokens
from services.accounts.models import TokenLedgerEntry, User
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.contracts.errors import Conflict, InvalidField, NotFound, PaymentRequired

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)


def make_user(uow, plan: str = "explorer", balance: int | None = None, reset_at: datetime | None = NOW) -> str:
    """A user on ``plan`` whose balance was last reset at ``reset_at`` (default: its full allowance)."""
    suffix = uuid.uuid4().hex[:12]
    allowance = {"explorer": 1, "classic": 1, "plus": 3, "pro": 5}[plan]
    user = User(email=f"t-{suffix}@example.com", email_normalized=f"t-{suffix}@example.com", username=f"t_{suffix}",
                username_normalized=f"t_{suffix}", password_hash="x", plan=plan,
                tokens=allowance if balance is None else balance, tokens_reset_at=reset_at, links=[])
    uow.session.add(user)
    uow.commit()
    return user.id


def request_id() -> str:
    return str(uuid.uuid4())


def balance(uow, user_id: str, now: datetime = NOW) -> int:
    uow.session.expire_all()
    return tokens.get_balance(uow, user_id, now)["tokens"]


def ledger(uow, key: str) -> list[tuple[str, int]]:
    rows = uow.session.scalars(select(TokenLedgerEntry).where(TokenLedgerEntry.request_id == key)
                               .order_by(TokenLedgerEntry.id)).all()
    return [(row.purpose, row.delta) for row in rows]


def test_explorer_token_arithmetic(uow):
    """The business rules (docs/business-rules.md "Beat requests") with Explorer's 1 token: 24 h spends it, then nothing more fits; deletion refunds 1."""
    user = make_user(uow)
    first = request_id()
    assert tokens.spend(uow, user, first, "create", 1, NOW)["tokens"] == 0
    uow.commit()
    with pytest.raises(PaymentRequired) as short:
        tokens.spend(uow, user, request_id(), "create", 1, NOW)
    assert "balance is 0" in short.value.message and "2026-12-01" in short.value.message
    assert short.value.details == {"tokens": 0, "cost": 1, "resets_at": "2026-12-01T00:00:00+00:00"}
    uow.rollback()
    assert tokens.refund(uow, user, first, "delete", NOW) == {"request_id": first, "purpose": "delete",
                                                              "refunded_tokens": 1, "tokens": 1}
    uow.commit()
    with pytest.raises(PaymentRequired):  # 48 h costs 2
        tokens.spend(uow, user, request_id(), "create", 2, NOW)
    uow.rollback()
    assert balance(uow, user) == 1


def test_a_replayed_spend_or_refund_moves_tokens_once_and_answers_the_same(uow):
    user = make_user(uow, plan="plus")
    key = request_id()
    first = tokens.spend(uow, user, key, "create", 2, NOW)
    uow.commit()
    assert tokens.spend(uow, user, key, "create", 2, NOW) == first == {
        "request_id": key, "purpose": "create", "spent_tokens": 2, "tokens": 1}
    uow.commit()
    assert balance(uow, user) == 1
    with pytest.raises(Conflict):  # the same key for another amount is not a replay
        tokens.spend(uow, user, key, "create", 3, NOW)
    uow.rollback()
    with pytest.raises(Conflict):  # nor for another user
        tokens.spend(uow, make_user(uow), key, "create", 2, NOW)
    uow.rollback()
    refunded = tokens.refund(uow, user, key, "delete", NOW)
    uow.commit()
    assert tokens.refund(uow, user, key, "delete", NOW) == refunded and refunded["refunded_tokens"] == 2
    uow.commit()
    assert balance(uow, user) == 3 and ledger(uow, key) == [("create", -2), ("delete", 2)]


@pytest.mark.parametrize(("plan", "allowance"), [("classic", 1), ("plus", 3), ("pro", 5)])
def test_paid_plans_spend_and_refund_within_their_allowance(uow, plan, allowance):
    user = make_user(uow, plan=plan)
    big = request_id()
    cost = min(3, allowance)
    tokens.spend(uow, user, big, "create", cost, NOW)
    spent = 0
    while balance(uow, user) >= 1:  # spend the rest on 24 h requests
        tokens.spend(uow, user, request_id(), "create", 1, NOW)
        spent += 1
    assert cost + spent == allowance
    uow.commit()
    with pytest.raises(PaymentRequired):
        tokens.spend(uow, user, request_id(), "create", 1, NOW)
    uow.rollback()
    assert tokens.refund(uow, user, big, "delete", NOW)["refunded_tokens"] == cost


def test_the_refund_is_capped_at_the_monthly_allowance(uow):
    user = make_user(uow, plan="plus", reset_at=NOW - timedelta(days=30))  # last reset in October
    key = request_id()
    tokens.spend(uow, user, key, "create", 3, NOW - timedelta(days=30))  # October: 3 → 0
    uow.commit()
    # November: the balance is reset to 3, so deleting October's 72 h request gives nothing back
    assert tokens.refund(uow, user, key, "delete", NOW) == {"request_id": key, "purpose": "delete",
                                                            "refunded_tokens": 0, "tokens": 3}
    other = request_id()
    tokens.spend(uow, user, other, "create", 2, NOW)  # 3 → 1
    uow.session.execute(update(User).where(User.id == user).values(tokens=2))  # e.g. after another refund
    assert tokens.refund(uow, user, other, "delete", NOW)["refunded_tokens"] == 1  # 2 + 2 capped at 3
    assert balance(uow, user) == 3


def test_a_renewed_request_refunds_only_its_renewal(uow):
    user = make_user(uow, plan="plus")
    key = request_id()
    tokens.spend(uow, user, key, "create", 2, NOW)
    tokens.spend(uow, user, key, "renew:1", 1, NOW + timedelta(days=2))  # 0 left
    assert tokens.refund(uow, user, key, "delete", NOW + timedelta(days=2))["refunded_tokens"] == 1
    assert ledger(uow, key) == [("create", -2), ("renew:1", -1), ("delete", 1)]


def test_a_request_never_paid_for_refunds_nothing(uow):
    user = make_user(uow, balance=0)
    assert tokens.refund(uow, user, request_id(), "delete", NOW)["refunded_tokens"] == 0


def test_the_balance_resets_lazily_each_month_without_carry_over(uow):
    user = make_user(uow, plan="pro", balance=2, reset_at=datetime(2026, 10, 31, 23, tzinfo=timezone.utc))
    assert balance(uow, user, datetime(2026, 10, 31, 23, 30, tzinfo=timezone.utc)) == 2
    shown = tokens.get_balance(uow, user, NOW)
    assert shown == {"tokens": 5, "monthly_tokens": 5, "plan": "pro", "resets_at": "2026-12-01T00:00:00+00:00"}
    uow.commit()
    tokens.spend(uow, user, request_id(), "create", 3, NOW)
    uow.commit()
    assert balance(uow, user, NOW + timedelta(days=4)) == 2  # same month: no second reset
    assert balance(uow, user, datetime(2027, 1, 2, tzinfo=timezone.utc)) == 5


def test_a_spend_in_a_new_month_uses_the_reset_balance(uow):
    user = make_user(uow, balance=0, reset_at=NOW - timedelta(days=40))
    assert tokens.spend(uow, user, request_id(), "create", 1, NOW)["tokens"] == 0


def test_a_plan_change_resets_to_the_new_allowance(uow):
    user_id = make_user(uow, plan="pro", balance=1)
    user = uow.session.get(User, user_id)
    user.plan = "plus"
    tokens.reset_for_plan(user, NOW)
    uow.commit()
    assert balance(uow, user_id) == 3


def test_an_unknown_user_is_not_found(uow):
    with pytest.raises(NotFound):
        tokens.spend(uow, str(uuid.uuid4()), request_id(), "create", 1, NOW)


def test_two_concurrent_spends_of_the_last_token_one_succeeds(session_factory, uow):
    """The user row is locked (SELECT … FOR UPDATE): the second spend waits for the first to commit,
    then sees the balance it left."""
    user = make_user(uow)
    first, second = UnitOfWork(session_factory), UnitOfWork(session_factory)
    try:
        assert tokens.spend(first, user, request_id(), "create", 1, NOW)["tokens"] == 0  # holds the lock
        waiter = eventlet.spawn(tokens.spend, second, user, request_id(), "create", 1, NOW)
        eventlet.sleep(0.5)
        assert not waiter.dead, "the second spend should wait on the row lock"
        first.commit()
        with pytest.raises(PaymentRequired):
            waiter.wait()
    finally:
        for unit in (first, second):
            unit.rollback()
            unit.close()
    assert balance(uow, user) == 0


def test_two_concurrent_spends_with_one_key_spend_once(session_factory, uow):
    user = make_user(uow, plan="plus")
    key = request_id()
    first, second = UnitOfWork(session_factory), UnitOfWork(session_factory)
    try:
        tokens.spend(first, user, key, "create", 1, NOW)
        waiter = eventlet.spawn(tokens.spend, second, user, key, "create", 1, NOW)
        eventlet.sleep(0.3)
        first.commit()
        assert waiter.wait()["tokens"] == 2  # the first spend's answer
        second.commit()
    finally:
        for unit in (first, second):
            unit.rollback()
            unit.close()
    assert balance(uow, user) == 2


def test_the_rpcs_validate_and_me_shows_the_lazily_reset_balance(accounts, uow):
    user = accounts.register_user()
    uow.session.execute(update(User).where(User.id == user["id"])
                        .values(tokens=0, tokens_reset_at=utcnow() - timedelta(days=62)))
    uow.commit()
    assert accounts.get_user(actor_id=user["id"])["tokens"] == 1
    key = request_id()
    assert accounts.spend_tokens(user_id=user["id"], request_id=key, purpose="create", amount=1)["tokens"] == 0
    assert accounts.get_token_balance(actor_id=user["id"])["tokens"] == 0
    assert accounts.get_user(actor_id=user["id"])["tokens"] == 0
    with pytest.raises(PaymentRequired) as short:
        accounts.spend_tokens(user_id=user["id"], request_id=request_id(), purpose="create", amount=1)
    assert "balance is 0" in short.value.message
    with pytest.raises(InvalidField) as bad:
        accounts.spend_tokens(user_id=user["id"], request_id=request_id(), purpose="delete", amount=1)
    assert "purpose" in bad.value.details
    assert accounts.refund_tokens(user_id=user["id"], request_id=key, purpose="delete")["refunded_tokens"] == 1
    assert accounts.get_user(actor_id=user["id"])["tokens"] == 1
