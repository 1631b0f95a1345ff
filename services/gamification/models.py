"""The gamification database: the facts kept from events (artist pages and their accounts, tracks, licences,
sales, earnings, collaboration credits, per-day activity), the XP ledger, achievements earned, and the
per-page aggregates the leaderboards rank.

Idempotency lives in unique keys taken from each fact's source (a track id, a play id, a licence id, a ledger
entry id): a replayed or reordered event finds the row and writes no second effect. The aggregates are derived:
``refresh`` rebuilds them from the facts (services/gamification/aggregates.py)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.clock import utcnow
from services.common.persistence import new_id, service_metadata

#: the bucket of all-time aggregates; a month's bucket is its "YYYY-MM"
ALL_TIME = "all"


class Base(DeclarativeBase):
    metadata = service_metadata()


class Artist(Base):
    """An artist page as gamification knows it: its account (from ``artist_page_changed``, the newest by
    ``occurred_at`` wins) and its lifetime XP. Every consumer locks this row first, so the facts of one page are
    changed by one transaction at a time."""

    __tablename__ = "artists"

    artist_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    page_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    xp: Mapped[int] = mapped_column(BigInteger, default=0)


class VerifiedUser(Base):
    """An account accounts verified (``producer_verified``); its pages are verified."""

    __tablename__ = "verified_users"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Track(Base):
    """A track, from whichever of its events came first: ``artist_id`` is known from ``track_published``;
    a metadata-complete or a deletion that came earlier waits here to be attributed."""

    __tablename__ = "tracks"

    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    artist_id: Mapped[str | None] = mapped_column(String(36), index=True)
    producer_user_id: Mapped[str | None] = mapped_column(String(36))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    metadata_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class XpEntry(Base):
    """One grant (or withdrawal) of XP to a page, never updated. ``(reason, source, artist_id)`` is unique: the
    source is what earned it (a track id, a play id, an achievement code), so no event counts twice."""

    __tablename__ = "xp_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    artist_id: Mapped[str] = mapped_column(String(36))
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(64))
    track_id: Mapped[str | None] = mapped_column(String(36))
    achievement: Mapped[str | None] = mapped_column(String(40))
    event_id: Mapped[str | None] = mapped_column(String(36))
    #: when it was earned (the fact's own time): its month is the month the points count in
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("reason", "source", "artist_id", name="uq_xp_entries_reason_source_artist"),
        Index("ix_xp_entries_artist_created", "artist_id", "created_at", "id"),
    )


class DailyActivity(Base):
    """Per page and UTC day: counted plays, downloads (licences issued) and uploads (tracks published)."""

    __tablename__ = "daily_activity"

    artist_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    plays: Mapped[int] = mapped_column(Integer, default=0)
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    uploads: Mapped[int] = mapped_column(Integer, default=0)


class License(Base):
    """A licence issued on a page's track (a download)."""

    __tablename__ = "licenses"

    license_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(36), index=True)
    track_id: Mapped[str] = mapped_column(String(36))
    license_type: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Sale(Base):
    """An exclusive sale of a page's track; ``refunded_at`` once refunded (the earnings go back, the achievement
    stays)."""

    __tablename__ = "sales"

    license_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(36), index=True)
    track_id: Mapped[str] = mapped_column(String(36))
    sold_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Earning(Base):
    """Money credited to a page (``earnings_credited``: pool shares and sales) or taken back (a refunded
    exclusive sale: negative). ``source`` is the ledger entry's id, or ``refund:<licence id>``."""

    __tablename__ = "earnings"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    artist_id: Mapped[str | None] = mapped_column(String(36), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    credited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CollabCredit(Base):
    """A page credited as collaborator on a track."""

    __tablename__ = "collab_credits"

    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    credited_by_artist_id: Mapped[str] = mapped_column(String(36))
    credited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_collab_credits_artist", "artist_id"),)


class AchievementEarned(Base):
    __tablename__ = "achievements_earned"

    artist_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    earned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_achievements_earned_code", "code"),)


class Aggregate(Base):
    """One ranked number of a page: ``category`` (``points``, ``plays``, ``uploads``, ``collab``, ``quality``,
    ``overall``, ``earnings:<CUR>``, and the helpers ``published``/``complete``) over a ``bucket`` (``all`` or a
    UTC month ``YYYY-MM``). Leaderboards read the index from the top; a missing row is a zero."""

    __tablename__ = "aggregates"

    artist_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(7), primary_key=True)
    value: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        Index("ix_aggregates_rank", "category", "bucket", "value", "artist_id"),
        # own rank counts the pages above a value: an index-only scan of this narrower index reads ≈ 30 % less
        # than of ix_aggregates_rank (bench/RESULTS.md, issue #12)
        Index("ix_aggregates_value", "category", "bucket", "value"),
    )


class BoardSize(Base):
    """How many pages a board ranks (value > 0), kept with every change of ``aggregates``: a leaderboard's
    ``total`` without counting 100,000 rows at each read."""

    __tablename__ = "board_sizes"

    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(7), primary_key=True)
    ranked: Mapped[int] = mapped_column(Integer, default=0)
