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


def song(seconds: float, rate: int = 44100, channels: int = 2, seed: int = 0) -> np.ndarray:
    """``seconds`` of float32 music that never repeats itself: every sixteenth note draws its own drums, bass
    and lead notes, every beat its chord. ``beat`` loops a 4-second melody, so a clip of it fits the track
    every 4 seconds; a clip of a ``song`` fits in one place only (Audio Recon's tests find where)."""
    rng = np.random.default_rng(seed)
    step = int(rate * 60 / rng.uniform(80, 160) / 4)
    frames = int(round(seconds * rate))
    out = np.zeros(frames)
    decay = lambda length, tau: np.exp(-np.arange(length) / (tau * rate))  # noqa: E731
    t_kick = np.arange(int(0.25 * rate)) / rate
    kick = np.sin(2 * np.pi * (55 * t_kick + 60 * (1 - np.exp(-t_kick * 30)))) * decay(len(t_kick), 0.08)
    snare = rng.standard_normal(int(0.2 * rate)) * decay(int(0.2 * rate), 0.05) * 0.5
    hz = lambda midi: 440.0 * 2 ** ((midi - 69) / 12)  # noqa: E731
    root = int(rng.integers(33, 52))
    scale = np.array([0, 2, 3, 5, 7, 8, 10, 12, 14, 15])
    chord = root + 12 + np.array([0, 3, 7])
    for i, start in enumerate(range(0, frames, step)):
        length = min(step, frames - start)
        t = np.arange(length) / rate
        for sound, chance in ((kick, 0.35), (snare, 0.2)):
            if rng.random() < chance:
                part = sound[: frames - start]
                out[start:start + len(part)] += part
        out[start:start + length] += 0.3 * np.sin(2 * np.pi * hz(root + rng.choice(scale)) * t) * decay(length, 0.3)
        if i % 4 == 0:
            chord = root + 12 + rng.choice(scale) + np.array([0, 3, 7])
        out[start:start + length] += 0.08 * sum(np.sin(2 * np.pi * hz(m) * (t + start / rate)) for m in chord)
        out[start:start + length] += 0.15 * np.sin(2 * np.pi * hz(root + 24 + rng.choice(scale)) * t) \
            * decay(length, 0.1)
    mono = 0.5 * out / max(np.abs(out).max(), 1e-9)
    return np.stack([mono * (1.0 - 0.1 * c) for c in range(channels)], axis=1).astype(np.float32)
