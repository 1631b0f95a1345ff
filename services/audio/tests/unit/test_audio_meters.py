"""The streaming meters give the same answer however the signal is cut into blocks."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from services.audio.analysis.meters import LoudnessMeter, TruePeakMeter, WaveformPeaks


def _blocks(x: np.ndarray, sizes=(1000, 65536, 7, 4410, 30001)):
    i, k = 0, 0
    while i < len(x):
        n = sizes[k % len(sizes)]
        yield x[i: i + n]
        i, k = i + n, k + 1


@pytest.mark.parametrize("seed", range(4))
def test_lazy_true_peak_equals_full_oversampling(seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((200_000, 2)) * rng.uniform(0.05, 0.3)).astype(np.float32)
    x[rng.integers(0, len(x))] *= 3  # one hot spot somewhere
    meter = TruePeakMeter(2)
    for b in _blocks(x):
        meter.feed(b)
    meter.flush()
    full = signal.upfirdn(meter.h, x, up=4, axis=0)
    assert meter.peak == pytest.approx(float(np.abs(full).max()), rel=1e-5)


def test_waveform_and_loudness_are_block_size_independent():
    rng = np.random.default_rng(9)
    x = (rng.standard_normal((441_000, 2)) * 0.1).astype(np.float32)
    one_w, many_w = WaveformPeaks(len(x)), WaveformPeaks(len(x))
    one_l, many_l = LoudnessMeter(44100, 2), LoudnessMeter(44100, 2)
    one_w.feed(x)
    one_l.feed(x)
    for b in _blocks(x):
        many_w.feed(b)
        many_l.feed(b)
    assert one_w.result() == many_w.result() and len(one_w.result()) == 1000
    assert one_l.result() == many_l.result()
    assert one_w.result()[0] == pytest.approx(float(np.abs(x[:441]).max()), abs=1e-4)


def test_waveform_of_unknown_length_stays_bounded_and_exact():
    x = (np.random.default_rng(2).random((5_000_003, 1)) ** 8).astype(np.float32)
    w = WaveformPeaks(0)
    for b in _blocks(x):
        w.feed(b)
    got = w.result()
    ref = [round(float(x[i: i + w.size].max()), 4) for i in range(0, len(x), w.size)]
    assert 1000 <= len(got) <= 2000 and got == ref
