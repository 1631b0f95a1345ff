"""track_uploaded → audio_validated with renditions in the media store, or audio_rejected with the
reason and no renditions left behind."""
import json
import time

import numpy as np
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from devtools.audio import beat
from services.audio.models import StoredFingerprint
from services.audio.tests.integration.conftest import write_audio
from services.contracts.events import AUDIO_VALIDATED, REGISTRY, validate_event

pytestmark = pytest.mark.integration


def renditions_of(media, track_id: str) -> list[str]:
    return [key for key in media.keys("renditions") if key.startswith(f"renditions/{track_id}/")]


def fingerprint_rows(engine) -> list[StoredFingerprint]:
    with engine.connect() as connection:
        return connection.execute(select(StoredFingerprint)).all()


def test_the_service_answers_ping(audio):
    with entrypoint_hook(audio, "ping") as ping:
        assert ping() == "pong"


def test_a_wav_is_validated_with_its_renditions_and_fingerprint(audio, uploads, bus, media, engine, tmp_path):
    event = uploads.upload(write_audio(tmp_path / "beat.wav", beat(12.0, seed=1)))
    answer = bus.answer_for(event["track_id"])
    assert answer["type"] == "audio_validated", answer
    validate_event(AUDIO_VALIDATED, {k: v for k, v in answer.items() if k != "type"})
    track = event["track_id"]
    assert (answer["format"], answer["sample_rate"], answer["bit_depth"], answer["channels"]) == ("wav", 44100, 16, 2)
    assert answer["duration_s"] == pytest.approx(12.0, abs=0.05)
    assert -40 < answer["loudness_lufs"] < 0 and answer["true_peak_dbtp"] < 0.5
    assert (answer["stream_key"], answer["download_key"], answer["waveform_key"]) == (
        f"renditions/{track}/stream.mp3", f"renditions/{track}/download.mp3", f"renditions/{track}/waveform.json")
    assert answer["stream_content_type"].startswith("audio/")
    assert answer["suspected_lossy_source"] is False
    assert sorted(renditions_of(media, track)) == sorted(
        [answer["stream_key"], answer["download_key"], answer["waveform_key"]])
    assert all(media.size(key) > 1000 for key in (answer["stream_key"], answer["download_key"]))
    waveform = json.loads(media.path(answer["waveform_key"]).read_bytes())
    assert waveform["duration_s"] == pytest.approx(12.0, abs=0.05)
    assert len(waveform["peaks"]) > 10 and all(0 <= p <= 1 for p in waveform["peaks"])
    [row] = fingerprint_rows(engine)
    assert (row.track_id, row.producer_user_id, row.hash) == (track, event["producer_user_id"],
                                                              answer["fingerprint_hash"])
    assert len(row.raw) % 4 == 0 and len(row.raw) > 0


def test_a_24_bit_flac_is_validated(audio, uploads, bus, tmp_path):
    source = write_audio(tmp_path / "beat.flac", beat(12.0, seed=2), fmt="FLAC", subtype="PCM_24", rate=48000)
    event = uploads.upload(source, suffix=".flac")
    answer = bus.answer_for(event["track_id"])
    assert answer["type"] == "audio_validated", answer
    assert (answer["format"], answer["sample_rate"], answer["bit_depth"]) == ("flac", 48000, 24)


def test_a_64_bit_float_wav_is_validated(audio, uploads, bus, tmp_path):
    source = write_audio(tmp_path / "beat.wav", beat(12.0, seed=9), subtype="DOUBLE")
    answer = bus.answer_for(uploads.upload(source)["track_id"])
    assert answer["type"] == "audio_validated", answer
    assert (answer["format"], answer["bit_depth"]) == ("wav", 64)


def _short_wav(path):
    return write_audio(path, beat(5.0, seed=3))


def _mp3_named_wav(path):
    mp3 = write_audio(path.with_suffix(".mp3"), beat(12.0, seed=4), fmt="MP3", subtype="MPEG_LAYER_III")
    return mp3.rename(path)


def _png_named_wav(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + np.random.default_rng(5).bytes(4000))
    return path


def _cut_short_wav(path):
    whole = write_audio(path, beat(12.0, seed=6)).read_bytes()
    path.write_bytes(whole[:len(whole) // 2])
    return path


def _eight_bit_wav(path):
    return write_audio(path, beat(12.0, seed=10), subtype="PCM_U8")


def _scrambled_flac(path):
    flac = bytearray(write_audio(path, beat(12.0, seed=8), fmt="FLAC").read_bytes())
    flac[2000:] = np.random.default_rng(8).bytes(len(flac) - 2000)
    path.write_bytes(bytes(flac))
    return path


@pytest.mark.parametrize("make, code", [(_short_wav, "too_short"), (_mp3_named_wav, "lossy_format"),
                                        (_png_named_wav, "unsupported_format"), (_cut_short_wav, "truncated"),
                                        (_scrambled_flac, "corrupt"), (_eight_bit_wav, "bad_bit_depth")])
def test_a_refused_file_is_rejected_with_its_reason_and_leaves_nothing(make, code, audio, uploads, bus, media,
                                                                      engine, tmp_path):
    event = uploads.upload(make(tmp_path / "upload.wav"))
    answer = bus.answer_for(event["track_id"])
    assert (answer["type"], answer["code"]) == ("audio_rejected", code), answer
    validate_event(REGISTRY["audio_rejected"], {k: v for k, v in answer.items() if k != "type"})
    assert answer["message"]
    assert renditions_of(media, event["track_id"]) == []
    assert fingerprint_rows(engine) == []


def test_the_service_keeps_answering_while_it_analyses_a_long_file(audio, uploads, bus, tmp_path):
    """Analysis runs off the eventlet hub: RPCs (and AMQP heartbeats) are served meanwhile."""
    long_beat = np.tile(beat(15.0, seed=7), (4, 1))
    event = uploads.upload(write_audio(tmp_path / "long.wav", long_beat, subtype="PCM_24"))
    latencies = []
    while not (answers := bus.answers_for(event["track_id"], timeout=0.05)):
        started = time.monotonic()
        with entrypoint_hook(audio, "ping") as ping:
            assert ping() == "pong"
        latencies.append(time.monotonic() - started)
    assert answers[0]["type"] == "audio_validated"
    assert len(latencies) > 10 and max(latencies) < 0.5, latencies
