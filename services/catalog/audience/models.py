"""The audience tables: who follows which artist page, which (page, follower) pair has already been
announced to the page's owner, and which monthly analytics reports were made."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.catalog.shared.models import Base
from services.common.clock import utcnow


class ArtistFollow(Base):
    """A user following an artist page: one row per (user, page). The page's ``followers_count`` counts
    these rows (kept in the follow's transaction)."""

    __tablename__ = "artist_follows"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # the Followers tab (newest first, keyset) and a page's new followers of a month
    __table_args__ = (Index("ix_artist_follows_artist_newest", "artist_id", "created_at", "user_id"),)


class FollowerNotice(Base):
    """A "New follower" notification was made for this (page, follower): never a second one, however often
    the follower unfollows and follows again. ``notification_id`` lets erasure remove it with the follower."""

    __tablename__ = "artist_follower_notices"

    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True)
    follower_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_artist_follower_notices_follower", "follower_id"),)


class AnalyticsReport(Base):
    """The monthly report of one page: made once per (page, month), with the numbers it told."""

    __tablename__ = "analytics_reports"

    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM", a UTC calendar month
    plays: Mapped[int] = mapped_column(Integer)
    likes: Mapped[int] = mapped_column(Integer)
    new_followers: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
