import pytest

from services.accounts import plans
from services.contracts.money import Money


@pytest.mark.parametrize("code, cents, tokens, downloads", [
    ("explorer", 0, 1, False),
    ("classic", 2900, 1, True),
    ("plus", 4500, 3, True),
    ("pro", 5900, 5, True),
])
def test_plan_table_matches_the_business_rules(code, cents, tokens, downloads):
    plan = plans.plan_by_code(code)
    assert plan.monthly_price == Money(cents, "CAD")
    assert plan.monthly_tokens == tokens
    assert plan.downloads is downloads
    assert plan.is_paid is (cents > 0)


def test_exactly_four_plans_exist():
    assert list(plans.PLANS) == ["explorer", "classic", "plus", "pro"]


def test_every_account_starts_on_explorer():
    assert plans.DEFAULT_PLAN.code == "explorer"
    assert not plans.DEFAULT_PLAN.downloads


def test_only_paid_plans_download():
    assert all(plan.downloads == plan.is_paid for plan in plans.PLANS.values())


def test_unknown_plan_is_an_error_naming_the_known_ones():
    with pytest.raises(ValueError, match="explorer, classic, plus, pro"):
        plans.plan_by_code("yearly")
