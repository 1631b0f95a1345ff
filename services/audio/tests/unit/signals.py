"""Test-signal factory: writes real audio files (numpy + soundfile) at test time."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import soundfile as sf

FS = 44100


def sine(seconds: float, freq: float = 1000.0, dbfs: float = -20.0, fs: int = FS, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * fs)) / fs
    return (10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def noise(seconds: float, dbfs: float = -20.0, fs: int = FS, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (10 ** (dbfs / 20) * rng.standard_normal(int(seconds * fs))).astype(np.float32)


def lowpass_brickwall(x: np.ndarray, cutoff: float, fs: int = FS) -> np.ndarray:
    """What an MP3 encoder does to the top octave: nothing survives above ``cutoff``."""
    spec = np.fft.rfft(x, axis=0)
    spec[np.fft.rfftfreq(len(x), 1 / fs) > cutoff] = 0
    return np.fft.irfft(spec, n=len(x), axis=0).astype(np.float32)


def beat(seed: int, seconds: float = 15.0, fs: int = FS) -> np.ndarray:
    """A synthetic beat: noise-burst kick/snare/hats on a random 16-step pattern, a bass line and chords."""
    rng = np.random.default_rng(seed)
    bpm = rng.uniform(70, 170)
    step = int(fs * 60 / bpm / 4)
    n = int(seconds * fs)
    out = np.zeros(n, dtype=np.float64)
    env = lambda length, tau: np.exp(-np.arange(length) / (tau * fs))  # noqa: E731
    t_kick = np.arange(int(0.25 * fs)) / fs
    kick = np.sin(2 * np.pi * (rng.uniform(40, 70) * t_kick + 60 * (1 - np.exp(-t_kick * 30)))) * env(len(t_kick), 0.08)
    snare = rng.standard_normal(int(0.2 * fs)) * env(int(0.2 * fs), 0.05) * 0.6
    hat = np.diff(rng.standard_normal(int(0.05 * fs) + 1)) * env(int(0.05 * fs), 0.01) * 0.3
    patterns = {name: rng.random(16) < p for name, p in (("kick", 0.3), ("snare", 0.2), ("hat", 0.6))}
    patterns["kick"][0] = patterns["snare"][4] = True
    root = rng.integers(33, 52)  # MIDI note of the bass
    scale = np.array([0, 2, 3, 5, 7, 8, 10])
    bass_line = root + rng.choice(scale, 16)
    chords = [root + 12 + rng.choice(scale) + np.array([0, 3, 7]) for _ in range(4)]
    hz = lambda m: 440.0 * 2 ** ((m - 69) / 12)  # noqa: E731
    for i, start in enumerate(range(0, n, step)):
        s16 = i % 16
        for name, sound in (("kick", kick), ("snare", snare), ("hat", hat)):
            if patterns[name][s16]:
                seg = sound[: n - start]
                out[start: start + len(seg)] += seg
        length = min(step, n - start)
        t = np.arange(length) / fs
        out[start: start + length] += 0.3 * np.sin(2 * np.pi * hz(bass_line[s16]) * t) * env(length, 0.3)
        chord = chords[(i // 16) % 4]
        out[start: start + length] += 0.08 * sum(np.sin(2 * np.pi * hz(m) * (t + start / fs)) for m in chord)
    return (0.5 * out / np.abs(out).max()).astype(np.float32)


def write(path: Path, data: np.ndarray, fs: int = FS, subtype: str = "PCM_16", fmt: str | None = None) -> Path:
    sf.write(path, data, fs, subtype=subtype, format=fmt)
    return path


def write_long_wav(path: Path, seconds: float, fs: int = FS) -> Path:
    """A real long 16-bit mono WAV written block-wise (a quiet sine, so it compresses nothing and costs little)."""
    total = int(seconds * fs)
    block = sine(10.0, 440.0, -20.0, fs)
    with sf.SoundFile(path, "w", fs, 1, subtype="PCM_16") as f:
        done = 0
        while done < total:
            n = min(len(block), total - done)
            f.write(block[:n])
            done += n
    return path


def raw_wav_header(channels: int, rate: int, bits: int, data_bytes: int, declared: int | None = None) -> bytes:
    """A hand-made RIFF/WAVE PCM header, so a test can lie in any field."""
    block_align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block_align, block_align, bits)
    size = declared if declared is not None else data_bytes
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + data_bytes) + b"WAVE"
            + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size))
