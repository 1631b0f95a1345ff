"""The plays and listening-history tables: counted plays, the hourly window per (listener, track) and
the listener's history entries (docs/business-rules.md "Streaming and plays")."""
from __future__ import annotations

from datetime import datetime
from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from services.catalog.shared.models import Base
from services.common.clock import utcnow
from services.common.persistence import new_id


class Play(Base):
    """One counted play (docs/business-rules.md "Streaming and plays"); ``tracks.play_count`` counts these rows."""

    __tablename__ = "plays"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"))
    listener_user_id: Mapped[str] = mapped_column(String(36))
    position_s: Mapped[float] = mapped_column(Float)
    played_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # a track's counted plays in a period (payouts' pool), and one listener's
        Index("ix_plays_track_played", "track_id", "played_at"),
        Index("ix_plays_listener_played", "listener_user_id", "played_at"),
    )


class PlayWindow(Base):
    """Per (listener, track): when a play last counted. Counting locks this row (SELECT … FOR UPDATE),
    so two concurrent reports cannot both count within the hour."""

    __tablename__ = "play_windows"

    listener_user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"),
                                          primary_key=True)
    last_counted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_play_windows_track", "track_id"),)


class HistoryEntry(Base):
    """One listening session of a listener on a track: reports within the hour update it."""

    __tablename__ = "listening_history"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    listener_user_id: Mapped[str] = mapped_column(String(36))
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"))
    position_s: Mapped[float] = mapped_column(Float)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    listened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # the history pages (newest first, keyset) and the look-up of the listener's latest entry
        Index("ix_listening_history_listener_newest", "listener_user_id", "listened_at", "id"),
        Index("ix_listening_history_track", "track_id"),
    )
