"""Licensing's rules without I/O: who may download a track and why not (docs/business-rules.md "Licensing and
downloads"), the buyer's fee of an exclusive, and whether an exclusive can be bought."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.contracts.errors import Conflict, NotFound
from services.contracts.vocabularies import PAID_PLAN_CODES

PUBLISHED = "published"
EXCLUSIVE_ONLY = "exclusive_only"
STANDARD_ONLY = "standard"
PAST_DUE = "past_due"

#: the buyer's fee: 12 % of the price, rounded half up to the cent, plus 3.00 (docs/licensing.md "Exclusive sales")
FEE_PERCENT = 12
FEE_FIXED_CENTS = 300

TRACK_NOT_FOUND = "track not found"
PAID_PLANS = ", ".join(code.capitalize() for code in PAID_PLAN_CODES[:-1]) + f" and {PAID_PLAN_CODES[-1].capitalize()}"

MESSAGES = {
    "own_track": "This is your own track: you can always download it.",
    "subscriber": "Your plan includes downloads: each download issues a new standard licence for one new work.",
    "not_published": "This track is not published, so it cannot be downloaded.",
    "exclusive_sold": "This track's exclusive has been sold: it issues no new licences. Licences issued before "
                      "stay valid.",
    "exclusive_only": "This track is sold only as an exclusive: buy its exclusive from the track page to use it.",
    "free_plan": f"Downloads come with the {PAID_PLANS} plans: subscribe to one of them to download this track.",
    "payment_overdue": "Your last payment failed: update your payment method in the billing portal, then "
                       "download again.",
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    @property
    def message(self) -> str:
        return MESSAGES[self.reason]

    def view(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "reason": self.reason, "message": self.message}


def is_owner(facts: dict[str, Any], actor_id: str) -> bool:
    return actor_id in (facts.get("owner_user_ids") or ())


def track_decision(facts: dict[str, Any], actor_id: str, sale_granted: bool) -> Decision | None:
    """What the track alone decides, in the order the refusals are checked; None when it is up to the actor's
    plan. ``NotFound`` for another producer's track that is not published (it is not revealed)."""
    published = facts.get("status") == PUBLISHED
    if is_owner(facts, actor_id):
        return Decision(True, "own_track") if published else Decision(False, "not_published")
    if not published:
        raise NotFound(TRACK_NOT_FOUND)
    if facts.get("withdrawn"):
        return Decision(False, "not_published")
    if sale_granted or (facts.get("exclusive") or {}).get("status") == "sold":
        return Decision(False, "exclusive_sold")
    if facts.get("licensing_model") == EXCLUSIVE_ONLY:
        return Decision(False, "exclusive_only")
    return None


def plan_decision(user: dict[str, Any]) -> Decision:
    """A subscriber whose plan allows downloads (accounts' ``can_download``: paid, not past due) may download."""
    if user.get("can_download"):
        return Decision(True, "subscriber")
    if user.get("subscription_status") == PAST_DUE:
        return Decision(False, "payment_overdue")
    return Decision(False, "free_plan")


def buyer_fee_cents(price_cents: int) -> int:
    """12 % of the price rounded half up to the cent, plus 300 (integer arithmetic: no float ever rounds it)."""
    return (price_cents * FEE_PERCENT + 50) // 100 + FEE_FIXED_CENTS


def check_exclusive_available(facts: dict[str, Any], actor_id: str, sale_granted: bool) -> dict[str, Any]:
    """The exclusive's terms when ``actor_id`` may buy it; ``NotFound`` for an unpublished track of someone else,
    ``Conflict`` (with ``details.reason``) when it cannot be bought."""
    owner = is_owner(facts, actor_id)
    if facts.get("status") != PUBLISHED and not owner:
        raise NotFound(TRACK_NOT_FOUND)
    exclusive = facts.get("exclusive") or {}
    if owner:
        raise _unavailable("own_track", "This is your own track: you cannot buy its exclusive.")
    if facts.get("withdrawn") or facts.get("status") != PUBLISHED:
        raise _unavailable("not_published", "This track is not published, so its exclusive cannot be bought.")
    if facts.get("licensing_model") == STANDARD_ONLY or not exclusive:
        raise _unavailable("standard_only", "This track is offered under the standard licence only: download it "
                                            "with a paid plan instead.")
    if sale_granted or exclusive.get("status") == "sold":
        raise _unavailable("sold", "This track's exclusive has already been sold.")
    if exclusive.get("status") != "available":
        raise _unavailable("private", "This track's exclusive is not for sale here: contact the producer.")
    return exclusive


def exclusive_still_available(facts: dict[str, Any], buyer_id: str) -> bool:
    """At a completed payment: could this buyer still have bought it (a sold status is licensing's own to judge)?"""
    exclusive = facts.get("exclusive") or {}
    return (facts.get("status") == PUBLISHED and not facts.get("withdrawn") and not is_owner(facts, buyer_id)
            and facts.get("licensing_model") != STANDARD_ONLY and exclusive.get("status") in ("available", "sold"))


def _unavailable(reason: str, message: str) -> Conflict:
    return Conflict(message, {"reason": reason})
