"""The beat-request tables: requests, producers' responses and the notifications they cause
(docs/business-rules.md "Beat requests")."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.catalog.shared.models import Base
from services.common.clock import utcnow
from services.common.persistence import new_id


class BeatRequest(Base):
    """A listener's request for a beat (docs/business-rules.md "Beat requests"). Open while ``now < expires_at``
    and not deleted; deleting keeps the row (``deleted_at``) so its responses and ledger key stay."""

    __tablename__ = "beat_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    requester_user_id: Mapped[str] = mapped_column(String(36))
    genre: Mapped[str] = mapped_column(String(50))
    #: the genre normalised (rules.normalize_genre): what the filter and producer matching compare
    genre_key: Mapped[str] = mapped_column(String(50))
    bpm_min: Mapped[int] = mapped_column(Integer)
    bpm_max: Mapped[int] = mapped_column(Integer)
    mood: Mapped[str] = mapped_column(String(100))
    budget_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    reference_track_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="SET NULL"))
    lifetime_hours: Mapped[int] = mapped_column(Integer)
    #: tokens the creation cost; each renewal costs 1 (rules.RENEWAL_COST)
    cost_tokens: Mapped[int] = mapped_column(Integer)
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # the producers' list (newest first, keyset) and the requester's own list
        Index("ix_beat_requests_newest", "created_at", "id"),
        Index("ix_beat_requests_requester_newest", "requester_user_id", "created_at", "id"),
        Index("ix_beat_requests_genre", "genre_key", "created_at"),
        Index("ix_beat_requests_expires", "expires_at"),
    )


class BeatRequestResponse(Base):
    """A producer's answer to a request with one of their published tracks; one per producer."""

    __tablename__ = "beat_request_responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    beat_request_id: Mapped[str] = mapped_column(String(36), ForeignKey("beat_requests.id", ondelete="CASCADE"))
    producer_user_id: Mapped[str] = mapped_column(String(36))
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # one response per producer per request, also against two concurrent posts
        Index("uq_beat_request_responses_producer", "beat_request_id", "producer_user_id", unique=True),
        Index("ix_beat_request_responses_newest", "beat_request_id", "created_at", "id"),
        Index("ix_beat_request_responses_track", "track_id"),
    )


class Notification(Base):
    """Something a user is told about (``beat_request_match``, ``beat_request_response``,
    ``exclusive_purchase_refunded``, ``payout_update``)."""

    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_notifications_user_newest", "user_id", "created_at", "id"),)
