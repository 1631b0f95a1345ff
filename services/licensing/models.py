"""The licensing database: licences, exclusive sales and the Stripe events already handled.

A licence is a fact others rely on (a distributor checks it years later): it is never deleted. When its licensee
deletes their account it is anonymised (``licensee_user_id`` null, the masked email replaced) and stays valid.
The terms are stored as issued, JSON, so a later version of the default terms never rewrites an old licence."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.clock import utcnow
from services.common.persistence import new_id, service_metadata

STANDARD, EXCLUSIVE = "standard", "exclusive"
VALID, REVOKED = "valid", "revoked"
#: an exclusive sale: the buyer holds the exclusive; paid after another buyer had it (refunded); refunded later
GRANTED, REFUNDED_LOST, SALE_REVOKED = "granted", "refunded_lost", "revoked"
#: what an anonymised licence shows instead of the masked email
DELETED_ACCOUNT = "deleted account"


class Base(DeclarativeBase):
    metadata = service_metadata()


class License(Base):
    __tablename__ = "licenses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(20))  # standard | exclusive
    status: Mapped[str] = mapped_column(String(20), default=VALID)  # valid | revoked
    track_id: Mapped[str] = mapped_column(String(36))
    track_title: Mapped[str] = mapped_column(String(200))
    artist_id: Mapped[str] = mapped_column(String(36))
    producer_name: Mapped[str] = mapped_column(String(200))
    #: the uploader's account when issued; null once that account is deleted
    producer_user_id: Mapped[str | None] = mapped_column(String(36))
    #: null once the licensee deleted their account
    licensee_user_id: Mapped[str | None] = mapped_column(String(36))
    licensee_email_masked: Mapped[str] = mapped_column(String(320))
    fingerprint_hash: Mapped[str | None] = mapped_column(String(128))
    terms_version: Mapped[str] = mapped_column(String(40))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the certificate PDF in the media store (``certificates/…``), made on first request
    certificate_key: Mapped[str | None] = mapped_column(String(255))

    sale: Mapped["ExclusiveSale | None"] = relationship(back_populates="license", lazy="selectin")

    __table_args__ = (
        Index("ix_licenses_licensee", "licensee_user_id", "issued_at", "id"),
        Index("ix_licenses_track", "track_id"),
        Index("ix_licenses_producer", "producer_user_id"),
    )


class ExclusiveSale(Base):
    """A completed exclusive checkout. At most one sale per track is ``granted`` at a time — a unique index on
    the track of granted sales, so two completions committing at once cannot both win — and a revoked sale
    frees the track to be sold again."""

    __tablename__ = "exclusive_sales"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    checkout_session_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str] = mapped_column(String(255), unique=True)
    track_id: Mapped[str] = mapped_column(String(36))
    #: null once the buyer deleted their account
    buyer_user_id: Mapped[str | None] = mapped_column(String(36))
    price_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))  # granted | refunded_lost | revoked
    license_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("licenses.id"), unique=True)
    #: the refund of a buyer who lost the race, as Stripe named it
    refund_id: Mapped[str | None] = mapped_column(String(255))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    license: Mapped[License | None] = relationship(back_populates="sale", lazy="selectin")

    __table_args__ = (
        Index("uq_exclusive_sales_granted_track", "track_id", unique=True,
              postgresql_where=text("status = 'granted'"), sqlite_where=text("status = 'granted'")),
        Index("ix_exclusive_sales_buyer", "buyer_user_id"),
    )


class ProcessedStripeEvent(Base):
    """A Stripe event id handled once: inserted in the transaction of its effect, so a replayed or concurrently
    duplicated delivery fails on the primary key and changes nothing."""

    __tablename__ = "processed_stripe_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
