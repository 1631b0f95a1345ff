"""The heavy part of validating one upload: check the content, measure it, fingerprint it and
write its renditions.

It runs on the hub, inside one of ``offhub.heavy_slot``'s slots, and sends each CPU-heavy step to
an OS thread with ``offhub.run``; those steps touch no green primitive. ``fpcalc`` is a process of
its own: it is waited for here, on the hub, with eventlet's subprocess.

Raises ``Rejection`` for a file we refuse — including a file the decoder cannot read, which is
``corrupt`` — and lets any other exception through: that is a bug or an infrastructure failure,
which the event machinery retries and then parks in the dead-letter queue."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import soundfile

from services.audio import offhub, renditions
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
        analysis = offhub.run(analyse, source, limits)
        fp = fingerprint(source)
        content_type = renditions.write_atomically(store, keys.stream,
                                                   lambda out: offhub.run(render_stream, source, out))
        renditions.write_atomically(store, keys.download, lambda out: offhub.run(render_download_mp3, source, out))
        waveform = renditions.waveform_json(analysis.peaks, analysis.duration_s)
        renditions.write_atomically(store, keys.waveform, lambda out: out.write_bytes(waveform))
    except soundfile.SoundFileError as exc:
        raise corrupt("it could not be decoded", decoder=str(exc)[:200]) from exc
    return Processed(analysis, fp, str(content_type))
