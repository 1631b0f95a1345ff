"""The upload pipeline's verdicts: audio's ``audio_validated`` publishes a track, ``audio_rejected``
rejects it, and the sweeper rejects any track stuck in ``processing`` so none waits forever.

A rejected track's upload and cover files are deleted, so nothing is orphaned in the media store.
Renditions are audio's to delete: for a track deleted meanwhile, the deletion's ``track_deleted`` has
audio discard them; for one already rejected, ``track_deleted`` is sent here (docs/media-store.md).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from services.catalog.tracks.models import PROCESSING, PUBLISHED, REJECTED, Track
from services.catalog.tracks import page_genres, repository, thumbnails
from services.catalog.tracks.tracks import refresh_completeness
from services.common import config
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.contracts.events import COLLABORATION_CREDITED, TRACK_DELETED, TRACK_PUBLISHED, TRACK_REJECTED

log = logging.getLogger(__name__)

PROCESSING_FAILED = "processing_failed"
AUDIO_FIELDS = ("format", "duration_s", "sample_rate", "bit_depth", "channels", "loudness_lufs", "true_peak_dbtp")


def processing_timeout_s() -> int:
    return config.env_int("PROCESSING_TIMEOUT_S", 1800)


def on_audio_validated(uow: UnitOfWork, event: dict[str, Any]) -> None:
    row = repository.find_track(uow.session, event["track_id"], lock=True)
    if row is None or row.status == REJECTED:
        # deleted or given up on meanwhile: its renditions would belong to nothing. A deleted track's
        # track_deleted already asks audio to discard them; a rejected one's is asked for here.
        if row is not None:
            uow.emit(TRACK_DELETED, {"track_id": row.id, "producer_user_id": row.producer_user_id})
        log.info("audio_validated for %s track %s: audio is asked to discard its renditions",
                 "a deleted" if row is None else "a rejected", event["track_id"])
        return
    if row.status != PROCESSING:
        return
    row.status, row.published_at = PUBLISHED, utcnow()
    row.audio = {name: event[name] for name in AUDIO_FIELDS}
    row.stream_key, row.stream_content_type = event["stream_key"], event["stream_content_type"]
    row.download_key, row.waveform_key = event["download_key"], event["waveform_key"]
    row.fingerprint_hash, row.suspected_lossy_source = event["fingerprint_hash"], event["suspected_lossy_source"]
    uow.emit(TRACK_PUBLISHED, {"track_id": row.id, "artist_id": row.artist_id,
                               "producer_user_id": row.producer_user_id,
                               "collaborator_artist_ids": list(row.collaborators), "licensing_model":
                               row.licensing_model, "genres": list(row.genres),
                               "published_at": row.published_at.isoformat()})
    for collaborator in row.collaborators:
        uow.emit(COLLABORATION_CREDITED, {"track_id": row.id, "artist_id": collaborator,
                                          "credited_by_artist_id": row.artist_id})
    refresh_completeness(uow, row)
    page_genres.refresh_for(uow.session, [row])
    uow.session.flush()


def on_audio_rejected(uow: UnitOfWork, media: MediaStore, event: dict[str, Any]) -> None:
    row = repository.find_track(uow.session, event["track_id"], lock=True)
    if row is None or row.status != PROCESSING:
        return
    row.status = REJECTED
    row.rejection = {"code": event["code"], "message": event["message"], "details": event.get("details") or {}}
    uow.emit(TRACK_REJECTED, {"track_id": row.id, "producer_user_id": row.producer_user_id,
                              "code": event["code"], "message": event["message"]})
    uow.session.flush()
    audio_key, cover_key = row.audio_key, row.cover_key
    uow.after_commit(lambda: media.delete(audio_key, *thumbnails.with_thumbnails(cover_key)))


def sweep(uow: UnitOfWork, media: MediaStore, now: datetime | None = None,
          timeout_s: int | None = None) -> list[str]:
    """Reject every track still ``processing`` after the timeout, in one UPDATE (so a verdict and the
    sweep, or two replicas' sweeps, never both win), then emit ``track_rejected`` for each."""
    timeout = processing_timeout_s() if timeout_s is None else timeout_s
    cutoff = (now or utcnow()) - timedelta(seconds=timeout)
    message = f"the upload was not processed within {timeout} s; please upload it again"
    rejection = {"code": PROCESSING_FAILED, "message": message, "details": {"timeout_s": timeout}}
    statement = (update(Track).where(Track.status == PROCESSING, Track.created_at < cutoff)
                 .values(status=REJECTED, rejection=rejection)
                 .returning(Track.id, Track.producer_user_id, Track.audio_key, Track.cover_key)
                 .execution_options(synchronize_session=False))
    swept = uow.session.execute(statement).all()
    for track_id, producer_user_id, _, _ in swept:
        uow.emit(TRACK_REJECTED, {"track_id": track_id, "producer_user_id": producer_user_id,
                                  "code": PROCESSING_FAILED, "message": message})
    uow.session.flush()
    keys = [key for *_, audio_key, cover_key in swept for key in (audio_key, *thumbnails.with_thumbnails(cover_key))]
    uow.after_commit(lambda: media.delete(*keys))
    if swept:
        log.info("rejected %d track(s) stuck in processing", len(swept))
    return [track_id for track_id, *_ in swept]
