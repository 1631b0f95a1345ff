"""`make run` uses SQLite by default: the use cases whose SQL differs most between the two
databases (keyset row comparisons, LIKE search, the genre join, the sweeper's UPDATE … RETURNING)
work on it too."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from services.catalog.conftest import WAV, metadata
from services.catalog.tracks.models import Track
from services.catalog.tracks import artists, pipeline, schemas, tracks
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.media import CATALOG, MediaStore
from tests.support.services import sqlite_unit_of_work

pytestmark = pytest.mark.integration


@pytest.fixture
def sqlite_uow(tmp_path):
    with sqlite_unit_of_work("catalog", tmp_path) as unit:
        yield unit


def publish(uow: UnitOfWork, media: MediaStore, track_id: str) -> None:
    pipeline.on_audio_validated(uow, {
        "track_id": track_id, "format": "flac", "duration_s": 60.0, "sample_rate": 48000, "bit_depth": 16,
        "channels": 2, "loudness_lufs": None, "true_peak_dbtp": None, "waveform_key": "renditions/x/w.json",
        "stream_key": "renditions/x/s.mp3", "stream_content_type": "audio/mpeg", "download_key": "renditions/x/d.flac",
        "fingerprint_hash": "abc", "suspected_lossy_source": False})


def test_upload_publish_list_and_sweep_on_sqlite(sqlite_uow, tmp_path):
    media = MediaStore(tmp_path / "media", owner=CATALOG)
    user_id = str(uuid.uuid4())
    artists.on_producer_approved(sqlite_uow, {"user_id": user_id, "producer_name": "Lite", "artist_id": None})
    upload = {"audio_key": "uploads/x/a.wav", "size_bytes": len(WAV), "cover_key": None}
    made = [tracks.create_track(sqlite_uow, media, user_id, schemas.load_track_metadata(
        metadata(name=f"Song {n}", tags=["Café"], genres=["Trap"] if n % 2 else ["Drill"])), upload) for n in range(5)]
    sqlite_uow.commit()
    for index, track in enumerate(made[:4]):
        publish(sqlite_uow, media, track["id"])
        sqlite_uow.session.execute(update(Track).where(Track.id == track["id"]).values(
            published_at=utcnow() - timedelta(minutes=10 - index), play_count=index % 2))
    sqlite_uow.commit()
    for sort, expected in (("newest", [3, 2, 1, 0]), ("popular", [3, 1, 2, 0])):
        seen, cursor = [], None
        while True:
            page = tracks.list_tracks(sqlite_uow, schemas.load_track_query({"q": "CAFE"}, sort, cursor, 3))
            seen += [item["id"] for item in page["items"]]
            cursor = page["next"]
            if cursor is None:
                break
        assert seen == [made[i]["id"] for i in expected]
    trap = tracks.list_tracks(sqlite_uow, schemas.load_track_query({"genre": "TRAP"}, "newest", None, 20))
    assert [item["id"] for item in trap["items"]] == [made[3]["id"], made[1]["id"]]
    # the licensing filter: the exclusive's status is read from its JSON (json_extract on SQLite)
    exclusive = {"price_cents": 50000, "currency": "USD", "contact_email": "me@example.com", "status": "available"}
    for track, status in ((made[0], "available"), (made[2], "sold")):
        sqlite_uow.session.execute(update(Track).where(Track.id == track["id"]).values(
            licensing_model="exclusive_only", exclusive={**exclusive, "status": status}))
    sqlite_uow.commit()
    for choice, expected in (("exclusive_available", [0]), ("exclusive_only", [2, 0]), ("standard", [3, 1])):
        page = tracks.list_tracks(sqlite_uow, schemas.load_track_query({"licensing": choice}, "newest", None, 20))
        assert [item["id"] for item in page["items"]] == [made[i]["id"] for i in expected], choice
    sqlite_uow.session.execute(update(Track).where(Track.id == made[4]["id"]).values(
        created_at=utcnow() - timedelta(hours=2)))
    assert pipeline.sweep(sqlite_uow, media, timeout_s=1800) == [made[4]["id"]]
    sqlite_uow.commit()
    assert tracks.get_track(sqlite_uow, made[4]["id"], user_id)["status"] == "rejected"
