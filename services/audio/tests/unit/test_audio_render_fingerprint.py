"""MP3 renditions, Chromaprint fingerprints and the duplicate-match rule."""
from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import soundfile as sf

from services.audio.analysis import MATCH_MAX_BER, Fingerprint, Rejection, fingerprint, match, render_download_mp3, \
    render_stream
from services.audio.analysis.fingerprint import ITEM_S

from .signals import FS, beat, sine, write


@pytest.fixture(scope="module")
def beats(tmp_path_factory) -> list:
    """50 distinct generated beats (tempo, pattern, pitch and seed all vary), fingerprinted two at a time."""
    d = tmp_path_factory.mktemp("beats")
    paths = [write(d / f"beat{i}.wav", beat(i)) for i in range(50)]
    with ThreadPoolExecutor(2) as pool:
        return list(zip(paths, pool.map(fingerprint, paths)))


def _kbps(path, seconds: float) -> float:
    return os.path.getsize(path) * 8 / seconds / 1000


def test_render_stream_is_decodable_mp3_of_the_right_length(tmp_path):
    src = write(tmp_path / "b.wav", np.stack([beat(1, 12.0), beat(2, 12.0)], 1), subtype="PCM_24")
    out = tmp_path / "b.mp3"
    assert render_stream(src, out) == "audio/mpeg"
    assert out.read_bytes()[:3] in (b"ID3",) or out.read_bytes()[0] == 0xFF
    info = sf.info(out)
    assert (info.format, info.samplerate, info.channels) == ("MP3", FS, 2)
    assert sf.read(out)[0].shape[0] / FS == pytest.approx(12.0, abs=0.1)
    assert 100 < _kbps(out, 12.0) < 260  # VBR around LAME -V2


def test_render_download_is_320_cbr(tmp_path):
    src = write(tmp_path / "b.flac", beat(5, 12.0), subtype="PCM_24")
    out = tmp_path / "b320.mp3"
    assert render_download_mp3(src, out) is None
    assert _kbps(out, 12.0) == pytest.approx(320, rel=0.03)
    assert sf.read(out)[0].shape[0] / FS == pytest.approx(12.0, abs=0.1)


def test_render_resamples_high_rates_for_mp3(tmp_path):
    src = write(tmp_path / "hi.flac", sine(10.5, 1000.0, -6.0, fs=96000), 96000, "PCM_24")
    out = tmp_path / "hi.mp3"
    render_download_mp3(src, out)
    y, rate = sf.read(out)
    assert rate == 48000 and len(y) / rate == pytest.approx(10.5, abs=0.1)
    spec = np.abs(np.fft.rfft(y[rate: 9 * rate]))
    assert np.fft.rfftfreq(8 * rate, 1 / rate)[spec.argmax()] == pytest.approx(1000.0, abs=1.0)
    assert np.abs(y).max() == pytest.approx(0.5, abs=0.03)


def test_fingerprint_shape(beats):
    path, fp = beats[0]
    assert isinstance(fp, Fingerprint)
    assert fp.duration_s == pytest.approx(15.0, abs=0.1)
    assert len(fp.raw) > 10 / ITEM_S and all(0 <= v < 2**32 for v in fp.raw)
    assert len(fp.hash) == 64 and fingerprint(path).hash == fp.hash  # deterministic


def test_fingerprint_rejects_non_audio(tmp_path):
    path = tmp_path / "x.wav"
    path.write_bytes(b"not audio at all")
    with pytest.raises(Rejection):
        fingerprint(path)


def test_fifty_different_beats_never_match(beats):
    results = [match(a.raw, b.raw) for (_, a), (_, b) in itertools.combinations(beats, 2)]
    assert len(results) == 50 * 49 // 2
    assert not any(r.matched for r in results)
    assert min(r.bit_error_rate for r in results) > MATCH_MAX_BER + 0.05  # a clear margin, not luck


def test_same_recording_matches_after_conversion_gain_and_trim(beats, tmp_path):
    _, ref = beats[3]
    x = beat(3)
    variants = {
        "flac": write(tmp_path / "v.flac", x, subtype="PCM_24"),
        "-3dB": write(tmp_path / "q.wav", x * 10 ** (-3 / 20)),
        "trim1s": write(tmp_path / "t.wav", x[FS:]),
    }
    for name, path in variants.items():
        m = match(ref.raw, fingerprint(path).raw)
        assert m.matched, (name, m)
        assert m.bit_error_rate < 0.05 and m.overlap_s >= 10.0
    assert match(ref.raw, fingerprint(variants["trim1s"]).raw).offset == pytest.approx(1 / ITEM_S, abs=1)


def test_match_needs_ten_seconds_of_overlap():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2**32, 200, dtype=np.uint64).tolist()
    assert match(a, a).matched and match(a, a).bit_error_rate == 0.0
    short = a[:int(9 / ITEM_S)]
    assert not match(a, short).matched  # identical, but under 10 s
    assert match(a, a[40:]).offset == 40
    assert match(a[40:], a).offset == -40
    assert not match(a, rng.integers(0, 2**32, 200, dtype=np.uint64).tolist()).matched


@pytest.mark.parametrize("src,dst", [(96000, 48000), (88200, 44100), (64000, 48000), (50000, 48000)])
def test_streaming_resampler_equals_whole_file_filtering(src, dst):
    from scipy import signal

    from services.audio.analysis.render import _Resampler

    x = np.random.default_rng(src).standard_normal((src + 123, 2)).astype(np.float32)
    r = _Resampler(src, dst, 2)
    cuts = np.cumsum([1000, 65536, 7, 30000] * 8)
    parts = [r(b) for b in np.split(x, cuts[cuts < len(x)])] + [r(x[:0], final=True)]
    y = np.concatenate(parts)
    n_out = int(np.ceil(len(x) * r.up / r.down))
    ref = signal.upfirdn(r.h, np.concatenate([x, np.zeros((len(r.h), 2))]), r.up, r.down, axis=0)
    assert len(y) == n_out
    assert np.abs(y - ref[r.skip: r.skip + n_out]).max() < 1e-5
