"""The payouts database: Connect accounts, the append-only ledger, the facts a pool split needs (revenue,
refunds, tracks and their credited artists, plays and their counts per period), runs and their splits, and the
Stripe events already handled.

Idempotency lives in unique constraints: a consumer or a run step that runs twice fails on them (or finds the
row) instead of writing a second effect. Money is integer cents with its currency."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.clock import utcnow
from services.common.persistence import new_id, service_metadata

# ledger kinds (services/contracts/rpc/payouts.py TRANSACTION_KINDS)
POOL_SHARE, EXCLUSIVE_SALE, TRANSFER, TRANSFER_REVERSAL, SALE_REFUND = (
    "pool_share", "exclusive_sale", "transfer", "transfer_reversal", "sale_refund")
# run and split statuses (services/contracts/rpc/payouts.py)
RUN_QUEUED, RUN_RUNNING, RUN_COMPLETED, RUN_WITH_FAILURES = "queued", "running", "completed", "completed_with_failures"
QUEUED, SENDING, PAID, FAILED, EXCLUDED = "queued", "sending", "paid", "failed", "excluded"
UNCLAIMED, NOT_PAYOUT_READY = "unclaimed", "not_payout_ready"


class Base(DeclarativeBase):
    metadata = service_metadata()


class ConnectAccount(Base):
    """A producer's Stripe Express account. The country is fixed once chosen; the flags are Stripe's, as the
    newest ``account.updated`` (by its ``created``) said. ``user_id`` is null once the account was deleted."""

    __tablename__ = "connect_accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    stripe_account_id: Mapped[str] = mapped_column(String(255), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    details_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    charges_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    payouts_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    currently_due: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``created`` of the ``account.updated`` applied last: an older one arriving late changes nothing
    last_event_created: Mapped[int] = mapped_column(BigInteger, default=0)
    #: the connected account's Stripe balance and in-transit payouts, as fetched at ``fetched_at``
    stripe_figures: Mapped[dict | None] = mapped_column(JSON)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def payout_ready(self) -> bool:
        return self.details_submitted and self.charges_enabled and self.payouts_enabled


class LedgerEntry(Base):
    """One movement of a producer's money, never updated (except to forget a deleted account's id). Credits are
    positive, debits negative; balances are sums. Each source can write its entry once (the unique keys)."""

    __tablename__ = "ledger_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(String(36))
    artist_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    run_id: Mapped[str | None] = mapped_column(String(36))
    period: Mapped[str | None] = mapped_column(String(7))
    license_id: Mapped[str | None] = mapped_column(String(36))
    stripe_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("run_id", "artist_id", "kind", name="uq_ledger_entries_run_artist_kind"),
        UniqueConstraint("license_id", "kind", name="uq_ledger_entries_license_kind"),
        UniqueConstraint("stripe_id", "kind", name="uq_ledger_entries_stripe_kind"),
        Index("ix_ledger_entries_user", "user_id", "currency"),
        Index("ix_ledger_entries_user_created", "user_id", "created_at", "id"),
    )


class Revenue(Base):
    """A paid subscription invoice: its base price counts in the pool of the month of ``paid_at``."""

    __tablename__ = "revenue"

    invoice_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Refund(Base):
    """Money given back on a subscription charge, in the pool of the month of ``refunded_at`` (capped there)."""

    __tablename__ = "refunds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    #: the event's id: Stripe can refund one charge several times, each is one event
    source_event_id: Mapped[str] = mapped_column(String(36), unique=True)
    charge_id: Mapped[str] = mapped_column(String(255))
    invoice_id: Mapped[str | None] = mapped_column(String(255), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    refunded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Track(Base):
    """Payouts' copy of a published track (from ``track_published``, refreshed from catalog at each run).
    A ``track_deleted`` about a track never seen leaves a row with only ``deleted_at``."""

    __tablename__ = "tracks"

    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    artist_id: Mapped[str | None] = mapped_column(String(36))
    licensing_model: Mapped[str | None] = mapped_column(String(40))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sold_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    producer_count: Mapped[int] = mapped_column(Integer, default=1)


class TrackArtist(Base):
    """A credited artist page of a track (the uploader's and each collaborator's) and the account managing it
    (null: unclaimed)."""

    __tablename__ = "track_artists"

    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_user_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_track_artists_artist", "artist_id"),)


class Play(Base):
    """A counted play (``play_recorded``): the statement's user-centric side groups them per listener; the
    split reads their per-track counts in ``play_counts``."""

    __tablename__ = "plays"

    play_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(36))
    listener_user_id: Mapped[str | None] = mapped_column(String(36))
    played_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_plays_played_at_track", "played_at", "track_id"),)


class PlayCount(Base):
    """A track's counted plays in a period, bumped in the transaction that inserts each new ``plays`` row, so a
    split reads one row per track instead of aggregating millions of plays (docs/payouts.md "Play counts")."""

    __tablename__ = "play_counts"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plays: Mapped[int] = mapped_column(Integer)


class Run(Base):
    """A period's pool split: one per period; started again, it resumes."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    period: Mapped[str] = mapped_column(String(7), unique=True)
    status: Mapped[str] = mapped_column(String(30), default=RUN_QUEUED)
    pool_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    platform_total: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Split(Base):
    """One payee of a run in one currency (or one unclaimed artist page): its pool share and its transfer."""

    __tablename__ = "splits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    #: the unclaimed page this split stands for (user_id null)
    unclaimed_artist_id: Mapped[str | None] = mapped_column(String(36))
    artist_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    share: Mapped[float] = mapped_column(Float, default=0.0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    #: fixed when the split goes Sending, so a resumed run repeats the same transfer (same key, same amount)
    transfer_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    reason: Mapped[str | None] = mapped_column(String(100))
    stripe_account_id: Mapped[str | None] = mapped_column(String(255))
    stripe_transfer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("run_id", "user_id", "currency", name="uq_splits_run_user_currency"),
        UniqueConstraint("run_id", "unclaimed_artist_id", name="uq_splits_run_unclaimed_artist"),
    )


class ConnectPayout(Base):
    """A payout from a connected account to its bank, as ``payout.paid`` / ``payout.failed`` said."""

    __tablename__ = "connect_payouts"

    payout_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    stripe_account_id: Mapped[str] = mapped_column(String(255), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    failure_code: Mapped[str | None] = mapped_column(String(100))
    last_event_created: Mapped[int] = mapped_column(BigInteger)


class ProcessedStripeEvent(Base):
    """A Stripe event id handled once (inserted in the transaction of its effect)."""

    __tablename__ = "processed_stripe_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
