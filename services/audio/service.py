"""The ``audio`` nameko service: judges uploaded files (lossless WAV/FLAC, limits, duplicates),
derives their stream, download and waveform renditions, forgets deleted tracks, and anonymises a
deleted account's fingerprints (``erasure``).

It hears ``track_uploaded`` / ``track_deleted`` and answers with ``audio_validated`` /
``audio_rejected``; its RPCs besides ``ping`` check a stems archive for the gateway (``stems``) and
locate a clip in the stored tracks (``recon``, Audio Recon).
Heavy work runs off the hub, ``AUDIO_CONCURRENCY`` files (or archives) per process at a time (``offhub``)."""
from __future__ import annotations

from services.audio import erasure, renditions, stems, validation
from services.audio import recon as audio_recon
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.contracts.events import TRACK_DELETED, TRACK_UPLOADED, USER_DELETED


class AudioService:
    name = "audio"

    db = Database()
    stale_parts = renditions.StalePartSweeper()

    @rpc
    def ping(self) -> str:
        return "pong"

    @rpc
    def check_stems(self, stems_key: str, sample_rate: int, duration_s: float) -> dict:
        return stems.check_stems(stems_key, sample_rate, duration_s)

    @rpc
    def recon(self, clip_key: str) -> dict:
        return audio_recon.recon(self.db, clip_key)

    @event_handler(TRACK_UPLOADED)
    def on_track_uploaded(self, event: dict) -> None:
        validation.validate(self.db, event)

    @event_handler(TRACK_DELETED)
    def on_track_deleted(self, event: dict) -> None:
        validation.forget(self.db, event)

    @event_handler(USER_DELETED)
    def on_user_deleted(self, event: dict) -> None:
        erasure.on_user_deleted(self.db, event)


SERVICE = AudioService
