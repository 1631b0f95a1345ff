"""audio.recon against its real database: tracks validated through the pipeline are found by a clip (their
inverted fingerprint is stored with them), a deleted track is no longer found, a refused clip reaches the gateway
as an InvalidField with the upload's code, and migration 0003 backfills fingerprints stored before it."""
from __future__ import annotations

import time
import uuid

import numpy as np
import pytest
from alembic import command
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, insert, select

from devtools.audio import song
from gateway.rpc import RpcClient
from services.audio.analysis.fingerprint import ITEM_S
from services.audio.analysis.locate import index_entries
from services.audio.analysis.render import render_cbr_mp3
from services.audio.fingerprints import pack
from services.audio.models import FingerprintItem, StoredFingerprint
from services.audio.tests.integration.conftest import RATE, write_audio
from services.common.db import make_engine
from services.common.media import MediaStore
from services.common.migrate import alembic_config
from services.contracts.errors import InvalidField, NotFound

pytestmark = pytest.mark.integration


def put_clip(media: MediaStore, path, suffix: str) -> str:
    key = MediaStore.new_key("recon", suffix)
    media.save_bytes(key, path.read_bytes())
    return key


def items_of(engine, track_id: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(FingerprintItem)
                                 .where(FingerprintItem.track_id == track_id))


def test_a_clip_of_a_validated_track_is_located_and_a_deleted_track_is_not(audio, uploads, bus, media, engine,
                                                                         rabbit_config, tmp_path):
    recording = song(40.0, RATE, 2, seed=71)
    producer = str(uuid.uuid4())
    track = uploads.upload(write_audio(tmp_path / "track.wav", recording), producer)
    other = uploads.upload(write_audio(tmp_path / "other.wav", song(30.0, RATE, 2, seed=72)), producer)
    for upload in (track, other):
        assert bus.answer_for(upload["track_id"])["type"] == "audio_validated"
    assert items_of(engine, track["track_id"]) > 200  # ≈ 8 values a second, repeats left out

    start_s = 17.3
    clip_wav = write_audio(tmp_path / "clip.wav", recording[int(start_s * RATE):int((start_s + 12) * RATE)])
    render_cbr_mp3(clip_wav, tmp_path / "clip.mp3", 128)
    key = put_clip(media, tmp_path / "clip.mp3", ".mp3")
    with ServiceRpcProxy("audio", rabbit_config) as proxy:
        answer = proxy.recon(clip_key=key)
    assert answer["clip"]["format"] == "mp3" and answer["clip"]["duration_s"] == pytest.approx(12.0, abs=0.05)
    assert [m["track_id"] for m in answer["matches"]] == [track["track_id"]], answer
    assert answer["matches"][0]["offset_s"] == pytest.approx(start_s, abs=0.5)
    assert 0.7 <= answer["matches"][0]["score"] <= 1.0
    assert media.exists(key)  # audio only reads the clip: the gateway removes it

    uploads.delete(track["track_id"], producer)
    deadline = time.monotonic() + 30
    while items_of(engine, track["track_id"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert items_of(engine, track["track_id"]) == 0
    with ServiceRpcProxy("audio", rabbit_config) as proxy:
        assert proxy.recon(clip_key=key)["matches"] == []


def test_a_refused_clip_reaches_the_gateway_with_the_uploads_code(audio, media, amqp_uri, tmp_path):
    short = write_audio(tmp_path / "short.wav", song(4.0, RATE, 2, seed=73))
    text = tmp_path / "notes.txt"
    text.write_text("not audio at all\n" * 20)
    client = RpcClient(amqp_uri, timeout=30)
    try:
        for path, code in ((short, "too_short"), (text, "unsupported_format")):
            with pytest.raises(InvalidField) as caught:
                client.call("audio", "recon", kwargs={"clip_key": put_clip(media, path, path.suffix)})
            details = caught.value.details
            assert details["code"] == code and details["audio"] and isinstance(details["rejection_details"], dict)
        with pytest.raises(InvalidField) as caught:
            client.call("audio", "recon", kwargs={"clip_key": "uploads/2026/12/someone-elses.wav"})
        assert "clip_key" in caught.value.details
        with pytest.raises(NotFound):
            client.call("audio", "recon", kwargs={"clip_key": "recon/2026/12/gone.wav"})
    finally:
        client.close()


def test_migration_0003_backfills_the_items_of_fingerprints_stored_before_it(pg):
    url = pg.create(f"audio_backfill_{uuid.uuid4().hex[:8]}")
    config = alembic_config("audio", url)
    command.upgrade(config, "0002")
    rng = np.random.default_rng(5)
    raw = rng.integers(0, 2 ** 32, 300, dtype=np.uint64).astype(np.uint32)
    raw[10:20] = raw[10]  # a held value is stored once
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(StoredFingerprint.__table__).values(
                track_id="t-old", producer_user_id=str(uuid.uuid4()), hash="h", raw=pack(raw.tolist()),
                duration_s=300 * ITEM_S, created_at=func.now()))
        command.upgrade(config, "head")
        with engine.connect() as connection:
            stored = connection.execute(select(FingerprintItem.position, FingerprintItem.value)
                                        .where(FingerprintItem.track_id == "t-old")
                                        .order_by(FingerprintItem.position)).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in stored] == index_entries(raw)
    assert len(stored) == 300 - 9
