"""The subscription state machine, without I/O (docs/business-rules.md "Accounts, roles and plans").

Each Stripe event about a subscription becomes an ``Observation``; ``decide`` folds it into the
stored ``SubscriptionState`` or refuses it as stale. The rules:

- order: an observation older than the last applied one (Stripe's event ``created``, then the
  period end) changes nothing, so a late or replayed ``customer.subscription.updated`` cannot
  undo a newer state;
- a canceled subscription is final; a newer subscription (by Stripe's ``created``) replaces it;
- upgrades apply at once; a downgrade waits in ``pending_plan`` until the period rolls over;
- cancelling at period end keeps the plan (grace) until Stripe ends the subscription, then Explorer;
- past_due keeps the plan but blocks downloads.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from services.accounts.plans import DEFAULT_PLAN, PLANS
from services.common.clock import as_utc

ACTIVE, PAST_DUE, CANCELED = "active", "past_due", "canceled"

#: Stripe's subscription statuses → ours. ``incomplete`` (first payment not through yet) and
#: ``unpaid`` / ``paused`` (collection stopped) block downloads like past_due.
STRIPE_STATUSES = {
    "active": ACTIVE, "trialing": ACTIVE,
    "past_due": PAST_DUE, "unpaid": PAST_DUE, "incomplete": PAST_DUE, "paused": PAST_DUE,
    "canceled": CANCELED, "incomplete_expired": CANCELED,
}


def normalize_status(stripe_status: str) -> str:
    return STRIPE_STATUSES.get(stripe_status, PAST_DUE)


def rank(plan_code: str) -> int:
    """Plans compare by monthly price: a move to a dearer plan is an upgrade."""
    return PLANS[plan_code].monthly_price.cents


@dataclass(frozen=True)
class SubscriptionState:
    plan: str = DEFAULT_PLAN.code  # the plan in force (users.plan)
    subscription_id: str | None = None
    subscription_created: int | None = None
    status: str | None = None
    subscribed_plan: str | None = None  # what Stripe bills
    pending_plan: str | None = None  # a downgrade waiting for the renewal
    cancel_at_period_end: bool = False
    period_start: int | None = None  # unix seconds, as Stripe sends them
    period_end: int | None = None
    state_at: int | None = None  # ``created`` of the last applied event
    state_period_end: int | None = None

    def public(self) -> tuple:
        """The fields subscribers of ``subscription_changed`` see; a change of any emits the event."""
        return (self.plan, self.pending_plan, self.status, self.cancel_at_period_end, self.period_start,
                self.period_end, self.subscription_id)


@dataclass(frozen=True)
class Observation:
    """What one Stripe event says about a subscription; ``None`` means "not said"."""

    subscription_id: str
    created: int
    subscription_created: int | None = None
    status: str | None = None
    plan: str | None = None
    cancel_at_period_end: bool | None = None
    period_start: int | None = None
    period_end: int | None = None


def decide(state: SubscriptionState, seen: Observation) -> SubscriptionState | None:
    """The state after ``seen``, or None when ``seen`` is stale and must change nothing."""
    if not _same_subscription_or_newer(state, seen):
        return None
    if seen.subscription_id != state.subscription_id:
        # a new subscription: nothing of the old one's clock or flags carries over (the plan in force does)
        state = SubscriptionState(plan=state.plan)
    elif state.status == CANCELED:
        return None
    elif _older(seen, state):
        return None
    status = seen.status or state.status or ACTIVE
    subscribed = seen.plan or state.subscribed_plan
    start = seen.period_start if seen.period_start is not None else state.period_start
    end = seen.period_end if seen.period_end is not None else state.period_end
    cancel = seen.cancel_at_period_end if seen.cancel_at_period_end is not None else state.cancel_at_period_end
    plan, pending = _plan_in_force(state, status, subscribed, start)
    return replace(
        state, plan=plan, pending_plan=pending, subscription_id=seen.subscription_id,
        subscription_created=seen.subscription_created or state.subscription_created, status=status,
        subscribed_plan=subscribed, cancel_at_period_end=cancel, period_start=start, period_end=end,
        state_at=seen.created, state_period_end=end,
    )


def _same_subscription_or_newer(state: SubscriptionState, seen: Observation) -> bool:
    if state.subscription_id is None or seen.subscription_id == state.subscription_id:
        return True
    if seen.subscription_created is not None and state.subscription_created is not None:
        return seen.subscription_created > state.subscription_created
    # an invoice of a subscription we have not seen yet: it takes over only from an ended one
    return state.status == CANCELED and (state.state_at is None or seen.created > state.state_at)


def _older(seen: Observation, state: SubscriptionState) -> bool:
    if state.state_at is None:
        return False
    return (seen.created, seen.period_end or 0) < (state.state_at, state.state_period_end or 0)


def _plan_in_force(state: SubscriptionState, status: str, subscribed: str | None,
                   period_start: int | None) -> tuple[str, str | None]:
    """(plan in force, pending downgrade)."""
    if status == CANCELED:
        return DEFAULT_PLAN.code, None
    if subscribed is None:
        return state.plan, state.pending_plan
    rolled_over = state.period_end is not None and period_start is not None and period_start >= state.period_end
    current = state.plan
    if rolled_over or not PLANS[current].is_paid or rank(subscribed) > rank(current):
        return subscribed, None
    if rank(subscribed) < rank(current):
        return current, subscribed
    return current, None


def can_download(plan_code: str, status: str | None, cancel_at_period_end: bool, period_end: datetime | None,
                 now: datetime) -> bool:
    """A paid plan whose subscription is paid up: active, or cancelled but still in its paid period."""
    if not PLANS[plan_code].downloads or status != ACTIVE:
        return False
    return not cancel_at_period_end or period_end is None or now < period_end


def from_unix(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc)


def to_unix(moment: datetime | None) -> int | None:
    return None if moment is None else int(as_utc(moment).timestamp())
