"""The sweeper rejects tracks stuck in processing, once, and late verdicts change nothing."""
from datetime import timedelta

import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import update

from services.catalog.conftest import PNG, WAV, metadata, validated_payload, wait_until
from services.catalog.tracks.models import Track
from services.catalog.tracks import pipeline
from services.common.clock import utcnow
from services.contracts.events import AUDIO_VALIDATED

pytestmark = pytest.mark.integration


def backdate(uow, track_id: str, seconds: int) -> None:
    uow.session.execute(update(Track).where(Track.id == track_id).values(
        created_at=utcnow() - timedelta(seconds=seconds)))
    uow.commit()


def test_sweep_rejects_only_tracks_older_than_the_timeout(catalog, make_producer, store_file, upload, uow, media,
                                                          emitted, bus):
    producer = make_producer()
    audio_key, cover_key = store_file("uploads", WAV, ".wav"), store_file("covers", PNG)
    stuck = catalog.create_track(actor_id=producer["user_id"], metadata=metadata(), audio_key=audio_key,
                                 size_bytes=len(WAV), cover_key=cover_key)
    fresh = upload(producer)
    backdate(uow, stuck["id"], 3600)
    swept = pipeline.sweep(uow, media, timeout_s=1800)
    uow.commit()
    assert stuck["id"] in swept and fresh["id"] not in swept
    track = catalog.get_track(track_id=stuck["id"], actor_id=producer["user_id"])
    assert track["status"] == "rejected" and track["rejection"]["code"] == "processing_failed"
    assert catalog.get_track(track_id=fresh["id"], actor_id=producer["user_id"])["status"] == "processing"
    assert not media.exists(audio_key) and not media.exists(cover_key)
    [event] = emitted.wait("track_rejected", stuck["id"])
    assert (event["code"], event["producer_user_id"]) == ("processing_failed", producer["user_id"])
    # a second sweep finds nothing more for it
    assert stuck["id"] not in pipeline.sweep(uow, media, timeout_s=1800)
    uow.commit()
    # a verdict that arrives after the sweep is discarded: catalog asks audio, which owns the renditions,
    # to delete them and forget the recording (track_deleted), and leaves them alone itself
    payload = validated_payload(stuck["id"], store_file)
    bus.publish(AUDIO_VALIDATED, payload)
    [asked] = emitted.wait("track_deleted", stuck["id"])
    assert asked["producer_user_id"] == producer["user_id"]
    assert media.exists(payload["stream_key"])
    emitted.settle()
    assert emitted.matching("track_published", stuck["id"]) == []
    assert catalog.get_track(track_id=stuck["id"], actor_id=producer["user_id"])["status"] == "rejected"
    assert len(emitted.matching("track_rejected", stuck["id"])) == 1


def test_the_timer_entrypoint_sweeps_with_the_configured_timeout(catalog, make_producer, upload, uow, monkeypatch):
    monkeypatch.setenv("PROCESSING_TIMEOUT_S", "600")
    producer = make_producer()
    old, recent = upload(producer), upload(producer)
    backdate(uow, old["id"], 900)
    backdate(uow, recent["id"], 300)
    with entrypoint_hook(catalog.container, "sweep_stuck_uploads") as sweep:
        sweep()
    statuses = [catalog.get_track(track_id=t["id"], actor_id=producer["user_id"])["status"] for t in (old, recent)]
    assert statuses == ["rejected", "processing"]
