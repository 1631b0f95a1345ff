"""Validate an upload against its header's claims and the limits, then measure it in one bounded-memory pass."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np
import soundfile as sf

from .errors import Rejection, corrupt, truncated
from .flacheader import last_frame_end, read_flac_header
from .limits import Limits
from .meters import BandSpectrum, LoudnessMeter, TruePeakMeter, WaveformPeaks, frame_peak
from .sniff import sniff
from .wavheader import IEEE_FLOAT, read_wav_header

BLOCK_FRAMES = 65536


@dataclass
class Analysis:
    format: str                     # "wav" | "flac" (RF64 reports "wav")
    duration_s: float
    sample_rate: int
    bit_depth: int | None
    channels: int
    loudness_lufs: float | None
    true_peak_dbtp: float | None
    peaks: list[float] = field(repr=False)
    suspected_lossy_source: bool


@dataclass(frozen=True)
class Claims:
    """What a file's container says about it, once its content proved it WAV or FLAC."""
    format: str
    rate: int
    channels: int
    bit_depth: int | None
    frames: int | None              # None when the container does not say (FLAC total_samples = 0)
    float_samples: bool = False     # only float WAVs can carry NaN/inf
    lost_tail_ok: int = 0           # frames libsndfile may fail to decode at the end of an unknown-length FLAC


def read_claims(path: str | os.PathLike) -> Claims:
    """Sniff the content and read the header: ``Rejection`` for anything not a sound lossless file."""
    kind = sniff(path)
    if kind in ("wav", "rf64"):
        h = read_wav_header(path)
        if h.data_size > h.available_bytes:
            raise truncated(f"the header promises {h.data_size} bytes of audio but only {h.available_bytes} "
                            "are present", declared_bytes=h.data_size, present_bytes=h.available_bytes)
        if h.frames == 0:
            raise corrupt("it contains no audio samples", frames=0)
        depth = h.valid_bits if h.format_tag != IEEE_FLOAT else h.bits_per_sample
        return Claims("wav", h.sample_rate, h.channels, depth, h.frames, h.format_tag == IEEE_FLOAT)
    h = read_flac_header(path)
    if h.audio_offset >= h.file_size:
        raise corrupt("it contains no audio frames", frames=0)
    # total_samples 0 means "unknown": the last intact frame header then tells where the stream ends
    frames = h.total_samples or last_frame_end(path, h)
    return Claims("flac", h.sample_rate, h.channels, h.bits_per_sample, frames,
                   lost_tail_ok=0 if h.total_samples else h.max_block)


def _check_limits(c: Claims, limits: Limits) -> None:
    if not limits.min_channels <= c.channels <= limits.max_channels:
        raise Rejection("bad_channels", f"The file has {c.channels} channels; {limits.min_channels} to "
                        f"{limits.max_channels} are accepted. Export a stereo (or mono) mixdown.",
                        {"channels": c.channels, "max_channels": limits.max_channels})
    if not limits.min_rate <= c.rate <= limits.max_rate:
        raise Rejection("bad_sample_rate", f"The sample rate is {c.rate} Hz; it must be between {limits.min_rate} "
                        f"and {limits.max_rate} Hz. Export at 44.1 kHz or 48 kHz.",
                        {"sample_rate": c.rate, "min_rate": limits.min_rate, "max_rate": limits.max_rate})
    _check_bit_depth(c, limits)
    if c.frames is not None:
        _check_duration(c.frames / c.rate, limits)


def _check_bit_depth(c: Claims, limits: Limits) -> None:
    if c.float_samples or c.bit_depth is None or c.bit_depth >= limits.min_integer_bit_depth:
        return
    minimum = limits.min_integer_bit_depth
    raise Rejection("bad_bit_depth", f"The file is {c.bit_depth}-bit; BeatPass takes {minimum}-bit audio or better. "
                    "Export it again at 16 or 24-bit (or 32-bit float) from the original project.",
                    {"bit_depth": c.bit_depth, "min_bit_depth": minimum})


def _check_duration(seconds: float, limits: Limits) -> None:
    if seconds < limits.min_seconds:
        raise Rejection("too_short", f"The track is {seconds:.1f} s long; it must be at least "
                        f"{limits.min_seconds:g} s. Upload the full beat.",
                        {"duration_s": round(seconds, 3), "min_seconds": limits.min_seconds})
    if seconds > limits.max_seconds:
        raise Rejection("too_long", f"The track is {seconds / 60:.1f} minutes long; the maximum is "
                        f"{limits.max_seconds / 60:g} minutes. Upload a shorter version.",
                        {"duration_s": round(seconds, 3), "max_seconds": limits.max_seconds})


def decode_failure(path: str | os.PathLike, c: Claims, done: int, error: str) -> Rejection:
    """A FLAC whose last intact frame stops short of the declared length was cut off; otherwise it is damaged."""
    if c.format == "flac" and c.frames:
        end = last_frame_end(path, read_flac_header(path))
        if end is not None and end < c.frames:
            return truncated(f"the audio stops after {end / c.rate:.1f} s of the declared {c.frames / c.rate:.1f} s",
                             declared_frames=c.frames, last_frame_end=end, frames_decoded=done, error=error)
    return corrupt(f"decoding failed after {done / c.rate:.1f} s", error=error, frames_decoded=done)


def open_decoder(path: str | os.PathLike, c: Claims) -> sf.SoundFile:
    """libsndfile's view of a file whose claims were read; ``corrupt`` unless it agrees with them."""
    try:
        f = sf.SoundFile(path)
    except (sf.LibsndfileError, RuntimeError) as e:
        raise corrupt("it could not be opened as audio", error=str(e)) from None
    if f.samplerate != c.rate or f.channels != c.channels:
        decoder_rate = f.samplerate
        f.close()
        raise corrupt("the decoder disagrees with the header", header_rate=c.rate, decoder_rate=decoder_rate)
    return f


class Decoding:
    """One pass over a file's samples, block by block (float32, frames × channels), in bounded memory.

    ``done`` counts the frames decoded so far. Iterating raises ``corrupt``/``truncated`` for a file
    that stops decoding early or holds NaN/inf samples; ``check_complete`` after the last block
    refuses a file that decoded to less than its header declared. ``on_block`` (optional) is called
    before each read — the stems check uses it to give up at its deadline."""

    def __init__(self, path: str | os.PathLike, f: sf.SoundFile, c: Claims,
                 on_block: Callable[[], None] | None = None) -> None:
        self.path, self.file, self.claims, self.on_block = path, f, c, on_block
        self.done = 0

    def __iter__(self) -> Iterator[np.ndarray]:
        c, f = self.claims, self.file
        while True:
            # never ask past the known end: libsndfile errors there on a FLAC that did not state its length
            want = BLOCK_FRAMES if c.frames is None else min(BLOCK_FRAMES, c.frames - self.done)
            if want <= 0:
                return
            if c.lost_tail_ok and c.frames is not None and c.frames - self.done <= 2 * BLOCK_FRAMES:
                want = min(want, c.lost_tail_ok)  # frame-sized reads near the end: lose one frame at most
            if self.on_block is not None:
                self.on_block()
            try:
                block = f.read(want, dtype="float32", always_2d=True)
            except (sf.LibsndfileError, RuntimeError) as e:
                # libsndfile 1.2.2 cannot seek to the last frame of a FLAC without total_samples ("psf_fseek")
                if c.frames is not None and self.done >= c.frames - c.lost_tail_ok:
                    self.done = c.frames
                    return
                raise decode_failure(self.path, c, self.done, str(e)) from None
            if not len(block):
                return
            if c.float_samples and not np.isfinite(block).all():
                raise corrupt("it contains invalid (NaN or infinite) samples", frames_decoded=self.done)
            self.done += len(block)
            yield block

    def check_complete(self) -> None:
        c = self.claims
        if self.done == 0:
            raise corrupt("no audio could be decoded", frames=0)
        if c.frames is not None and self.done < c.frames:
            raise truncated(f"only {self.done / c.rate:.1f} s of the declared {c.frames / c.rate:.1f} s could be "
                            "decoded", declared_frames=c.frames, decoded_frames=self.done)


def analyse(path: str | os.PathLike, limits: Limits) -> Analysis:
    c = read_claims(path)
    _check_limits(c, limits)
    with open_decoder(path, c) as f:
        max_frames = int(limits.max_seconds * c.rate) + 1
        expected = c.frames if c.frames is not None else (f.frames if 0 < f.frames <= max_frames else 0)
        loud = LoudnessMeter(c.rate, c.channels)
        tp = TruePeakMeter(c.channels)
        wave = WaveformPeaks(expected)
        spectrum = BandSpectrum(c.rate)
        decoding = Decoding(path, f, c)
        for block in decoding:
            if decoding.done > max_frames:  # a FLAC that did not state its length: stop as soon as it is too long
                _check_duration(decoding.done / c.rate, limits)
            peaks = frame_peak(block)
            loud.feed(block)
            tp.feed(block, peaks)
            wave.feed(block, peaks)
            spectrum.feed(block)
        tp.flush()
    decoding.check_complete()
    done = decoding.done
    _check_duration(done / c.rate, limits)
    lufs = loud.result()
    return Analysis(
        format=c.format,
        duration_s=round(done / c.rate, 3),
        sample_rate=c.rate,
        bit_depth=c.bit_depth,
        channels=c.channels,
        loudness_lufs=lufs,
        true_peak_dbtp=tp.result(),
        peaks=wave.result(),
        suspected_lossy_source=lufs is not None and spectrum.suspected_lossy(),
    )
