"""analyse(): accepted formats, BS.1770 loudness, true peak, every rejection, the lossy-source check."""
from __future__ import annotations

import os
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf

from services.audio.analysis import Analysis, Limits, Rejection, analyse
from services.audio.analysis.flacheader import last_frame_end, read_flac_header

from .signals import FS, beat, lowpass_brickwall, noise, raw_wav_header, sine, write, write_long_wav

LIMITS = Limits()


def _reject(path, limits: Limits = LIMITS) -> Rejection:
    with pytest.raises(Rejection) as info:
        analyse(path, limits)
    assert info.value.message.endswith(".")
    return info.value


@pytest.mark.parametrize("fmt,subtype,depth,ext", [
    ("WAV", "PCM_16", 16, "wav"), ("WAV", "PCM_24", 24, "wav"), ("WAV", "PCM_32", 32, "wav"),
    ("WAV", "FLOAT", 32, "wav"), ("WAV", "DOUBLE", 64, "wav"), ("WAVEX", "PCM_24", 24, "wav"),
    ("RF64", "PCM_24", 24, "wav"),
    ("FLAC", "PCM_16", 16, "flac"), ("FLAC", "PCM_24", 24, "flac"),
])
def test_valid_files(tmp_path, fmt, subtype, depth, ext):
    x = np.stack([sine(10.5), sine(10.5, 500.0)], axis=1)
    a = analyse(write(tmp_path / "x.audio", x, subtype=subtype, fmt=fmt), LIMITS)
    assert isinstance(a, Analysis)
    assert (a.format, a.sample_rate, a.bit_depth, a.channels) == (ext, FS, depth, 2)
    assert a.duration_s == pytest.approx(10.5, abs=1e-3)
    assert 950 <= len(a.peaks) <= 1000 and all(0 <= p <= 1 for p in a.peaks)
    assert max(a.peaks) == pytest.approx(0.1, abs=0.002)
    assert a.suspected_lossy_source is False  # pure tones far below 10 kHz: nothing to judge


def test_high_rate_flac(tmp_path):
    a = analyse(write(tmp_path / "x.flac", sine(10.2, fs=96000), 96000, "PCM_24"), LIMITS)
    assert (a.sample_rate, a.channels, a.format) == (96000, 1, "flac")
    assert a.loudness_lufs == pytest.approx(-23.01, abs=0.1)


def test_loudness_bs1770_reference_values(tmp_path):
    # BS.1770: a 0 dBFS 1 kHz sine in one channel reads -3.01 LUFS, so -20 dBFS mono reads -23.01 LUFS
    mono = analyse(write(tmp_path / "m.wav", sine(10.5, dbfs=-20), subtype="PCM_24"), LIMITS)
    assert mono.loudness_lufs == pytest.approx(-23.01, abs=0.5)
    assert mono.loudness_lufs == pytest.approx(-23.01, abs=0.05)
    full = analyse(write(tmp_path / "f.wav", sine(10.5, dbfs=0) * 0.999, subtype="FLOAT"), LIMITS)
    assert full.loudness_lufs == pytest.approx(-3.01, abs=0.05)
    # the same tone in both channels adds the channel powers: +3.01 LU
    st = analyse(write(tmp_path / "s.wav", np.stack([sine(10.5)] * 2, 1), subtype="PCM_24"), LIMITS)
    assert st.loudness_lufs == pytest.approx(-20.0, abs=0.05)


def test_loudness_gating_ignores_silence(tmp_path):
    x = np.concatenate([sine(6, dbfs=-20), np.zeros(6 * FS, np.float32)])
    a = analyse(write(tmp_path / "g.wav", x, subtype="PCM_24"), LIMITS)
    assert a.loudness_lufs == pytest.approx(-23.01, abs=0.1)  # absolute gate drops the silent half


def test_silence_has_no_loudness_or_peak(tmp_path):
    a = analyse(write(tmp_path / "z.wav", np.zeros(11 * FS, np.float32)), LIMITS)
    assert a.loudness_lufs is None and a.true_peak_dbtp is None
    assert a.suspected_lossy_source is False and max(a.peaks) == 0


def test_true_peak_finds_intersample_peak(tmp_path):
    # fs/4 at 45 degrees: every sample sits at 0.707 (-3.01 dBFS) while the waveform reaches 1.0 (0 dBTP)
    x = sine(10.5, FS / 4, dbfs=-1.0, phase=np.pi / 4)
    a = analyse(write(tmp_path / "tp.wav", x, subtype="FLOAT"), LIMITS)
    assert max(a.peaks) == pytest.approx(10 ** (-4.01 / 20), abs=1e-3)
    assert a.true_peak_dbtp == pytest.approx(-1.0, abs=0.2)
    b = analyse(write(tmp_path / "s.wav", sine(10.5, 997.0, dbfs=-6.0), subtype="PCM_24"), LIMITS)
    assert b.true_peak_dbtp == pytest.approx(-6.0, abs=0.05)


def test_truncated_wav(tmp_path):
    path = write(tmp_path / "t.wav", sine(12), subtype="PCM_16")
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)
    assert _reject(path).code == "truncated"


@pytest.mark.parametrize("keep", [0.3, 0.66, 0.95])
def test_truncated_flac(tmp_path, keep):
    path = write(tmp_path / "t.flac", noise(12), subtype="PCM_16")
    assert last_frame_end(path, read_flac_header(path)) == 12 * FS  # intact: the last frame ends on time
    with open(path, "r+b") as f:
        f.truncate(int(os.path.getsize(path) * keep))
    assert _reject(path).code == "truncated"


def test_flac_damaged_mid_file_is_corrupt(tmp_path):
    path = write(tmp_path / "d.flac", noise(12), subtype="PCM_16")
    raw = bytearray(path.read_bytes())
    for i in range(len(raw) // 3, len(raw) // 3 + 2000, 7):
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))
    assert _reject(path).code == "corrupt"


def test_header_declares_more_data_than_present(tmp_path):
    path = write(tmp_path / "h.wav", sine(12), subtype="PCM_16")
    raw = bytearray(path.read_bytes())
    at = raw.index(b"data") + 4
    raw[at: at + 4] = (int.from_bytes(raw[at: at + 4], "little") + 44100 * 2 * 60).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    r = _reject(path)
    assert r.code == "truncated" and r.details["declared_bytes"] > r.details["present_bytes"]


def test_zero_frames(tmp_path):
    assert _reject(write(tmp_path / "z.wav", np.zeros((0, 2), np.float32))).code == "corrupt"
    flac = write(tmp_path / "z.flac", sine(1), subtype="PCM_16")
    with open(flac, "r+b") as f:
        f.truncate(read_flac_header(flac).audio_offset)  # metadata only, not one audio frame
    assert _reject(flac).code == "corrupt"


def test_255_channels(tmp_path):
    path = tmp_path / "many.wav"
    path.write_bytes(raw_wav_header(255, FS, 16, 510) + b"\x01" * 510)  # opens in libsndfile, but is nonsense
    r = _reject(path)
    assert r.code == "bad_channels" and r.details["channels"] == 255


def test_inconsistent_frame_size_is_corrupt(tmp_path):
    hdr = bytearray(raw_wav_header(2, FS, 16, 4000))
    hdr[32:34] = (3).to_bytes(2, "little")  # block align 3 for 2 x 16-bit
    path = tmp_path / "bad.wav"
    path.write_bytes(bytes(hdr) + b"\x00" * 4000)
    assert _reject(path).code == "corrupt"


def test_8khz(tmp_path):
    r = _reject(write(tmp_path / "lo.wav", sine(11, fs=8000), 8000))
    assert r.code == "bad_sample_rate" and r.details["sample_rate"] == 8000


@pytest.mark.parametrize("fmt,subtype", [("WAV", "PCM_U8"), ("WAVEX", "PCM_U8"), ("FLAC", "PCM_S8")])
def test_8_bit_audio_is_refused_for_its_bit_depth(tmp_path, fmt, subtype):
    r = _reject(write(tmp_path / "lofi.audio", sine(11), subtype=subtype, fmt=fmt))
    assert r.code == "bad_bit_depth" and r.details == {"bit_depth": 8, "min_bit_depth": 16}
    assert "16 or 24-bit" in r.message


def test_too_short(tmp_path):
    r = _reject(write(tmp_path / "s.wav", sine(5)))
    assert r.code == "too_short" and r.details["duration_s"] == pytest.approx(5.0)
    assert _reject(write(tmp_path / "s.flac", sine(5), subtype="PCM_16")).code == "too_short"


def test_too_long_real_twenty_minutes(tmp_path):
    path = write_long_wav(tmp_path / "long.wav", 20 * 60)
    assert os.path.getsize(path) > 100_000_000
    r = _reject(path)
    assert r.code == "too_long" and r.details["duration_s"] == pytest.approx(1200.0)


def test_too_long_with_lower_limit(tmp_path):
    limits = replace(LIMITS, max_seconds=11.0)
    assert _reject(write(tmp_path / "l.wav", sine(12)), limits).code == "too_long"
    assert _reject(write(tmp_path / "l.flac", sine(12), subtype="PCM_16"), limits).code == "too_long"
    assert analyse(write(tmp_path / "ok.wav", sine(10.5)), limits).duration_s == pytest.approx(10.5)


def test_limits_from_env(monkeypatch):
    monkeypatch.setenv("AUDIO_MAX_CHANNELS", "6")
    monkeypatch.setenv("AUDIO_MIN_SECONDS", "2.5")
    monkeypatch.setenv("AUDIO_MIN_SAMPLE_RATE", "22050")
    lim = Limits.from_env()
    assert (lim.max_channels, lim.min_seconds, lim.min_rate, lim.max_seconds) == (6, 2.5, 22050, 900.0)


def test_suspected_lossy_source(tmp_path):
    full = np.stack([beat(7, 11.0), noise(11.0, -30, seed=3)], axis=1)
    cut = lowpass_brickwall(full, 16_000.0)
    a = analyse(write(tmp_path / "full.wav", full), LIMITS)
    b = analyse(write(tmp_path / "cut.wav", cut), LIMITS)
    c = analyse(write(tmp_path / "cut.flac", cut, subtype="PCM_24"), LIMITS)
    assert (a.suspected_lossy_source, b.suspected_lossy_source, c.suspected_lossy_source) == (False, True, True)


def test_suspected_lossy_source_needs_44k1(tmp_path):
    cut = lowpass_brickwall(noise(11.0, fs=32000), 12_000.0, fs=32000)
    a = analyse(write(tmp_path / "c.wav", cut, 32000), replace(LIMITS, min_rate=32000))
    assert a.suspected_lossy_source is False


def test_nan_in_float_wav_is_corrupt(tmp_path):
    x = sine(11)
    x[FS * 5] = np.nan
    assert _reject(write(tmp_path / "nan.wav", x, subtype="FLOAT")).code == "corrupt"


def test_memory_bounded_for_three_minutes_24bit_stereo(tmp_path):
    path = tmp_path / "long.wav"
    block = np.stack([noise(10, -18, seed=1), noise(10, -18, seed=2)], axis=1)
    with sf.SoundFile(path, "w", FS, 2, subtype="PCM_24") as f:
        for _ in range(18):
            f.write(block)
    del block
    tracemalloc.start()
    try:
        a = analyse(path, LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert a.duration_s == pytest.approx(180.0)
    assert os.path.getsize(path) == pytest.approx(180 * FS * 2 * 3, rel=1e-3)  # 47.6 MB of PCM
    assert peak < 16 * 2**20, f"tracemalloc peak {peak / 2**20:.1f} MB"


def test_flac_without_total_samples(tmp_path):
    path = write(tmp_path / "u.flac", sine(10.5), subtype="PCM_16")
    raw = bytearray(path.read_bytes())
    raw[8 + 13] &= 0xF0  # STREAMINFO total_samples (36 bits) -> 0, "unknown"
    raw[8 + 14: 8 + 18] = b"\x00\x00\x00\x00"
    path.write_bytes(bytes(raw))
    assert read_flac_header(path).total_samples == 0
    a = analyse(path, LIMITS)
    assert a.duration_s == pytest.approx(10.5) and 950 <= len(a.peaks) <= 2000
    assert _reject(path, replace(LIMITS, max_seconds=10.0)).code == "too_long"
