"""The audio database: one acoustic fingerprint per validated track, for the duplicate check and
Audio Recon.

``raw`` is Chromaprint's fingerprint packed as little-endian uint32 (4 bytes per value, about
8 values per second of audio), so a 3-minute beat costs some 6 KB. ``hash`` (index) finds exact
copies at once; ``duration_s`` (index) bounds the candidates compared bit by bit.

``fingerprint_items`` is the same fingerprint turned inside out for Audio Recon (docs/recon.md):
one row per value where it changes, with its position, indexed by value, so a clip's values find
the tracks and places that share them without reading every fingerprint."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.clock import utcnow
from services.common.persistence import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


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


class FingerprintItem(Base):
    """One value of a stored fingerprint at its position (an item is ``analysis.fingerprint.ITEM_S``
    seconds), as a signed 32-bit integer; repeats of the previous value are left out
    (``analysis.locate.index_entries``). Written and deleted with the track's ``fingerprints`` row."""

    __tablename__ = "fingerprint_items"

    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_fingerprint_items_value", "value"),)


class DeletedTrack(Base):
    """A track the catalog deleted. Remembered so that an upload of it still being analysed when the
    deletion arrives does not store its fingerprint afterwards (which would block others for good)."""

    __tablename__ = "deleted_tracks"

    track_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
