"""The audio database: one acoustic fingerprint per validated track, for the duplicate check.

``raw`` is Chromaprint's fingerprint packed as little-endian uint32 (4 bytes per value, about
8 values per second of audio), so a 3-minute beat costs some 6 KB. ``hash`` (index) finds exact
copies at once; ``duration_s`` (index) bounds the candidates compared bit by bit."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, Float, Index, LargeBinary, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class StoredFingerprint(Base):
    __tablename__ = "fingerprints"

    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    producer_user_id: Mapped[str] = mapped_column(String(36))
    hash: Mapped[str] = mapped_column(String(128))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    duration_s: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_fingerprints_hash", "hash"),
        Index("ix_fingerprints_duration", "duration_s"),
    )
