"""Token arithmetic without a database: monthly resets, the refund cap, and the RPCs' input checks."""
from datetime import datetime, timezone
import uuid

import pytest

from services.accounts import token_schemas, tokens
from services.accounts.models import User
from services.contracts.errors import InvalidField


def at(year: int, month: int, day: int = 1, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def user(plan: str = "explorer", balance: int = 0, reset_at: datetime | None = None) -> User:
    return User(plan=plan, tokens=balance, tokens_reset_at=reset_at)


@pytest.mark.parametrize(("reset_at", "now", "expected"), [
    (at(2026, 11, 1), at(2026, 11, 30, 23), False),  # same month
    (at(2026, 10, 31, 23), at(2026, 11, 1), True),  # a new month began
    (at(2025, 11, 15), at(2026, 11, 15), True),  # same month number, another year
    (at(2026, 12, 31, 23), at(2027, 1, 1), True),  # across the year
    (None, at(2026, 11, 1), True),  # never reset (rows older than the ledger)
    (datetime(2026, 11, 3), at(2026, 11, 20), False),  # SQLite's naive datetimes are UTC
])
def test_the_balance_resets_in_a_later_utc_month_only(reset_at, now, expected):
    assert tokens.needs_monthly_reset(reset_at, now) is expected


def test_the_next_reset_is_the_first_of_the_next_utc_month():
    assert tokens.next_reset(at(2026, 11, 26, 7)) == at(2026, 12, 1)
    assert tokens.next_reset(at(2026, 12, 31, 23)) == at(2027, 1, 1)


@pytest.mark.parametrize(("spent", "balance", "allowance", "refunded"), [
    (1, 0, 1, 1),  # Explorer deletes its 24 h request: back to 1
    (3, 0, 3, 3),  # Plus deletes a 72 h request
    (3, 1, 3, 2),  # capped: the balance never exceeds the allowance
    (2, 1, 1, 0),  # the month reset already restored the allowance
    (1, 5, 5, 0),  # Pro at its allowance
    (0, 0, 1, 0),  # nothing was spent on this request
    (2, 4, 3, 0),  # a balance above the allowance (plan downgraded mid-month is reset, but be safe)
])
def test_a_refund_gives_back_the_lifetime_cost_capped_at_the_monthly_allowance(spent, balance, allowance, refunded):
    assert tokens.refund_amount(spent, balance, allowance) == refunded


def test_only_creations_and_renewals_buy_a_lifetime():
    assert tokens.is_lifetime_purchase("create")
    assert tokens.is_lifetime_purchase("renew:3")
    assert not tokens.is_lifetime_purchase("delete")


def test_the_shortfall_message_says_balance_cost_reset_and_upgrade():
    message = tokens.shortfall_message(balance=1, cost=2, now=at(2026, 11, 26))
    assert "costs 2" in message and "balance is 1" in message
    assert "2026-12-01" in message and "upgrade" in message


@pytest.mark.parametrize(("plan", "allowance"), [("explorer", 1), ("classic", 1), ("plus", 3), ("pro", 5)])
def test_a_plan_change_sets_a_fresh_allowance_without_carry_over(plan, allowance):
    account = user(plan=plan, balance=4, reset_at=at(2026, 11, 1))
    tokens.reset_for_plan(account, at(2026, 11, 20))
    assert account.tokens == allowance
    assert account.tokens_reset_at == at(2026, 11, 20)


def test_refresh_resets_only_once_a_month():
    account = user(plan="plus", balance=0, reset_at=at(2026, 10, 5))
    tokens.refresh(account, at(2026, 11, 2))
    assert (account.tokens, account.tokens_reset_at) == (3, at(2026, 11, 2))
    account.tokens = 1
    tokens.refresh(account, at(2026, 11, 30))
    assert account.tokens == 1  # no second reset this month


def test_spend_input_is_checked():
    request_id = str(uuid.uuid4())
    loaded = token_schemas.load_spend(str(uuid.uuid4()), request_id.upper(), "renew:2", 1)
    assert loaded["request_id"] == request_id and loaded["purpose"] == "renew:2"
    for purpose, amount in (("delete", 1), ("renew:0", 1), ("renew:x", 1), ("create", 0), ("create", 11),
                            ("create", True), ("create", "1")):
        with pytest.raises(InvalidField):
            token_schemas.load_spend(str(uuid.uuid4()), request_id, purpose, amount)
    with pytest.raises(InvalidField) as caught:
        token_schemas.load_spend("not-a-uuid", request_id, "create", 1)
    assert "user_id" in caught.value.details


def test_refund_input_accepts_only_the_delete_purpose():
    assert token_schemas.load_refund(str(uuid.uuid4()), str(uuid.uuid4()), "delete")["purpose"] == "delete"
    with pytest.raises(InvalidField):
        token_schemas.load_refund(str(uuid.uuid4()), str(uuid.uuid4()), "create")
