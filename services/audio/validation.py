"""Use cases of the upload pipeline: validate an uploaded file, forget a deleted track.

``validate`` answers every ``track_uploaded`` with exactly one ``audio_validated`` or
``audio_rejected`` (written to the outbox in the handler's transaction, so a re-run after a crash
emits nothing twice). A file we refuse is a rejection; a missing file, an unreachable store or an
unexpected error raises, so the event is retried and finally parked for an operator."""
from __future__ import annotations

import logging
import math
from typing import Any

from services.audio import fingerprints, offhub, pipeline, renditions
from services.audio.analysis import Limits, Rejection
from services.audio.pipeline import Processed
from services.common.db import UnitOfWork
from services.common.media import AUDIO, MediaStore
from services.contracts.events import AUDIO_REJECTED, AUDIO_VALIDATED

log = logging.getLogger(__name__)


class UploadMissing(Exception):
    """The event names a file the media store does not hold (yet): retried, then parked."""


def validate(db: UnitOfWork, event: dict[str, Any]) -> None:
    track_id, producer_user_id = str(event["track_id"]), str(event["producer_user_id"])
    store = MediaStore.from_env(owner=AUDIO)
    source = store.path(event["audio_key"])
    if not source.is_file():
        raise UploadMissing(f"{event['audio_key']} is not in the media store")
    # the idempotency check opened a read transaction: end it, so no connection idles in a
    # transaction for the seconds the analysis takes
    db.rollback()
    keys = renditions.keys_for(track_id)
    try:
        with offhub.heavy_slot():
            processed = pipeline.process(source, store, keys, Limits.from_env())
    except Rejection as rejection:
        _reject(db, store, track_id, rejection.code, rejection.message, rejection.details)
        return
    fingerprints.lock(db)
    if fingerprints.was_deleted(db, track_id):
        renditions.delete(store, track_id)  # the catalog deleted the track while we analysed it
        log.info("upload of a deleted track discarded", extra={"track_id": track_id})
        return
    duplicate = fingerprints.find_duplicate(db, track_id, producer_user_id, processed.fingerprint)
    if duplicate is not None:
        _reject(db, store, track_id, "duplicate",
                f"This recording is already on BeatPass as track {duplicate.track_id}, uploaded by another "
                "producer. Only upload beats you made yourself.",
                {"duplicate_of_track_id": duplicate.track_id})
        return
    fingerprints.store(db, track_id, producer_user_id, processed.fingerprint)
    db.emit(AUDIO_VALIDATED, validated_payload(track_id, keys, processed))
    log.info("upload validated", extra={"track_id": track_id})


def _reject(db: UnitOfWork, store: MediaStore, track_id: str, code: str, message: str,
            details: dict[str, Any]) -> None:
    renditions.delete(store, track_id)
    db.emit(AUDIO_REJECTED, {"track_id": track_id, "code": code, "message": message, "details": dict(details)})
    log.info("upload rejected: %s", code, extra={"track_id": track_id})


def validated_payload(track_id: str, keys: renditions.RenditionKeys, processed: Processed) -> dict[str, Any]:
    analysis = processed.analysis
    return {
        "track_id": track_id,
        "format": "flac" if analysis.format == "flac" else "wav",  # RF64 is a WAV for big files
        "duration_s": float(analysis.duration_s),
        "sample_rate": int(analysis.sample_rate),
        "bit_depth": None if analysis.bit_depth is None else int(analysis.bit_depth),
        "channels": int(analysis.channels),
        "loudness_lufs": _finite(analysis.loudness_lufs),
        "true_peak_dbtp": _finite(analysis.true_peak_dbtp),
        "waveform_key": keys.waveform,
        "stream_key": keys.stream,
        "stream_content_type": processed.stream_content_type,
        "download_key": keys.download,
        "fingerprint_hash": processed.fingerprint.hash,
        "suspected_lossy_source": bool(analysis.suspected_lossy_source),
    }


def _finite(value: float | None) -> float | None:
    """Silence has no loudness (−inf): the contract says null rather than a number JSON lacks."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 2)


def forget(db: UnitOfWork, event: dict[str, Any]) -> None:
    """Catalog deleted the track, or will never publish it: its fingerprint no longer blocks other
    uploads, and its renditions go (audio owns them; catalog never deletes them itself)."""
    track_id = str(event["track_id"])
    fingerprints.forget(db, track_id)
    renditions.delete(MediaStore.from_env(owner=AUDIO), track_id)
