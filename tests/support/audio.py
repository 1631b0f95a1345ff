"""Generated audio for the upload tests: beat-like WAV/FLAC distinct per seed, and every kind of bad file.

A "beat" is a kick on every beat, a hi-hat on the off-beats and a short melody whose notes come
from the seed, so two seeds give audio that fingerprints differently while one seed always gives
the same samples.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import soundfile as sf

from devtools.audio import beat

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def make_wav(path: Path, seconds: float = 12.0, rate: int = 44100, channels: int = 2, subtype: str = "PCM_16",
             seed: int = 0) -> Path:
    sf.write(path, beat(seconds, rate, channels, seed), rate, subtype=subtype, format="WAV")
    return path


def make_flac(path: Path, seconds: float = 12.0, rate: int = 48000, channels: int = 2, subtype: str = "PCM_24",
              seed: int = 0) -> Path:
    sf.write(path, beat(seconds, rate, channels, seed), rate, subtype=subtype, format="FLAC")
    return path


def make_truncated_wav(path: Path, seed: int = 0) -> Path:
    """A WAV whose end was cut off (the header still declares the full length)."""
    make_wav(path, seed=seed)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def make_overdeclared_wav(path: Path, seed: int = 0) -> Path:
    """A complete WAV whose RIFF and data chunk sizes claim twice the data that follows."""
    make_wav(path, seed=seed)
    data = bytearray(path.read_bytes())
    at = data.index(b"data")
    size = struct.unpack_from("<I", data, at + 4)[0]
    struct.pack_into("<I", data, at + 4, size * 2)
    struct.pack_into("<I", data, 4, len(data) - 8 + size)
    path.write_bytes(bytes(data))
    return path


def make_zero_frames_wav(path: Path) -> Path:
    sf.write(path, np.zeros((0, 2), dtype=np.float32), 44100, subtype="PCM_16", format="WAV")
    return path


def wav_header(channels: int, rate: int, bits: int, data_bytes: int) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + data_bytes) + b"WAVE"
            + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", data_bytes))


def make_many_channels_wav(path: Path, channels: int = 255) -> Path:
    """A small WAV whose header claims ``channels`` channels (it opens; only the header says it is absurd)."""
    data_bytes = channels * 2 * 2
    path.write_bytes(wav_header(channels, 44100, 16, data_bytes) + b"\x01\x00" * (data_bytes // 2))
    return path


def make_mp3_as_wav(path: Path, seed: int = 0) -> Path:
    sf.write(path, beat(12.0, 44100, 2, seed), 44100, format="MP3", subtype="MPEG_LAYER_III")
    return path


def make_ogg_as_wav(path: Path, seed: int = 0) -> Path:
    sf.write(path, beat(12.0, 44100, 2, seed), 44100, format="OGG", subtype="VORBIS")
    return path


def make_png_as_wav(path: Path) -> Path:
    path.write_bytes(PNG_HEAD)
    return path


def make_text_as_wav(path: Path) -> Path:
    path.write_text("this is not audio\n" * 50)
    return path


def make_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def make_long_wav(path: Path, minutes: float = 20.0, rate: int = 44100, seed: int = 0) -> Path:
    """A long mono 16-bit WAV written a block at a time (never whole in memory)."""
    total = int(minutes * 60 * rate)
    block = rate * 10
    with sf.SoundFile(path, "w", samplerate=rate, channels=1, subtype="PCM_16", format="WAV") as out:
        for start in range(0, total, block):
            frames = min(block, total - start)
            out.write(beat(frames / rate, rate, 1, seed, start_frame=start))
    return path
