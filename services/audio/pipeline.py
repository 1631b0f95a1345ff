"""The heavy part of validating one upload, run off the eventlet hub (``offhub.run_heavy``):
check the content, measure it, fingerprint it and write its renditions.

Raises ``Rejection`` for a file we refuse — including a file the decoder cannot read, which is
``corrupt`` — and lets any other exception through: that is a bug or an infrastructure failure,
which the event machinery retries and then parks in the dead-letter queue."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import soundfile

from services.audio import renditions
from services.audio.analysis import (Analysis, Fingerprint, Limits, analyse, fingerprint, render_download_mp3,
                                     render_stream)
from services.audio.analysis.errors import corrupt
from services.audio.renditions import RenditionKeys
from services.common.media import MediaStore


@dataclass(frozen=True)
class Processed:
    analysis: Analysis
    fingerprint: Fingerprint
    stream_content_type: str


def process(source: Path, store: MediaStore, keys: RenditionKeys, limits: Limits) -> Processed:
    try:
        analysis = analyse(source, limits)
        fp = fingerprint(source)
        content_type = renditions.write_atomically(store, keys.stream, lambda out: render_stream(source, out))
        renditions.write_atomically(store, keys.download, lambda out: render_download_mp3(source, out))
        waveform = renditions.waveform_json(analysis.peaks, analysis.duration_s)
        renditions.write_atomically(store, keys.waveform, lambda out: out.write_bytes(waveform))
    except soundfile.SoundFileError as exc:
        raise corrupt("it could not be decoded", decoder=str(exc)[:200]) from exc
    return Processed(analysis, fp, str(content_type))
