"""The billing tables of the accounts database: a user's Stripe customer and subscription state, the
Stripe events already handled, and the one-time effects of Stripe's events (billing/stripe_events.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from services.accounts.models import Base
from services.common.clock import utcnow


class BillingAccount(Base):
    """A user's Stripe customer and the state of their subscription (services/accounts/billing/billing.py).

    ``users.plan`` stays the plan in force; ``subscribed_plan`` is what Stripe bills, which differs
    while a downgrade waits for the renewal (``pending_plan``). ``state_at`` / ``state_period_end``
    are Stripe's ``created`` and the period end of the last applied subscription-state event: an
    older one arriving later changes nothing."""

    __tablename__ = "billing_accounts"

    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255))
    #: Stripe's ``created`` of the subscription: a newer subscription replaces an ended one
    subscription_created: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str | None] = mapped_column(String(20))  # active | past_due | canceled
    subscribed_plan: Mapped[str | None] = mapped_column(String(20))
    pending_plan: Mapped[str | None] = mapped_column(String(20))
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    current_period_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    current_period_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state_at: Mapped[int | None] = mapped_column(BigInteger)
    state_period_end: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_billing_accounts_subscription", "stripe_subscription_id"),)


class ProcessedStripeEvent(Base):
    """A Stripe event id handled once: inserted in the same transaction as the event's effect, so a
    replayed or concurrently duplicated delivery fails on the primary key and changes nothing."""

    __tablename__ = "processed_stripe_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    #: Stripe's ``created`` (unix seconds)
    created: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StripeEffect(Base):
    """A one-time effect of Stripe's events, keyed by the Stripe object it is about: ``subscription_paid``
    by invoice id, ``subscription_refunded`` by charge id and the charge's refunded total after that refund.
    The same fact sent again under a new event id (which ``processed_stripe_events`` cannot recognise) finds
    its row here and emits nothing; concurrent twins collide on the primary key."""

    __tablename__ = "stripe_effects"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    object_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: the Stripe event that had the effect first
    event_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
