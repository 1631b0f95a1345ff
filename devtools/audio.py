"""Generated beats: a kick on every beat, a hi-hat on the off-beats and a short melody whose notes
come from the seed, so two seeds give audio that fingerprints differently while one seed always
gives the same samples. Used by `make demo` and the tests."""
from __future__ import annotations

import numpy as np


def beat(seconds: float, rate: int = 44100, channels: int = 2, seed: int = 0, bpm: float = 120.0,
         start_frame: int = 0) -> np.ndarray:
    """``seconds`` of float32 audio, frames × channels, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    notes = 220.0 * 2 ** (rng.integers(0, 24, size=16) / 12)  # the seed's melody, two octaves
    frames = int(round(seconds * rate))
    t = (np.arange(frames) + start_frame) / rate
    period = 60.0 / bpm
    phase = np.mod(t, period)
    kick = np.sin(2 * np.pi * (50 + 120 * np.exp(-phase * 30)) * phase) * np.exp(-phase * 8)
    off = np.mod(t + period / 2, period)
    hats = np.random.default_rng(seed + 1).uniform(-1, 1, frames) * np.exp(-off * 60) * 0.2
    note = notes[(t // (period / 2)).astype(int) % len(notes)]
    melody = 0.3 * np.sin(2 * np.pi * note * t) * (0.6 + 0.4 * np.exp(-np.mod(t, period / 2) * 6))
    mono = (0.5 * kick + hats + melody) * 0.7
    out = np.stack([mono * (1.0 - 0.1 * c) for c in range(channels)], axis=1)
    return out.astype(np.float32)
