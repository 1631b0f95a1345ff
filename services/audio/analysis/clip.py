"""An Audio Recon clip (docs/recon.md): judged like an upload, then made ready to fingerprint.

The clip is sniffed by content (``sniff_clip``: WAV, FLAC or MP3), its header checked against the
recon limits (``clip_limits``: channels, sample rate, 10 s to 10 min) and decoded in full, block by
block — so a clip that is not audio, damaged, cut short or outside the limits is refused with the
upload's own codes (``Rejection``). Bit depth is not judged: a search does not sell the file.

While it decodes, the clip is written as mono 16-bit WAV files (what Chromaprint hears: it mixes to
mono itself), trimmed by each of ``locate.SHIFTS`` of a fingerprint item, at most 48 kHz (higher
rates are resampled as the renditions are), into ``scratch``. ``fingerprint`` then reads each one.

Runs in an OS thread: no green primitive here (``services.audio.offhub``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from services.contracts.vocabularies import RECON_MAX_SECONDS, RECON_MIN_SECONDS

from .analyse import Claims, Decoding, _check_duration, _check_limits, open_decoder, read_claims
from .errors import UPLOAD_HINT, Rejection, corrupt
from .fingerprint import ITEM_S
from .limits import Limits
from .locate import SHIFTS
from .render import _Resampler
from .sniff import CLIP_HINT, sniff_clip

#: sample rates above this are halved (or quartered) before the scratch copies are written
MAX_SCRATCH_RATE = 48000


def clip_limits() -> Limits:
    """The upload's limits, but a clip's duration, any usual sample rate (8–192 kHz) and any bit depth."""
    return Limits(min_rate=8000, max_rate=192000, min_integer_bit_depth=1,
                  min_seconds=RECON_MIN_SECONDS, max_seconds=RECON_MAX_SECONDS)


@dataclass(frozen=True)
class Clip:
    format: str  # "wav" (RF64 included), "flac" or "mp3"
    duration_s: float
    sample_rate: int
    channels: int
    #: (scratch file, seconds trimmed from the clip's start), one per shift
    shifted: list[tuple[Path, float]]


def check_clip(path: str | os.PathLike, scratch: Path, limits: Limits | None = None) -> Clip:
    """The clip's facts and its shifted scratch copies, or ``Rejection`` (its message says what to send)."""
    limits = limits or clip_limits()
    try:
        return _check(path, scratch, limits)
    except Rejection as rejection:
        raise Rejection(rejection.code, rejection.message.replace(UPLOAD_HINT, CLIP_HINT), rejection.details) \
            from None


def _check(path: str | os.PathLike, scratch: Path, limits: Limits) -> Clip:
    kind = sniff_clip(path)
    if kind == "mp3":
        claims = _mp3_claims(path)
    else:
        claims = read_claims(path)
    _check_limits(claims, limits)
    with open_decoder(path, claims) as decoder:
        rate = _scratch_rate(claims.rate)
        trims = [int(round(shift * ITEM_S * rate)) for shift in SHIFTS]
        writers = [_Trimmed(scratch / f"shift-{n}.wav", rate, trim) for n, trim in enumerate(trims)]
        resample = _Resampler(claims.rate, rate, 1)
        max_frames = int(limits.max_seconds * claims.rate) + 1
        decoding = Decoding(path, decoder, claims)
        try:
            for block in decoding:
                if decoding.done > max_frames:  # no length in the header (MP3): stop once it is too long
                    _check_duration(decoding.done / claims.rate, limits)
                mono = resample(block.mean(axis=1, keepdims=True, dtype=np.float32))
                for writer in writers:
                    writer.write(mono)
            tail = resample(np.zeros((0, 1), dtype=np.float32), final=True)
            for writer in writers:
                writer.write(tail)
        finally:
            for writer in writers:
                writer.close()
    decoding.check_complete()
    done = decoding.done
    _check_duration(done / claims.rate, limits)
    return Clip(format="mp3" if kind == "mp3" else claims.format, duration_s=round(done / claims.rate, 3),
                sample_rate=claims.rate, channels=claims.channels,
                shifted=[(writer.path, trim / rate) for writer, trim in zip(writers, trims)])


def _mp3_claims(path: str | os.PathLike) -> Claims:
    """MPEG audio states no exact length: the decoder's rate and channels, the length counted while decoding."""
    try:
        with sf.SoundFile(path) as f:
            return Claims("mp3", f.samplerate, f.channels, None, None)
    except (sf.LibsndfileError, RuntimeError) as e:
        raise corrupt("it could not be opened as audio", error=str(e)) from None


def _scratch_rate(rate: int) -> int:
    while rate > MAX_SCRATCH_RATE and rate % 2 == 0:
        rate //= 2
    return rate


class _Trimmed:
    """A mono 16-bit WAV of what it is given, less its first ``trim`` frames."""

    def __init__(self, path: Path, rate: int, trim: int) -> None:
        self.path, self.skip = path, trim
        self.file = sf.SoundFile(path, "w", samplerate=rate, channels=1, subtype="PCM_16", format="WAV")

    def write(self, block: np.ndarray) -> None:
        if self.skip:
            dropped = min(self.skip, len(block))
            block, self.skip = block[dropped:], self.skip - dropped
        if len(block):
            self.file.write(np.clip(block, -1.0, 1.0))

    def close(self) -> None:
        self.file.close()
