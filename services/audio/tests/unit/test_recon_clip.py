"""A recon clip is judged like an upload, with the upload's codes (docs/recon.md): WAV, FLAC or MP3 by content,
10 s to 10 min, decodable to its end; and it is written as the shifted mono copies the matcher fingerprints."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from devtools.audio import song
from services.audio.analysis import Rejection
from services.audio.analysis.clip import check_clip
from services.audio.analysis.fingerprint import ITEM_S
from services.audio.analysis.locate import SHIFTS
from services.audio.analysis.render import render_cbr_mp3

RATE = 44100


def write(path: Path, seconds: float, rate: int = RATE, fmt: str = "WAV", subtype: str = "PCM_16",
          channels: int = 2) -> Path:
    samples = song(seconds, rate, channels, seed=7)
    sf.write(path, samples if channels > 1 else samples[:, 0], rate, format=fmt, subtype=subtype)
    return path


def refusal(path: Path, scratch: Path) -> Rejection:
    scratch.mkdir(exist_ok=True)
    with pytest.raises(Rejection) as caught:
        check_clip(path, scratch)
    return caught.value


@pytest.mark.parametrize("fmt, subtype, expected", [("WAV", "PCM_16", "wav"), ("WAV", "PCM_U8", "wav"),
                                                    ("FLAC", "PCM_24", "flac")])
def test_wav_and_flac_clips_are_taken_at_any_bit_depth(tmp_path, fmt, subtype, expected):
    clip = check_clip(write(tmp_path / "clip", 12.0, fmt=fmt, subtype=subtype), tmp_path)
    assert (clip.format, clip.duration_s, clip.sample_rate, clip.channels) == (expected, 12.0, RATE, 2)


def test_an_mp3_clip_is_taken_and_measured_by_decoding_it(tmp_path):
    mp3 = tmp_path / "clip.mp3"
    render_cbr_mp3(write(tmp_path / "clip.wav", 12.0), mp3, 128)
    clip = check_clip(mp3, tmp_path)
    assert clip.format == "mp3" and clip.duration_s == pytest.approx(12.0, abs=0.05)


def test_the_shifted_copies_are_mono_16_bit_and_trimmed_by_a_third_of_an_item_each(tmp_path):
    clip = check_clip(write(tmp_path / "clip.wav", 12.0, rate=96000), tmp_path)
    assert [round(shift_s / ITEM_S, 3) for _, shift_s in clip.shifted] == [round(s, 3) for s in SHIFTS]
    for path, shift_s in clip.shifted:
        info = sf.info(path)
        assert (info.channels, info.subtype, info.samplerate) == (1, "PCM_16", 48000)  # 96 kHz halved
        assert info.frames / info.samplerate == pytest.approx(12.0 - shift_s, abs=0.002)


@pytest.mark.parametrize("make, code", [
    (lambda p: p.write_text("this is not audio\n" * 50) and p, "unsupported_format"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64) and p, "unsupported_format"),
    (lambda p: p.write_bytes(b"") or p, "unsupported_format"),
    (lambda p: write(p, 12.0, fmt="OGG", subtype="VORBIS"), "unsupported_format"),
    (lambda p: write(p, 5.0), "too_short"),
    (lambda p: write(p, 12.0, rate=4000), "bad_sample_rate"),
])
def test_a_refused_clip_carries_the_uploads_code_and_says_what_to_send(tmp_path, make, code):
    rejection = refusal(make(tmp_path / "clip"), tmp_path / "scratch")
    assert rejection.code == code, rejection
    if code == "unsupported_format":
        assert "WAV, FLAC or MP3" in rejection.message and "Upload a WAV or FLAC" not in rejection.message


def test_a_clip_over_ten_minutes_is_too_long(tmp_path):
    path = tmp_path / "long.wav"
    silence = np.zeros((8000 * 601, 1), dtype=np.int16)  # 8 kHz mono: 10 MB for 10 min 1 s
    sf.write(path, silence, 8000, subtype="PCM_16")
    rejection = refusal(path, tmp_path / "scratch")
    assert rejection.code == "too_long" and rejection.details["max_seconds"] == 600.0


def test_a_cut_short_clip_is_truncated(tmp_path):
    path = write(tmp_path / "clip.wav", 12.0)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])
    assert refusal(path, tmp_path / "scratch").code == "truncated"
