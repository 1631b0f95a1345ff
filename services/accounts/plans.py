"""Subscription plans as data (docs/business-rules.md "Accounts, roles and plans"). Monthly only, prices in CAD."""
from __future__ import annotations

from dataclasses import dataclass

from services.contracts.money import Money


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    monthly_price: Money
    #: beat-request tokens granted each month (balances reset to this; unused ones do not carry over)
    monthly_tokens: int
    downloads: bool

    @property
    def is_paid(self) -> bool:
        return self.monthly_price.cents > 0


EXPLORER = Plan("explorer", "Explorer", Money(0, "CAD"), monthly_tokens=1, downloads=False)
CLASSIC = Plan("classic", "Classic", Money(2900, "CAD"), monthly_tokens=1, downloads=True)
PLUS = Plan("plus", "Plus", Money(4500, "CAD"), monthly_tokens=3, downloads=True)
PRO = Plan("pro", "Pro", Money(5900, "CAD"), monthly_tokens=5, downloads=True)

PLANS: dict[str, Plan] = {plan.code: plan for plan in (EXPLORER, CLASSIC, PLUS, PRO)}

#: every account starts here
DEFAULT_PLAN = EXPLORER


def plan_by_code(code: str) -> Plan:
    try:
        return PLANS[code]
    except KeyError:
        raise ValueError(f"unknown plan {code!r}; known: {', '.join(PLANS)}") from None
