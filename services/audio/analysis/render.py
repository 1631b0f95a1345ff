"""MP3 renditions written block by block through soundfile/libsndfile (LAME)."""
from __future__ import annotations

import math
import os

import numpy as np
import soundfile as sf
from scipy import signal

from services.contracts.vocabularies import STREAM_CONTENT_TYPE

from .errors import corrupt

BLOCK_FRAMES = 65536
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)  # MPEG-1/2 layer III
# libsndfile maps compression_level onto LAME: CBR bitrate = 320 - level*(320-32) kbps; VBR quality = level*10.
CBR_320 = 0.0
VBR_V2 = 0.2  # LAME -V2, ~170-210 kbps


class _Resampler:
    """Streaming polyphase resampler by L/M: exactly upfirdn(h, x, L, M) over the whole file, delay removed.

    Each call filters (history + block), where the history is rounded back to a multiple of M input samples
    so that upfirdn's output grid lines up with the global one.
    """

    def __init__(self, src: int, dst: int, channels: int) -> None:
        g = math.gcd(src, dst)
        self.up, self.down = dst // g, src // g
        half = self.down * math.ceil(12 * max(self.up, self.down) / self.down)  # a whole number of outputs
        self.h = signal.firwin(2 * half + 1, 0.95 / max(self.up, self.down), window=("kaiser", 8.0)) * self.up
        self.skip = half // self.down       # the filter's group delay, in output samples
        self.keep = math.ceil(len(self.h) / self.up) + self.down + 1
        self.buf = np.zeros((0, channels), dtype=np.float32)
        self.buf_start = 0                  # global input index of buf[0]
        self.next_out = 0                   # global index of the next output sample to emit
        self.n_in = 0

    def __call__(self, x: np.ndarray, final: bool = False) -> np.ndarray:
        if self.up == self.down:
            return x
        self.n_in += len(x)
        self.buf = np.concatenate([self.buf, x])
        end_in = self.buf_start + len(self.buf)
        if final:
            last = self.skip + math.ceil(self.n_in * self.up / self.down)  # ring out the filter tail
            self.buf = np.concatenate([self.buf, np.zeros((len(self.h) // self.up + 2, self.buf.shape[1]),
                                                          dtype=np.float32)])
        else:
            last = (end_in * self.up - 1) // self.down + 1  # outputs whose newest input has arrived
        y = signal.upfirdn(self.h, self.buf, self.up, self.down, axis=0)
        first_global = self.buf_start * self.up // self.down
        out = y[self.next_out - first_global: last - first_global]
        self.next_out = last
        # keep enough history for the next outputs, starting on a multiple of M
        new_start = max(0, end_in - self.keep) // self.down * self.down
        self.buf = self.buf[new_start - self.buf_start: end_in - self.buf_start]
        self.buf_start = new_start
        drop = max(0, self.skip - (last - len(out)))
        return out[drop:].astype(np.float32)


def _target_rate(rate: int) -> int:
    if rate in MP3_RATES:
        return rate
    return 48000 if rate % 48000 == 0 or rate % 44100 else 44100


def _encode(path: str | os.PathLike, out_path: str | os.PathLike, level: float, mode: str) -> None:
    try:
        src = sf.SoundFile(path)
    except (sf.LibsndfileError, RuntimeError) as e:
        raise corrupt("it could not be opened as audio", error=str(e)) from None
    with src:
        rate = _target_rate(src.samplerate)
        resample = _Resampler(src.samplerate, rate, src.channels)
        with sf.SoundFile(out_path, "w", samplerate=rate, channels=src.channels, format="MP3",
                          subtype="MPEG_LAYER_III", compression_level=level, bitrate_mode=mode) as dst:
            for block in src.blocks(BLOCK_FRAMES, dtype="float32", always_2d=True):
                dst.write(np.clip(resample(block), -1.0, 1.0))
            tail = resample(np.zeros((0, src.channels), dtype=np.float32), final=True)
            if len(tail):
                dst.write(np.clip(tail, -1.0, 1.0))


def render_stream(path: str | os.PathLike, out_path: str | os.PathLike) -> str:
    """A ~190 kbps VBR MP3 for the web player; returns its content type."""
    _encode(path, out_path, VBR_V2, "VARIABLE")
    return STREAM_CONTENT_TYPE


def render_download_mp3(path: str | os.PathLike, out_path: str | os.PathLike) -> None:
    """The licensee's "MP3 320" file: constant 320 kbps."""
    _encode(path, out_path, CBR_320, "CONSTANT")


def render_cbr_mp3(path: str | os.PathLike, out_path: str | os.PathLike, kbps: int) -> None:
    """A constant-bitrate MP3 at ``kbps`` (32–320) with the renditions' encoder: what a copy of a beat
    re-encoded elsewhere sounds like (Audio Recon's tests use 128 kbps)."""
    if not 32 <= kbps <= 320:
        raise ValueError("kbps must be between 32 and 320")
    _encode(path, out_path, (320 - kbps) / (320 - 32), "CONSTANT")
