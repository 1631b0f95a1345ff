"""Streaming meters fed block by block: BS.1770-4 loudness, 4x true peak, waveform peaks, band spectrum.

Each keeps only filter state and small per-file summaries, so memory does not grow with the block count
beyond a few floats per 100 ms.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import signal


def frame_peak(block: np.ndarray) -> np.ndarray:
    """max |sample| across channels per frame; column-wise because numpy reduces a 2-wide last axis slowly."""
    peak = np.abs(block[:, 0])
    for ch in range(1, block.shape[1]):
        np.maximum(peak, np.abs(block[:, ch]), out=peak)
    return peak


def mono_mix(block: np.ndarray) -> np.ndarray:
    mix = block[:, 0].astype(np.float32, copy=True)
    for ch in range(1, block.shape[1]):
        mix += block[:, ch]
    return mix / block.shape[1] if block.shape[1] > 1 else mix


def _k_weighting_sos(fs: float) -> np.ndarray:
    """BS.1770 K-weighting (shelf + high-pass) re-derived for any rate (libebur128's analog prototype)."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / fs)
    vh = 10 ** (gain_db / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / fs)
    a0 = 1 + k / q + k * k
    hp_b = [1.0, -2.0, 1.0]
    hp_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf_b + shelf_a, hp_b + hp_a])


class LoudnessMeter:
    """Integrated loudness: 400 ms blocks, 75 % overlap, -70 LUFS absolute and -10 LU relative gates."""

    def __init__(self, fs: int, channels: int) -> None:
        self.sos = _k_weighting_sos(fs)
        self.zi = np.zeros((self.sos.shape[0], 2, channels))
        self.seg = max(1, round(0.1 * fs))  # 100 ms steps: a gating block is 4 of them
        self.pending = np.zeros(0)
        self.segments: list[np.ndarray] = []

    def feed(self, block: np.ndarray) -> None:
        y, self.zi = signal.sosfilt(self.sos, block, axis=0, zi=self.zi)
        # channel weights are all 1.0 for mono/stereo (BS.1770 G_L = G_R = 1)
        power = np.einsum("ij,ij->i", y, y)
        if self.pending.size:
            power = np.concatenate([self.pending, power])
        n = power.size // self.seg * self.seg
        if n:
            self.segments.append(power[:n].reshape(-1, self.seg).sum(axis=1))
        self.pending = power[n:]

    def result(self) -> float | None:
        if not self.segments:
            return None
        s = np.concatenate(self.segments)
        if s.size < 4:
            return None
        z = (s[:-3] + s[1:-2] + s[2:-1] + s[3:]) / (4 * self.seg)
        with np.errstate(divide="ignore"):
            lk = -0.691 + 10 * np.log10(z)
        z = z[lk > -70.0]
        if not z.size:
            return None
        relative = -0.691 + 10 * math.log10(z.mean()) - 10.0
        z = z[-0.691 + 10 * np.log10(z) > relative]
        return round(-0.691 + 10 * math.log10(z.mean()), 2)


class TruePeakMeter:
    """4x oversampled peak (BS.1770-4 Annex 2) with a 48-tap interpolator, filter history carried across blocks.

    Exact but lazy: an interpolated value is at most L1(phase taps) x the largest input in its window, so a
    64-frame chunk whose bound cannot beat the peak found so far is skipped without being oversampled.
    """

    UP = 4
    CHUNK = 64

    def __init__(self, channels: int) -> None:
        self.h = (signal.firwin(48, 0.235, window=("kaiser", 6.0)) * self.UP).astype(np.float32)
        self.hist_len = (len(self.h) + self.UP - 1) // self.UP
        self.gain = float(max(np.abs(self.h[p:: self.UP]).sum() for p in range(self.UP)))
        self.carry = np.zeros((self.hist_len, channels), dtype=np.float32)  # history + not yet chunked frames
        self.carry_peak = np.zeros(self.hist_len, dtype=np.float32)
        self.peak = 0.0

    def feed(self, block: np.ndarray, peaks: np.ndarray | None = None) -> None:
        """``peaks`` is frame_peak(block) when the caller already has it."""
        x = np.concatenate([self.carry, block.astype(np.float32, copy=False)])
        xp = np.concatenate([self.carry_peak, frame_peak(block) if peaks is None else peaks])
        h, c = self.hist_len, self.CHUNK
        n = (len(x) - h) // c
        if n:
            self._chunks(x[: h + n * c], xp[: h + n * c], n)
        self.carry, self.carry_peak = x[n * c:], xp[n * c:]

    def _chunks(self, x: np.ndarray, xp: np.ndarray, n: int) -> None:
        h, c = self.hist_len, self.CHUNK
        chunk_max = xp[h:].reshape(n, c).max(axis=1)
        tail_max = xp[:h].max(initial=0.0)
        # each chunk's outputs also read the previous hist_len inputs: bound by its own and the previous max
        bound = np.maximum(chunk_max, np.concatenate([[tail_max], chunk_max[:-1]])) * self.gain
        first = int(bound.argmax())
        for sel in (np.array([first]), None):
            if sel is None:
                sel = np.flatnonzero(bound > self.peak)
                if not sel.size:
                    return
            idx = (h + sel * c)[:, None] + np.arange(-h, c)[None, :]
            y = signal.upfirdn(self.h, x[idx], up=self.UP, axis=1)[:, len(self.h) - 1: self.UP * (h + c)]
            self.peak = max(self.peak, float(y.max()), -float(y.min()))  # no |y| temporary

    def flush(self) -> None:
        # the tail after the last sample rings out into silence
        self.feed(np.zeros((self.hist_len + self.CHUNK, self.carry.shape[1]), dtype=np.float32))

    def result(self) -> float | None:
        return round(20 * math.log10(self.peak), 2) if self.peak > 0 else None


class WaveformPeaks:
    """Max |sample| per bucket across channels, ~``buckets`` values for the player's waveform.

    With an unknown length (a FLAC without total_samples) buckets start small and pairs are merged
    whenever there are more than twice as many as wanted, so memory stays bounded.
    """

    def __init__(self, total_frames: int, buckets: int = 1000) -> None:
        self.buckets = buckets
        self.size = math.ceil(total_frames / buckets) if total_frames > 0 else 1024
        self.pending = np.zeros(0, dtype=np.float32)
        self.out = np.zeros(0, dtype=np.float32)

    def feed(self, block: np.ndarray, peaks: np.ndarray | None = None) -> None:
        a = frame_peak(block) if peaks is None else peaks
        if self.pending.size:
            a = np.concatenate([self.pending, a])
        n = a.size // self.size * self.size
        if n:
            self.out = np.concatenate([self.out, a[:n].reshape(-1, self.size).max(axis=1)])
        self.pending = a[n:]
        while self.out.size > 2 * self.buckets:
            even = self.out.size // 2 * 2
            merged = self.out[:even].reshape(-1, 2).max(axis=1)
            # an odd bucket left over goes back to pending-level detail by merging it into the tail
            if self.out.size > even:
                self.pending = np.concatenate([np.full(self.size, self.out[-1], np.float32), self.pending])
            self.out, self.size = merged, self.size * 2
            if self.pending.size >= self.size:
                self.feed(np.zeros((0, 1), np.float32), np.zeros(0, np.float32))

    def result(self) -> list[float]:
        parts = np.concatenate([self.out, self.pending.max(keepdims=True)]) if self.pending.size else self.out
        return [round(float(v), 4) for v in np.clip(parts, 0.0, 1.0)]


class BandSpectrum:
    """Long-term average power spectrum of the mono mix, from non-overlapping Hann frames."""

    N = 4096
    STRIDE = 4
    MID = (10_000.0, 16_000.0)
    HIGH = (16_500.0, 19_500.0)
    MAX_DROP_DB = -25.0     # high band this far below the mid band = content stops near 16 kHz
    MIN_MID_POWER = 1e-12   # per 10.8 Hz bin (~26x a 16-bit noise floor): below it the ratio means nothing

    def __init__(self, fs: int) -> None:
        self.fs = fs
        self.win = signal.windows.hann(self.N, sym=False).astype(np.float32)
        self.norm = float(np.sum(self.win ** 2)) * self.N / 2
        self.acc = np.zeros(self.N // 2 + 1)
        self.frames = 0

    def feed(self, block: np.ndarray) -> None:
        n = len(block) // self.N
        if not n:
            return
        # a long-term average needs only a sample of the frames: every STRIDE-th keeps the cost low
        frames = mono_mix(block[: n * self.N]).reshape(n, self.N)[:: self.STRIDE]
        n = len(frames)
        spec = np.fft.rfft(frames * self.win, axis=1)
        self.acc += (spec.real ** 2 + spec.imag ** 2).sum(axis=0, dtype=np.float64)
        self.frames += n

    def band_db(self) -> tuple[float, float] | None:
        """(mid-band mean power per bin, high/mid ratio in dB) or None when not measurable."""
        if self.fs < 44100 or not self.frames:
            return None
        p = self.acc / (self.frames * self.norm)
        freqs = np.fft.rfftfreq(self.N, 1.0 / self.fs)
        mid = p[(freqs >= self.MID[0]) & (freqs < self.MID[1])].mean()
        high = p[(freqs >= self.HIGH[0]) & (freqs < self.HIGH[1])].mean()
        if mid < self.MIN_MID_POWER:
            return None
        return float(mid), 10 * math.log10(max(high, 1e-30) / mid)

    def suspected_lossy(self) -> bool:
        bands = self.band_db()
        return bands is not None and bands[1] < self.MAX_DROP_DB
