"""Paid plans with Stripe Billing: the plan list, Checkout, the billing portal, and applying a
subscription state to a user (the rules live in ``rules``; Stripe's events are read in
``stripe_events``). ``users.plan`` is the plan in force; ``billing_accounts`` holds the rest."""
from __future__ import annotations

import contextlib
from typing import Iterator, TypedDict

import stripe
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts import repository, tokens
from services.accounts.billing import rules
from services.accounts.billing.models import BillingAccount
from services.accounts.billing.rules import Observation, SubscriptionState
from services.accounts.billing.stripe_client import BillingUrls, StripeBilling, require
from services.accounts.models import User
from services.accounts.plans import PLANS, Plan
from services.common.clock import as_utc, iso_or_none, utcnow
from services.common.db import UnitOfWork
from services.common.pagination import envelope
from services.contracts.errors import BillingUnavailable, Conflict
from services.contracts.events import SUBSCRIPTION_CHANGED

NO_CUSTOMER = ("you have no billing account yet: subscribe to a plan first (POST /api/v1/billing/checkout), "
               "then manage it in the billing portal")


class PlanView(TypedDict):
    code: str
    name: str
    price: dict
    interval: str
    monthly_tokens: int
    downloads: bool


class SubscriptionView(TypedDict):
    plan: str
    status: str | None
    pending_plan: str | None
    cancel_at_period_end: bool
    current_period_start: str | None
    current_period_end: str | None
    can_download: bool


def plan_view(plan: Plan) -> PlanView:
    return {"code": plan.code, "name": plan.name,
            "price": {"amount_cents": plan.monthly_price.cents, "currency": plan.monthly_price.currency},
            "interval": "month", "monthly_tokens": plan.monthly_tokens, "downloads": plan.downloads}


def list_plans() -> dict:
    items = [plan_view(plan) for plan in PLANS.values()]
    return envelope("plans", items, len(items), None)


# -- reading and writing a user's billing state ----------------------------------------------------------

def account_of(session: Session, user: User) -> BillingAccount:
    """The user's billing row, created empty on first use (safe: callers hold the user's lock)."""
    account = session.get(BillingAccount, user.id, populate_existing=True)
    if account is None:
        account = BillingAccount(user_id=user.id, cancel_at_period_end=False)
        session.add(account)
        session.flush()
    return account


def find_account_by_customer(session: Session, customer_id: str | None) -> BillingAccount | None:
    if not customer_id:
        return None
    return session.scalars(select(BillingAccount).where(BillingAccount.stripe_customer_id == customer_id)).first()


def state_of(user: User, account: BillingAccount) -> SubscriptionState:
    return SubscriptionState(
        plan=user.plan, subscription_id=account.stripe_subscription_id,
        subscription_created=account.subscription_created, status=account.status,
        subscribed_plan=account.subscribed_plan, pending_plan=account.pending_plan,
        cancel_at_period_end=account.cancel_at_period_end,
        period_start=rules.to_unix(account.current_period_start),
        period_end=rules.to_unix(account.current_period_end),
        state_at=account.state_at, state_period_end=account.state_period_end,
    )


def apply(uow: UnitOfWork, user: User, account: BillingAccount, seen: Observation) -> bool:
    """Fold one observation into the user's state (caller holds the user's lock). Returns whether it
    was applied. A new plan resets the token balance; any visible change emits ``subscription_changed``."""
    before = state_of(user, account)
    after = rules.decide(before, seen)
    if after is None:
        return False
    _write(user, account, after)
    if after.plan != before.plan:
        tokens.reset_for_plan(user, utcnow())
    uow.session.flush()
    if after.public() != before.public():
        uow.emit(SUBSCRIPTION_CHANGED, {
            "user_id": user.id, "plan": after.plan, "pending_plan": after.pending_plan, "status": after.status,
            "cancel_at_period_end": after.cancel_at_period_end,
            "current_period_start": iso_or_none(account.current_period_start),
            "current_period_end": iso_or_none(account.current_period_end),
            "stripe_subscription_id": after.subscription_id,
        })
    return True


def _write(user: User, account: BillingAccount, state: SubscriptionState) -> None:
    user.plan = state.plan
    account.stripe_subscription_id = state.subscription_id
    account.subscription_created = state.subscription_created
    account.status = state.status
    account.subscribed_plan = state.subscribed_plan
    account.pending_plan = state.pending_plan
    account.cancel_at_period_end = state.cancel_at_period_end
    account.current_period_start = rules.from_unix(state.period_start)
    account.current_period_end = rules.from_unix(state.period_end)
    account.state_at = state.state_at
    account.state_period_end = state.state_period_end


def subscription_view(user: User) -> SubscriptionView:
    """What GET /me and GET /billing/subscription show of the user's plan and subscription."""
    account = user.billing_account  # loaded with the user by /me's single query
    status = account.status if account else None
    cancel = bool(account and account.cancel_at_period_end)
    end = account.current_period_end if account else None
    return {
        "plan": user.plan, "status": status, "pending_plan": account.pending_plan if account else None,
        "cancel_at_period_end": cancel,
        "current_period_start": iso_or_none(account.current_period_start) if account else None,
        "current_period_end": iso_or_none(end),
        "can_download": rules.can_download(user.plan, status, cancel, as_utc(end) if end else None, utcnow()),
    }


def get_subscription(uow: UnitOfWork, actor_id: str) -> SubscriptionView:
    return subscription_view(repository.require_user(uow.session, actor_id))


# -- Checkout and the portal --------------------------------------------------------------------------------

@contextlib.contextmanager
def stripe_errors() -> Iterator[None]:
    """Stripe failing (unreachable, refusing our key, …) is billing being unavailable, not our bug."""
    try:
        yield
    except stripe.StripeError as exc:
        raise BillingUnavailable(f"Stripe refused or did not answer: {exc.user_message or exc}",
                                 {"stripe_error": type(exc).__name__}) from None


def has_live_subscription(account: BillingAccount) -> bool:
    return account.stripe_subscription_id is not None and account.status in (rules.ACTIVE, rules.PAST_DUE)


def start_checkout(uow: UnitOfWork, billing: StripeBilling | None, actor_id: str, plan_code: str,
                   urls: BillingUrls) -> dict:
    """A Stripe Checkout Session (mode=subscription) for ``plan_code``; its ``url`` is where the
    user pays. The plan itself changes only when Stripe's webhooks say the subscription exists."""
    billing = require(billing)
    user = repository.lock_user(uow.session, actor_id)
    account = account_of(uow.session, user)
    if has_live_subscription(account):
        raise Conflict("you already have a subscription: change or cancel it in the billing portal "
                       "(POST /api/v1/billing/portal)",
                       {"plan": user.plan, "status": account.status})
    with stripe_errors():
        if account.stripe_customer_id is None:
            account.stripe_customer_id = billing.create_customer(user.id, user.email, user.username)
            uow.commit()  # keep the customer even if the session below fails: the next try reuses it
        url, session_id = billing.create_checkout_session(account.stripe_customer_id, user.id, plan_code, urls)
    return {"url": url, "session_id": session_id}


def open_portal(uow: UnitOfWork, billing: StripeBilling | None, actor_id: str, urls: BillingUrls) -> dict:
    billing = require(billing)
    user = repository.require_user(uow.session, actor_id)
    account = uow.session.get(BillingAccount, user.id)
    if account is None or account.stripe_customer_id is None:
        raise Conflict(NO_CUSTOMER)
    with stripe_errors():
        return {"url": billing.create_portal_session(account.stripe_customer_id, urls.portal_return)}


def cancel_subscription_now(uow: UnitOfWork, billing: StripeBilling | None, user_id: str) -> str | None:
    """End the user's live subscription on Stripe at once, not at the period's end (deleting an account
    must not leave a card being charged). Returns the subscription id it cancelled; None, quietly, when
    there is none or Stripe had already ended it. Stripe's ``customer.subscription.deleted`` webhook then
    records the end as usual. Needs Stripe only when there is something to cancel."""
    account = uow.session.get(BillingAccount, user_id)
    if account is None or not has_live_subscription(account):
        return None
    with stripe_errors():
        cancelled = require(billing).cancel_subscription(account.stripe_subscription_id)
    return account.stripe_subscription_id if cancelled else None


def account_fields(user: User) -> dict:
    """The billing part of the user's own account view (GET /me)."""
    view = subscription_view(user)
    return {"subscription_status": view["status"], "pending_plan": view["pending_plan"],
            "cancel_at_period_end": view["cancel_at_period_end"], "current_period_end": view["current_period_end"],
            "can_download": view["can_download"]}
