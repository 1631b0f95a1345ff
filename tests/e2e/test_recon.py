"""Audio Recon through the gateway (docs/recon.md): a verified producer sends a clip cut from their published track
and re-encoded to MP3 at 128 kbit/s, and learns the track and where the clip starts; anyone else is refused before
the body is read; a clip that is not audio, or too short, is refused with the upload's own code; no clip is kept."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import soundfile as sf

from devtools.audio import song
from services.audio.analysis.render import render_cbr_mp3
from tests.e2e.test_beat_requests import verified_producer
from tests.e2e.test_uploads import DECLARED_BODY_BYTES, headers_only, make_producer, media_files, publish, settle
from tests.support import audio
from tests.support.api import Api

RATE = 44100
RECON_TIMEOUT_S = 180


def recon(api: Api, path: Path, content_type: str = "audio/mpeg"):
    with open(path, "rb") as clip:
        return api.post("recon", files=[("audio", (path.name, clip, content_type))], timeout=RECON_TIMEOUT_S)


def write_song(path: Path, seconds: float, seed: int, start_s: float = 0.0) -> Path:
    samples = song(start_s + seconds, RATE, 2, seed=seed)[int(start_s * RATE):]
    sf.write(path, samples, RATE, subtype="PCM_16")
    return path


@pytest.fixture
def seed() -> int:
    return uuid.uuid4().int % 1_000_000


def test_a_verified_producer_finds_their_track_from_an_mp3_clip_of_it(platform, admin, tmp_path, seed):
    producer = verified_producer(platform, admin, ["trap"])
    name = f"Recon {uuid.uuid4().hex[:8]}"
    track = publish(producer, write_song(tmp_path / "beat.wav", 40.0, seed), name=name, artists=["Jane Roe", "Kai"])
    start_s = 14.2
    clip = tmp_path / "clip.mp3"
    render_cbr_mp3(write_song(tmp_path / "clip.wav", 12.0, seed, start_s=start_s), clip, 128)
    before = media_files(platform)

    response = recon(producer, clip)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["clip"]["format"] == "mp3" and body["clip"]["duration_s"] == pytest.approx(12.0, abs=0.05)
    [match] = body["matches"]
    assert match["track_id"] == track["id"]
    assert (match["title"], match["artist"]) == (name, "Jane Roe, Kai")
    assert match["offset_s"] == pytest.approx(start_s, abs=0.5)
    assert 0.7 <= match["score"] <= 1.0

    unrelated = recon(producer, write_song(tmp_path / "other.wav", 12.0, seed + 1), content_type="audio/wav")
    assert unrelated.status_code == 200, unrelated.text
    assert unrelated.json()["matches"] == []
    assert settle(lambda: media_files(platform) == before), media_files(platform) - before  # no clip is kept


def test_only_verified_producers_may_search_and_the_others_are_refused_before_the_body(platform, admin, tmp_path,
                                                                                     seed):
    clip = write_song(tmp_path / "clip.wav", 11.0, seed)
    assert recon(Api(platform.url), clip).status_code == 401
    listener = Api(platform.url)
    listener.register()
    refused = recon(listener, clip)
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden"), refused.text

    producer = make_producer(platform, admin)  # a producer, not verified
    before = media_files(platform)
    for caller in (listener, producer):
        status, body, seconds = headers_only(platform, "POST", "/api/v1/recon", {
            "Authorization": f"Bearer {caller.token}", "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(DECLARED_BODY_BYTES)})
        assert (status, body["error"]) == (403, "forbidden"), body
        assert seconds < 2.0
    assert "verified" in body["message"]
    assert media_files(platform) == before


def test_a_clip_that_is_not_audio_or_too_short_is_422_with_the_uploads_code(platform, admin, tmp_path, seed):
    producer = verified_producer(platform, admin, ["trap"])
    before = media_files(platform)
    cases = ((audio.make_text_as_wav(tmp_path / "notes.wav"), "unsupported_format"),
             (audio.make_png_as_wav(tmp_path / "cover.wav"), "unsupported_format"),
             (write_song(tmp_path / "short.wav", 6.0, seed), "too_short"))
    for path, code in cases:
        response = recon(producer, path, content_type="audio/wav")
        assert response.status_code == 422, response.text
        body = response.json()
        assert (body["error"], body["details"]["code"]) == ("invalid", code), body
        assert body["details"]["audio"] and "rejection_details" in body["details"]
    assert body["details"]["rejection_details"]["min_seconds"] == 10.0
    missing = producer.post("recon", files=[("other", ("x.wav", b"RIFF", "audio/wav"))])
    assert missing.status_code == 422 and "other" in missing.json()["details"]
    assert settle(lambda: media_files(platform) == before), media_files(platform) - before
