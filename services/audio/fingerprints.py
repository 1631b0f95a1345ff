"""The duplicate check: a new recording against the stored fingerprints of other producers.

An exact ``hash`` hit is a duplicate at once. Otherwise the raw fingerprint is compared bit by
bit (``analysis.match``) with every other producer's track whose duration is within ±20 % of the
new one (``DURATION_TOLERANCE``): a copy re-encoded, trimmed of a little silence or with a tag
added stays within it, while comparing against the whole catalogue would cost O(tracks) per
upload. Candidates are read oldest first in batches, so the reported original is the earliest
upload and memory stays bounded. A producer re-uploading their own recording is allowed.

Two replicas validating copies of the same recording at the same moment could both find nothing
and both pass; on PostgreSQL the check and the insert therefore run under one transaction-level
advisory lock, held until the handler commits (the check is short: the heavy work is done before).

Each stored fingerprint is also kept inverted, value by value (``fingerprint_items``), for Audio
Recon's search (``hits``; the matcher is ``analysis.locate``, docs/recon.md): written, replaced and
deleted with its row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
from sqlalchemy import delete, select, text

from services.audio import offhub
from services.audio.analysis import Fingerprint, match
from services.audio.analysis.locate import Hit, index_entries
from services.audio.models import DeletedTrack, FingerprintItem, StoredFingerprint
from services.common.db import UnitOfWork

DURATION_TOLERANCE = 0.20
BATCH = 200
#: values asked of ``fingerprint_items`` per query (an IN list both databases plan as index lookups)
VALUES_PER_QUERY = 500
#: pg_advisory_xact_lock key of the duplicate check ("BPAUDIO1" as a 64-bit integer)
_LOCK_KEY = int.from_bytes(b"BPAUDIO1", "big") - (1 << 63)


@dataclass(frozen=True)
class Duplicate:
    track_id: str
    producer_user_id: str


def pack(raw: list[int]) -> bytes:
    """Chromaprint values as little-endian uint32 (signed input wraps to the same bits)."""
    return np.asarray(raw, dtype=np.int64).astype("<u4").tobytes()


def unpack(data: bytes) -> np.ndarray:
    """The stored values as a read-only uint32 array (no copy: ``match`` takes it as it is)."""
    return np.frombuffer(data, dtype="<u4")


def lock(db: UnitOfWork) -> None:
    """Serialise check-and-store across replicas until this transaction ends (PostgreSQL only;
    SQLite is the single-process development set-up)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def find_duplicate(db: UnitOfWork, track_id: str, producer_user_id: str, fp: Fingerprint) -> Duplicate | None:
    others = (StoredFingerprint.producer_user_id != producer_user_id, StoredFingerprint.track_id != track_id)
    exact = db.session.execute(
        select(StoredFingerprint.track_id, StoredFingerprint.producer_user_id)
        .where(StoredFingerprint.hash == fp.hash, *others)
        .order_by(StoredFingerprint.created_at, StoredFingerprint.track_id).limit(1)
    ).first()
    if exact is not None:
        return Duplicate(exact.track_id, exact.producer_user_id)
    raw = np.asarray(fp.raw, dtype=np.uint32)  # fingerprint() already made the values unsigned
    for batch in _candidates(db, fp.duration_s, others):
        found = offhub.run(_first_match, raw, batch)
        if found is not None:
            return found
    return None


def _candidates(db: UnitOfWork, duration_s: float, others) -> Iterator[list[tuple[str, str, bytes]]]:
    low, high = duration_s * (1 - DURATION_TOLERANCE), duration_s * (1 + DURATION_TOLERANCE)
    query = (select(StoredFingerprint.track_id, StoredFingerprint.producer_user_id, StoredFingerprint.raw)
             .where(StoredFingerprint.duration_s.between(low, high), *others)
             .order_by(StoredFingerprint.created_at, StoredFingerprint.track_id))
    offset = 0
    while True:
        rows = db.session.execute(query.offset(offset).limit(BATCH)).all()
        if not rows:
            return
        yield [(row.track_id, row.producer_user_id, row.raw) for row in rows]
        offset += len(rows)


def _first_match(raw: np.ndarray, batch: list[tuple[str, str, bytes]]) -> Duplicate | None:
    for track_id, producer_user_id, stored in batch:
        if match(raw, unpack(stored)).matched:
            return Duplicate(track_id, producer_user_id)
    return None


def store(db: UnitOfWork, track_id: str, producer_user_id: str, fp: Fingerprint) -> None:
    """Insert or, on a re-run for the same track, replace its fingerprint."""
    row = db.session.get(StoredFingerprint, track_id)
    if row is None:
        row = StoredFingerprint(track_id=track_id)
        db.session.add(row)
    row.producer_user_id = producer_user_id
    row.hash = fp.hash
    row.raw = pack(fp.raw)
    row.duration_s = float(fp.duration_s)
    store_items(db, track_id, fp.raw)


def store_items(db: UnitOfWork, track_id: str, raw) -> None:
    """The track's inverted fingerprint (``fingerprint_items``), replacing any earlier one."""
    db.session.execute(delete(FingerprintItem).where(FingerprintItem.track_id == track_id))
    rows = [{"track_id": track_id, "position": position, "value": value}
            for position, value in index_entries(raw)]
    if rows:
        db.session.execute(FingerprintItem.__table__.insert(), rows)


def hits(db: UnitOfWork, values: list[int]) -> list[Hit]:
    """Every stored (track, position) holding one of ``values`` (signed, as ``index_entries`` gives them)."""
    found: list[Hit] = []
    for start in range(0, len(values), VALUES_PER_QUERY):
        chunk = values[start:start + VALUES_PER_QUERY]
        rows = db.session.execute(select(FingerprintItem.track_id, FingerprintItem.value, FingerprintItem.position)
                                  .where(FingerprintItem.value.in_(chunk))).all()
        found.extend(Hit(row.track_id, row.value, row.position) for row in rows)
    return found


def raw_of(db: UnitOfWork, track_ids: list[str]) -> dict[str, np.ndarray]:
    """The stored fingerprints of ``track_ids`` (those still stored) as uint32 arrays."""
    if not track_ids:
        return {}
    rows = db.session.execute(select(StoredFingerprint.track_id, StoredFingerprint.raw)
                              .where(StoredFingerprint.track_id.in_(track_ids))).all()
    return {row.track_id: unpack(row.raw) for row in rows}


def forget(db: UnitOfWork, track_id: str) -> None:
    """Under the same lock as check-and-store: either the validation stored first (and its row is
    deleted here) or it sees the track deleted and stores nothing."""
    lock(db)
    db.session.execute(delete(StoredFingerprint).where(StoredFingerprint.track_id == track_id))
    db.session.execute(delete(FingerprintItem).where(FingerprintItem.track_id == track_id))
    db.session.merge(DeletedTrack(track_id=track_id))


def was_deleted(db: UnitOfWork, track_id: str) -> bool:
    return db.session.get(DeletedTrack, track_id) is not None
