"""Money as integer minor units with an ISO 4217 currency. Never floats."""
from __future__ import annotations

from dataclasses import dataclass

CURRENCIES = ("CAD", "USD", "EUR", "GBP")


@dataclass(frozen=True, order=True)
class Money:
    cents: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise TypeError("Money.cents must be an int (minor units)")
        if self.currency not in CURRENCIES:
            raise ValueError(f"unsupported currency {self.currency!r}; use one of {CURRENCIES}")

    def __add__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def _same_currency(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def to_dict(self) -> dict:
        return {"cents": self.cents, "currency": self.currency}

    def format(self) -> str:
        sign = "-" if self.cents < 0 else ""
        return f"{sign}{abs(self.cents) // 100}.{abs(self.cents) % 100:02d} {self.currency}"


def split_largest_remainder(total_cents: int, weights: list[float]) -> list[int]:
    """Split ``total_cents`` in proportion to ``weights`` so the parts add up exactly.

    Each part gets the floor of its exact share; the cents left over go one by one to the
    parts with the largest fractional remainders (ties: earlier part first).
    """
    if total_cents < 0:
        raise ValueError("total_cents must be >= 0")
    weight_sum = sum(weights)
    if not weights or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total_cents * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    leftover = total_cents - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts
